// Shared pieces of the registry scenarios on the simulator: a cluster of
// wkd cores with the registry enabled, the calls into one node's replica,
// and the one question every scenario ends with — does every live wkd
// node hold exactly what the owners hold of their own shards?
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "registry/replica.hpp"
#include "support/core_node.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"

namespace wkd::sim::regsim {

inline constexpr std::int64_t kWallStart = 1'800'000'000'000;

// Every node runs the registry with `base` (its name and generation 1
// filled in) and advertises the `wkd` tag, except the nodes `plain` says
// are plain Serf peers: no tag, no registry.
ClusterOptions registry_options(registry::ReplicaConfig base = {},
                                std::function<bool(std::size_t)> plain = {});

// The same options for a node restarted without its state: its shard in
// generation `generation` (SimCluster::restart takes them).
ClusterOptions restarted_options(registry::ReplicaConfig base, std::uint64_t generation);

inline CoreNode& node(SimCluster& c, std::size_t i) { return static_cast<CoreNode&>(c.member(i)); }
inline registry::Replica& replica(SimCluster& c, std::size_t i) { return *node(c, i).core().registry(); }
inline bool has_registry(SimCluster& c, std::size_t i) { return node(c, i).core().registry() != nullptr; }

inline registry::Now now_of(TimePoint t) { return registry::Now{t, kWallStart + to_ms(t - TimePoint{})}; }

registry::Instance instance(const std::string& service, const std::string& id, int port = 8080);

// The node indices from..to-1.
std::vector<std::size_t> range(std::size_t from, std::size_t to);

// Runs fn(replica, now) on node i as one entry of its core.
template <class F>
void on(SimCluster& c, std::size_t i, F&& fn) {
  ASSERT_TRUE(c.net().call(static_cast<NodeId>(i), [&](SimNode&, TimePoint now) {
    node(c, i).core().enter(now, [&] { fn(replica(c, i), now_of(now)); });
  }));
}

// Registers `count` instances of service "svc<i>" (ids "0".."count-1") on
// node i.
void register_many(SimCluster& c, std::size_t i, int count);

// Records on node i that are not DEREGISTERED (instances and
// dependencies).
std::size_t live_count(SimCluster& c, std::size_t i);

// What the owner of a record holds of it.
struct OwnerRecord {
  std::string owner;
  std::uint64_t version = 0;
  registry::InstanceStatus status = registry::InstanceStatus::starting;
};

// Every record the live wkd nodes hold of their own shards (instances and
// dependencies, tombstones included), by key.
std::map<registry::InstanceKey, OwnerRecord> owners_records(SimCluster& c);
std::size_t live_records(const std::map<registry::InstanceKey, OwnerRecord>& expected);

// Empty when every live wkd node holds each live record of the owners
// equal in (owner, record_version, status), holds no live record of a
// key whose owner deregistered it, and holds no other live record;
// otherwise the first difference found.
std::string mismatch(SimCluster& c);

// Runs the cluster until mismatch() is empty, checking every `poll`;
// returns the last mismatch (empty: converged) once `limit` passes.
std::string wait_registry(SimCluster& c, Duration limit, Duration poll = milliseconds(100));

}  // namespace wkd::sim::regsim
