// Choosing one instance of a service for a call, client side.
//
// The candidates are the instances of the service that are HEALTHY, match
// the caller's filter (query.hpp's Query, its service field ignored) and
// are not ejected by the outlier detector (outlier.hpp). Among them the
// passing ones are preferred: warning ones are candidates only when no
// passing one is left (selection_rank of query.hpp), so a degraded
// instance gets traffic only when it is all there is. Nothing left: no
// selection.
//
// Zone affinity (on unless turned off) then narrows the candidates to the
// caller's zone if one of them is there, else to its region, else keeps
// them all. It composes with every strategy, which picks among what is
// left:
//   weighted_random    by instance weight (the default). Weight 0 is
//                      picked only when every candidate has weight 0
//                      (then uniformly).
//   round_robin        one cursor per service, over the candidates in key
//                      order.
//   random             uniform.
//   least_connections  the fewest leases in flight from this selector;
//                      ties broken uniformly at random.
//   nearest            the smallest round-trip estimate to the instance's
//                      owner node (the injected RttFn); ties among the
//                      nearest, or no estimate for any candidate, fall back
//                      to weighted random. Candidates without an estimate
//                      lose to any with one.
//
// A selection is a lease: the instance counts as in flight until the lease
// is released, and the release carries the call's outcome to the outlier
// detector. Calls made without a lease report their outcome directly.
//
// Pure and single-threaded: time (any monotonic milliseconds) and the
// random source come from the caller; the runtime serialises calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/rng.hpp"
#include "registry/instance.hpp"
#include "registry/outlier.hpp"
#include "registry/query.hpp"

namespace wkd::registry {

enum class Strategy : std::uint8_t {
  weighted_random = 0,
  round_robin = 1,
  random = 2,
  least_connections = 3,
  nearest = 4,
};

// "weighted_random", "round_robin", ...
const char* strategy_name(Strategy s) noexcept;

// Where the caller runs (the node's zone and region); empty: unknown.
struct Locality {
  std::string region;
  std::string zone;
};

// The estimated round trip in seconds to a node, or nullopt when unknown.
using RttFn = std::function<std::optional<double>(const std::string& node)>;

struct SelectRequest {
  Strategy strategy = Strategy::weighted_random;
  const Query* filter = nullptr;  // null: no filter; its service is ignored
  bool zone_affinity = true;
  RttFn rtt;                      // nearest only; null: no estimates
};

// A selection: the instance is in flight until released.
struct Lease {
  std::uint64_t id = 0;
  InstanceKey key;
};

class Selector {
 public:
  explicit Selector(OutlierConfig outlier = {}) : outlier_(outlier) {}

  void set_locality(Locality l) { locality_ = std::move(l); }
  const Locality& locality() const noexcept { return locality_; }
  OutlierDetector& outlier() noexcept { return outlier_; }
  const OutlierDetector& outlier() const noexcept { return outlier_; }

  // Picks one of `instances` (every instance of `service` the caller
  // holds, in key order, any status; others are skipped) at now_ms.
  // nullopt when nothing is selectable. The outlier state of instances of
  // the service that are not in `instances` is dropped.
  std::optional<Lease> select(const std::string& service, std::span<const Instance* const> instances,
                              const SelectRequest& req, std::int64_t now_ms, Rng& rng);

  // Ends a lease: the instance is no longer in flight and `outcome` goes
  // to the outlier detector. `instances` as for select (the service's
  // instances now). Returns whether the outcome ejected the instance.
  // Releasing an unknown or released lease is a no-op returning false.
  bool release(std::uint64_t lease_id, CallOutcome outcome, std::span<const Instance* const> instances,
               std::int64_t now_ms);

  // An outcome of a call made without a lease.
  bool report(const InstanceKey& key, CallOutcome outcome, std::span<const Instance* const> instances,
              std::int64_t now_ms);

  // Leases in flight on an instance (0 when none).
  std::uint32_t in_flight(const InstanceKey& key) const;
  std::size_t leases() const noexcept { return leases_.size(); }

 private:
  // HEALTHY, matching the filter, not ejected; the passing ones if any.
  std::vector<const Instance*> candidates(std::span<const Instance* const> instances, const Query* filter,
                                          std::int64_t now_ms) const;
  // Narrows to the caller's zone, else region, else leaves them.
  void apply_affinity(std::vector<const Instance*>& c) const;
  const Instance* pick(const std::string& service, const std::vector<const Instance*>& c, const SelectRequest& req,
                       Rng& rng);
  static std::size_t selectable_count(std::span<const Instance* const> instances);
  void prune(const std::string& service, std::span<const Instance* const> instances);

  Locality locality_;
  OutlierDetector outlier_;
  std::map<std::string, std::uint64_t> cursors_;  // round robin, per service
  std::map<InstanceKey, std::uint32_t> in_flight_;
  std::map<std::uint64_t, InstanceKey> leases_;
  std::uint64_t next_lease_ = 1;
};

// One draw of weighted random among `c` (not empty): by weight, uniform
// when every weight is 0.
const Instance* weighted_pick(const std::vector<const Instance*>& c, Rng& rng);

}  // namespace wkd::registry
