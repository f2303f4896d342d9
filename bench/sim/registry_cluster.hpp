// A cluster of wkd cores running the service registry, in virtual time,
// for wkd_sim_bench --registry (registry.cpp): the simulator's SimCluster
// with Engine::core, every node tagged `wkd` and the registry enabled, plus
// what the registry rows need around it: running an operation on one node
// as one entry of its core, the instances the rows register, waits that
// time "every node holds X", and the byte counters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "registry/replica.hpp"
#include "support/sim_cluster.hpp"

namespace wkd::bench {

inline constexpr std::int64_t kWallStart = 1'800'000'000'000;

// The instance the rows register: instance `k` of node `owner`, with
// `meta_bytes` of metadata (key and value text together).
registry::Instance bench_instance(std::size_t owner, std::size_t k, std::size_t meta_bytes);
registry::InstanceKey bench_key(std::size_t owner, std::size_t k);
registry::Now now_of(TimePoint t);

// When "every node" was reached: 99.99 % of the observers (rounded up) and
// all of them; nullopt: not within the limit (then `reached` says how many).
struct Reach {
  std::optional<double> most_s, all_s;
  std::size_t reached = 0, needed = 0;
};

class RegCluster {
 public:
  // `nodes` started converged (SimCluster::start_converged), `extra` more
  // idle (late joiners); ReplicaConfig defaults.
  RegCluster(std::size_t nodes, std::size_t extra, std::uint64_t seed);
  ~RegCluster();

  sim::SimCluster& sim() noexcept { return *c_; }
  std::size_t nodes() const noexcept { return nodes_; }
  registry::Replica& replica(std::size_t i);
  // Runs fn(replica, now) on node i as one entry of its core; false when
  // the node is not running.
  bool act(std::size_t i, const std::function<void(registry::Replica&, const registry::Now&)>& fn);
  // Runs the cluster for `d`, emptying every node's change list each
  // second as a node's consumer would (nothing in the core drains it, and
  // a full one holds 4096 copies of records).
  void run_for(Duration d);
  // Like SimCluster::wait_until, with the change lists emptied.
  bool wait_until(const std::function<bool()>& pred, Duration limit);
  // Waits until holds(i) is true at every live node i other than
  // `subject`; holds must stay true once it is (checked once per node
  // until it is, every 10 ms).
  Reach wait_reach(std::size_t subject, const std::function<bool(std::size_t)>& holds, Duration limit);

  // Sums over the live nodes: the registry's bytes sent (Replica::stats:
  // its messages before Serf's and memberlist's framing, eager pushes,
  // gossip-queued copies counted once when queued, sync and pull requests
  // and answers) and the simulator's bytes sent (datagrams and stream
  // bytes, memberlist's own traffic included).
  std::uint64_t registry_bytes();
  std::uint64_t network_bytes();
  std::size_t live_nodes() const;
  // Records and announcements in the live nodes' wkd gossip queues
  // (Serf's, one slot per record), waiting for memberlist's
  // retransmissions.
  std::size_t wkd_queued();
  // Waits until no wkd gossip queue holds anything (checked every second);
  // the virtual seconds it took, nullopt past `limit`.
  std::optional<double> wait_gossip_drained(Duration limit);

 private:
  void drain_changes();

  std::size_t nodes_;
  std::unique_ptr<sim::SimCluster> c_;
  TimePoint drained_at_{};
};

}  // namespace wkd::bench
