// The service registry replicated among wkd cores on the simulator: every
// scenario waits with a deadline and asserts what each node holds, never
// how fast it got there.
#include <gtest/gtest.h>

#include <string>

#include "core/core.hpp"
#include "registry/replica.hpp"
#include "support/core_node.hpp"
#include "support/sim_cluster.hpp"

namespace wkd::sim {
namespace {

constexpr std::int64_t kWallStart = 1'800'000'000'000;

ClusterOptions registry_options(registry::ReplicaConfig base = {}) {
  ClusterOptions o;
  o.engine = Engine::core;
  o.configure_serf = [](std::size_t, serf::Config& c) { c.tags["wkd"] = "1"; };
  o.configure_core = [base](std::size_t i, CoreNode& n) {
    registry::ReplicaConfig rc = base;
    rc.store.node = SimCluster::name_of(i);
    rc.store.generation = 1;
    n.core().enable_registry(rc, registry::Now{TimePoint{}, kWallStart});
  };
  return o;
}

CoreNode& node(SimCluster& c, std::size_t i) { return static_cast<CoreNode&>(c.member(i)); }
registry::Replica& replica(SimCluster& c, std::size_t i) { return *node(c, i).core().registry(); }

registry::Now now_of(TimePoint t) { return registry::Now{t, kWallStart + to_ms(t - TimePoint{})}; }

registry::Instance instance(const std::string& service, const std::string& id, int port = 8080) {
  registry::Instance in;
  in.service = service;
  in.id = id;
  in.host = "127.0.2.1";
  in.port = port;
  return in;
}

// Runs fn(replica, now) on node i as one entry of its core.
template <class F>
void on(SimCluster& c, std::size_t i, F&& fn) {
  ASSERT_TRUE(c.net().call(i, [&](SimNode&, TimePoint now) {
    node(c, i).core().enter(now, [&] { fn(replica(c, i), now_of(now)); });
  }));
}

std::size_t live_count(SimCluster& c, std::size_t i) {
  const auto counts = replica(c, i).store().counts();
  std::size_t n = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (s != static_cast<std::size_t>(registry::InstanceStatus::deregistered)) n += counts[s];
  }
  return n;
}

TEST(RegistrySim, ARegistrationReachesEveryNode) {
  SimCluster c(8, 1, registry_options());
  c.start_converged();
  on(c, 3, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("orders", "a")).ok());
  });
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (std::size_t i = 0; i < c.size(); ++i) {
          if (replica(c, i).store().find({"orders", "a"}) == nullptr) return false;
        }
        return true;
      },
      seconds(10)));
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto* rec = replica(c, i).store().find({"orders", "a"});
    EXPECT_EQ(rec->owner, "n3");
    EXPECT_EQ(rec->status, registry::InstanceStatus::starting);
    EXPECT_EQ(live_count(c, i), 1u);
  }
}

}  // namespace
}  // namespace wkd::sim
