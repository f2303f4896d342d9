// Selecting instances: the filters the store and the REST API combine.
//
// A Query is an AND of its filters; an empty filter lets everything
// through. Tombstones (DEREGISTERED) are left out unless asked for. A
// version range never matches an instance without a valid version.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "registry/instance.hpp"
#include "registry/semver.hpp"

namespace wkd::registry {

struct Query {
  std::string service;                          // empty: every service
  bool healthy_only = false;                    // HEALTHY only (passing or warning)
  bool include_deregistered = false;            // keep tombstones
  std::set<std::string> tags;                   // the instance has all of them
  std::map<std::string, std::string> metadata;  // each key present with that value
  std::string region;                           // empty: any
  std::string zone;                             // empty: any
  std::optional<semver::Range> version;         // empty: any
};

bool matches(const Query& q, const Instance& in);

// The matching instances in the order given.
std::vector<const Instance*> select(const Query& q, std::span<const Instance> instances);

// Selection preference: 0 for HEALTHY and passing, 1 for HEALTHY and
// warning, 2 for the rest (not selectable).
int selection_rank(const Instance& in) noexcept;

// Stable-sorts by selection_rank, so passing instances come before warning
// ones and the order within a rank is kept.
void order_for_selection(std::vector<const Instance*>& instances);

}  // namespace wkd::registry
