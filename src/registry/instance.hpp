// A service instance: what a registrant says about one running copy of a
// service, and the state the registry keeps about it.
//
// The same record carries the registry's other kind of entry, a declared
// dependency between two services (kind == RecordKind::dependency): keyed
// (service, dependsOn), with its terms in `dependency`, it is owned,
// versioned, replicated, tombstoned and collected exactly as an instance
// is, so one set of rules (docs/registry.md) covers both. Its instance
// fields stay at their defaults; queries of instances never return it.
//
// An instance is named by (service, id): the id is unique within its
// service and chosen by the registrant; `uuid` is the registry's own
// handle for the record. The registrant gives the first group of fields;
// the health checker moves the second; the store sets the third. Times are
// wall-clock milliseconds since the Unix epoch as the caller gives them
// (this layer reads no clock); 0 means "never" / "not yet".
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/rng.hpp"
#include "registry/errors.hpp"
#include "registry/names.hpp"
#include "registry/status.hpp"
#include "registry/uuid.hpp"

namespace wkd::registry {

// What a record is: a service instance, or a dependency of `service` on
// the service named by its `id`.
enum class RecordKind : std::uint8_t { instance = 0, dependency = 1 };

struct Dependency;  // dependency.hpp

struct InstanceKey {
  std::string service;
  std::string id;  // the instance id; for a dependency, dependsOn
  RecordKind kind = RecordKind::instance;

  friend bool operator==(const InstanceKey&, const InstanceKey&) = default;
  friend auto operator<=>(const InstanceKey&, const InstanceKey&) = default;
};

// "instance orders/i-1" or "dependency orders -> billing": how refusals
// name a record.
std::string key_text(const InstanceKey& key);

struct Instance {
  // ---- given by the registrant (validate_instance checks these) ----
  std::string service;              // serviceName: a DNS label, not reserved
  std::string id;                   // instanceId: 1-128 visible ASCII, no '/'
  std::string host;                 // an IP literal or a DNS name
  std::int64_t port = 0;            // 1-65535
  std::string protocol = "http";    // a lower-case token: http, https, grpc, tcp, ...
  std::string version;              // semver 2.0.0; empty: unversioned
  std::set<std::string> tags;
  std::map<std::string, std::string> metadata;
  std::int64_t weight = kDefaultWeight;  // 0-10000
  std::string region;               // empty: not given
  std::string zone;                 // empty: not given
  std::string health_check_url;     // http(s) URL; empty: none
  std::string metrics_url;          // http(s) URL; empty: none

  // ---- moved by the health checker (status.hpp has the mapping) ----
  InstanceStatus status = InstanceStatus::starting;
  // The last check's state; critical until a check passes (as in Consul).
  CheckState check_state = CheckState::critical;
  std::int64_t last_check_ms = 0;
  std::uint32_t consecutive_failures = 0;

  // ---- set by the store ----
  Uuid uuid;                      // Uuid::generate on first registration
  std::int64_t registered_ms = 0;
  std::int64_t updated_ms = 0;       // the last real change
  std::int64_t deregistered_ms = 0;  // when it became DEREGISTERED
  std::string owner;                 // the node name that owns the record
  // The owner's shard generation: changes when the owner restarts without
  // its state, so records of an older generation cannot come back.
  std::uint64_t owner_generation = 0;
  // The owner's per-shard version of the last real change to this record
  // (never bumped by a no-op re-registration).
  std::uint64_t record_version = 0;
  // The Lamport time of the registration that gave `owner` the record;
  // orders a move of (service, id) to another node, never wall time.
  std::uint64_t owner_lamport = 0;
  // The owner the record moved from when `owner` took it over; empty:
  // it never moved.
  std::string previous_owner;

  // ---- the kind of record ----
  RecordKind kind = RecordKind::instance;
  // A dependency's terms (immutable, shared by copies); null for an
  // instance.
  std::shared_ptr<const Dependency> dependency;

  InstanceKey key() const { return InstanceKey{service, id, kind}; }
};

// Checks the registrant's fields in the order above; the first refusal
// names its field ("port: 0 is out of range 1-65535"). Err::too_large for
// tags or metadata over their caps, Err::invalid_argument otherwise.
Status validate_instance(const Instance& instance);

// validate_instance for an instance; for a dependency record, its terms
// (validate_dependency) and its key (service and id are the terms'
// serviceName and dependsOn). What the store and the decoders accept.
Status validate_record(const Instance& record);

// Records one health check's result at now_ms: the status moves by the
// table of status.hpp, the check state becomes `check`, last_check_ms is
// now_ms, and consecutive_failures counts critical results in a row
// (passing and warning reset it). A DEREGISTERED record is left alone.
// Returns whether the status or the check state moved: that is a change to
// replicate; the time and the failure count alone are not.
bool apply_check(Instance& instance, CheckState check, std::int64_t now_ms);

// Whether two records carry the same registration (the registrant's
// fields, or a dependency's terms): re-registering the same thing is a
// no-op for the store.
bool same_registration(const Instance& a, const Instance& b);

}  // namespace wkd::registry
