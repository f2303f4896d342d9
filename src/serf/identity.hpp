// A wkd node's identity, carried as Serf tags in memberlist node meta.
//
// A wkd node is a serf node whose tags follow a convention, so a plain
// `serf members` shows them and wkd nodes recognise each other. The reserved
// keys are:
//
//   wkd       wkd version ("1.2.0"); its presence marks a wkd node
//   db        database type served ("postgres", ...)
//   wire      wire protocol spoken by the endpoint ("pgwire", ...)
//   endpoint  host:port where clients reach the service
//   groups    comma-separated group names, each [a-z0-9][a-z0-9._-]{0,62}
//   caps      comma-separated capabilities (no commas inside one)
//   health    passing | warning | critical
//
// Any other key is a free tag (serf's `role`, user labels...). to_tags()
// validates and refuses, with a message naming the offending value, a bad
// group, a reserved key used as a free tag, an endpoint that is not
// host:port, a capability containing a comma. identity_from_tags() is
// lenient: it reads any peer's tags, and a peer without `wkd` is a plain
// serf/memberlist node whose health is unknown and whose tags are all free.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "serf/config.hpp"
#include "wire/tags.hpp"

namespace wkd::serf {

enum class Health : std::uint8_t { unknown, passing, warning, critical };

// "unknown", "passing", "warning", "critical".
const char* health_name(Health h) noexcept;

inline constexpr std::string_view kTagWkd = "wkd";
inline constexpr std::string_view kTagDb = "db";
inline constexpr std::string_view kTagWire = "wire";
inline constexpr std::string_view kTagEndpoint = "endpoint";
inline constexpr std::string_view kTagGroups = "groups";
inline constexpr std::string_view kTagCaps = "caps";
inline constexpr std::string_view kTagHealth = "health";

bool is_reserved_tag(std::string_view key) noexcept;

struct Identity {
  std::string wkd_version;    // empty: not a wkd node
  std::string database_type;
  std::string wire_protocol;
  std::string endpoint;       // host:port or empty
  std::vector<std::string> groups;
  std::vector<std::string> capabilities;
  Health health = Health::passing;
  wire::Tags tags;            // free tags (no reserved key)

  bool is_wkd() const noexcept { return !wkd_version.empty(); }
  friend bool operator==(const Identity&, const Identity&) = default;
};

// Checks one group name against [a-z0-9][a-z0-9._-]{0,62}.
bool valid_group_name(std::string_view g) noexcept;

// Checks "host:port": a host name, an IPv4 literal or a bracketed IPv6
// literal, and a port in 1..65535.
bool valid_endpoint(std::string_view e) noexcept;

// Every rule above; the message names the first problem found.
Status validate(const Identity& id);

// Validated identity -> tags (empty optional fields are left out).
Result<wire::Tags> to_tags(const Identity& id);

// Any peer's tags -> identity (never fails; see the top of this file).
Identity identity_from_tags(const wire::Tags& tags);

}  // namespace wkd::serf
