// The node's one instance selector: registry::Selector (select.hpp, with
// its outlier detector) shared by every thread that calls into the node.
//
// Selection reads the services snapshot the caller passes (the node's
// current View, as every other registry read does) and never waits for
// the loop; the selector's own state (round-robin cursors, leases in
// flight, outlier ejections) sits behind one mutex, held only for the
// choice itself. Time is the monotonic clock in milliseconds; the random
// source is the selector's own, seeded by the node. The round-trip
// estimates of `nearest` come from the caller (the node asks its loop).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/rng.hpp"
#include "registry/outlier.hpp"
#include "registry/select.hpp"
#include "runtime/services.hpp"

namespace wkd::runtime {

// A selection as the runtime hands it out: the lease and the record chosen.
struct Selection {
  registry::Lease lease;
  InstanceRecord record;
};

class InstanceSelector {
 public:
  InstanceSelector(std::uint64_t seed, registry::Locality locality, registry::OutlierConfig outlier = {});

  // One instance of `service` in `view`; nullopt when none is selectable.
  std::optional<Selection> select(const ServicesView& view, const std::string& service,
                                  const registry::SelectRequest& req);
  // Ends a lease with the call's outcome (`view`: the node's current one).
  // Returns whether the outcome ejected the instance; unknown or already
  // released leases are ignored.
  bool release(const ServicesView& view, const registry::Lease& lease, registry::CallOutcome outcome);
  // The outcome of a call made without a lease. False, and nothing kept,
  // when `view` holds no such live instance.
  bool report(const ServicesView& view, const registry::InstanceKey& key, registry::CallOutcome outcome);

  // "" or a message naming the field.
  std::string set_outlier_config(const registry::OutlierConfig& cfg);
  registry::OutlierConfig outlier_config() const;
  const registry::Locality& locality() const noexcept { return locality_; }
  // Leases in flight on an instance, and whether it is ejected now.
  std::uint32_t in_flight(const registry::InstanceKey& key) const;
  bool ejected(const registry::InstanceKey& key) const;

  // The monotonic clock the selector runs on, in milliseconds.
  static std::int64_t now_ms();

 private:
  const registry::Locality locality_;
  mutable std::mutex mu_;  // guards everything below
  registry::Selector sel_;
  Rng rng_;
};

}  // namespace wkd::runtime
