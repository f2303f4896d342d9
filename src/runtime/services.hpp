// The registry as every thread reads it: an immutable snapshot of the
// instances one node holds, published with the View under the same
// version, and the instance events between two snapshots.
//
// Dependencies between services ride along: the dependency records the
// store holds (not removed), keyed (service, dependsOn), with their health
// judged from the instances of the same snapshot. They change the view
// (and its version) but raise no instance event.
//
// Records are shared, immutable Instances: a new snapshot takes the
// previous one's record of every instance that did not change, so
// publishing a snapshot where one instance changed builds one record and
// copies the map of pointers. Tombstones (DEREGISTERED) stay in the
// snapshot while the store keeps them (audit); queries leave them out
// unless asked.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "registry/dependency.hpp"
#include "registry/instance.hpp"
#include "registry/query.hpp"
#include "registry/store.hpp"

namespace wkd::runtime {

using InstanceRecord = std::shared_ptr<const registry::Instance>;

struct DependencyHealth {
  InstanceRecord record;  // the dependency (record->dependency has its terms)
  registry::DependencyVerdict verdict;
};

struct ServicesView {
  std::map<registry::InstanceKey, InstanceRecord> instances;
  // Dependency records, keyed (service, dependsOn, kind dependency).
  std::map<registry::InstanceKey, InstanceRecord> dependencies;

  const InstanceRecord* find(const registry::InstanceKey& key) const;
  // Services with at least one instance that is not DEREGISTERED, sorted.
  std::vector<std::string> services() const;
  // The instances that match `q`, in key order.
  std::vector<InstanceRecord> select(const registry::Query& q) const;
  // What `service` depends on (by dependsOn); empty: every dependency.
  std::vector<InstanceRecord> dependencies_of(const std::string& service = {}) const;
  // The dependencies whose dependsOn is `service`.
  std::vector<InstanceRecord> dependents_of(const std::string& service) const;
  // Each dependency of `service` judged from this snapshot's instances.
  std::vector<DependencyHealth> dependency_health(const std::string& service) const;
};

// One instance event: what changed and the record after it (as it was,
// for removed).
enum class InstanceChange : std::uint8_t { registered, updated, status, deregistered, removed, moved };

struct InstanceEvent {
  InstanceChange type;
  InstanceRecord record;
  // The record before this snapshot (null when new).
  InstanceRecord previous;
};

// The next snapshot after `previous` (null: empty) with the store's changes
// applied in order, and one event per instance that changed (the last
// change of each, in the order of their first change), so a burst of
// changes to one instance costs its watchers one event. With `resync` (the
// change list overflowed) the snapshot is rebuilt from `store` and every
// difference becomes an event.
struct ServicesUpdate {
  std::shared_ptr<const ServicesView> view;
  std::vector<InstanceEvent> events;
};
ServicesUpdate update_services(const ServicesView* previous, const registry::Changes& changes,
                               const registry::Store& store);

}  // namespace wkd::runtime
