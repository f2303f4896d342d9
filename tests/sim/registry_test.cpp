// The service registry replicated among wkd cores on the simulator, on a
// healthy network: registrations, status changes, takeovers and a late
// joiner reach every node. Every scenario waits with a deadline and
// asserts what each node holds, never how fast it got there. The faults
// (loss, partitions, crashes, departures, tombstones) are in
// registry_failure_test.cpp, the wire (plain peers, lost gossip) in
// registry_wire_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "sim/registry_sim.hpp"

namespace wkd::sim {
namespace {

using namespace regsim;
using registry::CheckState;
using registry::InstanceStatus;

// The rumours (the eager push, then the gossip queue) reach a dozen nodes
// in about 0.1 s (measured). The deadline stays short of the earliest
// anti-entropy exchange (half the 5 s sync interval), so a broken push
// fails these tests instead of being covered up by the repair path.
constexpr Duration kPushDeadline = seconds(2);

TEST(RegistrySim, ARegistrationReachesEveryNode) {
  SimCluster c(8, sim_seed(), registry_options());
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
      kPushDeadline));
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto* rec = replica(c, i).store().find({"orders", "a"});
    EXPECT_EQ(rec->owner, "n3");
    EXPECT_EQ(rec->status, InstanceStatus::starting);
    EXPECT_EQ(live_count(c, i), 1u);
  }
}

// 200 nodes register 10 instances each at the same instant: every node
// ends with all 2000, each as its owner holds it. This one checks the
// result at scale, not the path: anti-entropy alone also converges within
// the deadline (a broken push fails the smaller tests below).
TEST(RegistrySim, TwoHundredNodesConverge) {
  constexpr std::size_t kNodes = 200;
  constexpr int kEach = 10;
  SimCluster c(kNodes, sim_seed(), registry_options());
  c.start_converged();
  for (std::size_t i = 0; i < kNodes; ++i) register_many(c, i, kEach);
  ASSERT_EQ(live_records(owners_records(c)), kNodes * kEach);
  // The eager push and its relays leave about e^-fanout of the copies
  // missing (each node pushes once), which the recent-set announcements,
  // the gossip queue and anti-entropy fill in.
  const std::string why = wait_registry(c, seconds(90), seconds(1));
  ASSERT_TRUE(why.empty()) << why;
  for (std::size_t i = 0; i < kNodes; ++i) EXPECT_EQ(live_count(c, i), kNodes * kEach) << "n" << i;
}

// A check result on the owner moves the status everywhere: passing makes
// the instance HEALTHY, critical then UNHEALTHY.
TEST(RegistrySim, AStatusFlipReachesEveryNode) {
  SimCluster c(12, sim_seed(), registry_options());
  c.start_converged();
  on(c, 4, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("orders", "a")).ok());
    ASSERT_TRUE(r.register_instance(now, instance("orders", "b")).ok());
  });
  std::string why = wait_registry(c, kPushDeadline);
  ASSERT_TRUE(why.empty()) << why;
  auto everywhere = [&](InstanceStatus want) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      const auto* rec = replica(c, i).store().find({"orders", "a"});
      if (rec == nullptr || rec->status != want) return false;
    }
    return true;
  };
  ASSERT_TRUE(everywhere(InstanceStatus::starting));
  for (const auto& [check, status] : {std::pair{CheckState::passing, InstanceStatus::healthy},
                                     std::pair{CheckState::critical, InstanceStatus::unhealthy}}) {
    on(c, 4, [check](registry::Replica& r, const registry::Now& now) {
      ASSERT_TRUE(r.apply_check(now, {"orders", "a"}, check).ok());
    });
    ASSERT_EQ(replica(c, 4).store().find({"orders", "a"})->status, status);
    ASSERT_TRUE(c.wait_until([&] { return everywhere(status); }, kPushDeadline))
        << "not " << registry::status_name(status) << " everywhere: " << mismatch(c);
    why = wait_registry(c, kPushDeadline);
    EXPECT_TRUE(why.empty()) << why;
    for (std::size_t i = 0; i < c.size(); ++i) {
      EXPECT_EQ(replica(c, i).store().find({"orders", "b"})->status, InstanceStatus::starting) << "n" << i;
    }
  }
}

// The same (service, id) registered on B while A, its owner, is alive:
// the key moves to B on every node, A's included, and remembers A.
TEST(RegistrySim, ATakeoverMovesTheKeyEverywhere) {
  constexpr std::size_t kA = 1, kB = 5;
  SimCluster c(10, sim_seed(), registry_options());
  c.start_converged();
  on(c, kA, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("pay", "x")).ok());
  });
  std::string why = wait_registry(c, kPushDeadline);
  ASSERT_TRUE(why.empty()) << why;
  c.run_for(seconds(1));
  on(c, kB, [](registry::Replica& r, const registry::Now& now) {
    auto moved = r.register_instance(now, instance("pay", "x", 9090));
    ASSERT_TRUE(moved.ok()) << moved.message();
    EXPECT_EQ(moved->owner, "n5");
    EXPECT_EQ(moved->previous_owner, "n1");
  });
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (std::size_t i = 0; i < c.size(); ++i) {
          const auto* rec = replica(c, i).store().find({"pay", "x"});
          if (rec == nullptr || rec->owner != "n5") return false;
        }
        return true;
      },
      kPushDeadline))
      << mismatch(c);
  why = wait_registry(c, kPushDeadline);
  EXPECT_TRUE(why.empty()) << why;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto* rec = replica(c, i).store().find({"pay", "x"});
    EXPECT_EQ(rec->owner, "n5") << "n" << i;
    EXPECT_EQ(rec->previous_owner, "n1") << "n" << i;
    EXPECT_EQ(rec->port, 9090) << "n" << i;
    EXPECT_NE(rec->status, InstanceStatus::deregistered) << "n" << i;
    EXPECT_EQ(live_count(c, i), 1u) << "n" << i;
  }
}

// A node that joins after everything was registered gets the whole
// registry. The periodic exchange is set to an hour, so only the digest in
// the join's push/pull (WkdState) can start the sync that brings it.
TEST(RegistrySim, ALateJoinerGetsTheWholeRegistry) {
  constexpr std::size_t kNodes = 10, kLate = kNodes - 1;
  constexpr int kEach = 10;
  registry::ReplicaConfig rc;
  rc.sync_interval = std::chrono::hours(1);
  SimCluster c(kNodes, sim_seed(), registry_options(rc));
  c.start_converged(kNodes - 1);
  for (std::size_t i = 0; i < kLate; ++i) register_many(c, i, kEach);
  // Without the periodic exchange the rumours may leave a copy missing
  // (seed 15: one of 720, for 1.5 s) until the next push/pull (30 s).
  std::string why = wait_registry(c, seconds(150));
  ASSERT_TRUE(why.empty()) << why;
  c.run_for(seconds(30));  // the rumours' retransmissions are long over
  c.join(kLate, 0);
  ASSERT_TRUE(c.wait_until([&] { return c.join_result(kLate).value_or(0) > 0; }, seconds(10)));
  ASSERT_TRUE(c.wait_until([&] { return live_count(c, kLate) == kLate * kEach; }, seconds(5)))
      << live_count(c, kLate) << " records on the late node: " << mismatch(c);
  why = wait_registry(c, kPushDeadline);
  EXPECT_TRUE(why.empty()) << why;
}

// Dependencies travel with the registry: declared on one node, every node
// holds them and judges them from its own instances; a duplicate is
// refused, and a removal and a new declaration reach every node too.
TEST(RegistrySim, DependenciesReachEveryNodeAndAreJudgedThere) {
  SimCluster c(8, sim_seed(), registry_options());
  c.start_converged();
  const registry::InstanceKey key{"orders", "billing", registry::RecordKind::dependency};
  auto declare = [&](std::size_t at, const std::string& min_version) {
    on(c, at, [&](registry::Replica& r, const registry::Now& now) {
      registry::Dependency d;
      d.service = "orders";
      d.depends_on = "billing";
      d.min_version = min_version;
      ASSERT_TRUE(r.declare_dependency(now, d).ok());
    });
  };
  declare(2, "2.0.0");
  on(c, 5, [](registry::Replica& r, const registry::Now& now) {
    auto b = instance("billing", "b1");
    b.version = "2.3.0";
    ASSERT_TRUE(r.register_instance(now, b).ok());
    ASSERT_TRUE(r.apply_check(now, {"billing", "b1"}, CheckState::passing).ok());
  });
  std::string why = wait_registry(c, kPushDeadline);
  ASSERT_TRUE(why.empty()) << why;
  registry::Query all;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const registry::Store& st = replica(c, i).store();
    const auto deps = st.dependencies("orders");
    ASSERT_EQ(deps.size(), 1u) << "n" << i;
    EXPECT_EQ(deps[0]->owner, "n2");
    EXPECT_EQ(deps[0]->dependency->min_version, "2.0.0");
    EXPECT_EQ(st.dependents("billing").size(), 1u);
    EXPECT_TRUE(registry::judge_dependency(*deps[0]->dependency, st.instances(all)).healthy) << "n" << i;
    EXPECT_EQ(st.services(), std::vector<std::string>{"billing"}) << "n" << i;
  }
  // Other terms are a duplicate while it is declared; removed first, the
  // new terms reach every node and billing 2.3.0 no longer satisfies them.
  on(c, 2, [](registry::Replica& r, const registry::Now& now) {
    registry::Dependency d;
    d.service = "orders";
    d.depends_on = "billing";
    d.min_version = "3.0.0";
    EXPECT_EQ(r.declare_dependency(now, d).code(), registry::Err::already_exists);
    ASSERT_TRUE(r.remove_dependency(now, "orders", "billing").ok());
  });
  declare(2, "3.0.0");
  why = wait_registry(c, kPushDeadline);
  ASSERT_TRUE(why.empty()) << why;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const registry::Store& st = replica(c, i).store();
    const auto v = registry::judge_dependency(*st.find(key)->dependency, st.instances(all));
    EXPECT_FALSE(v.healthy) << "n" << i;
    EXPECT_TRUE(v.blocking) << "n" << i;
  }
  on(c, 2, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.remove_dependency(now, "orders", "billing").ok());
  });
  why = wait_registry(c, kPushDeadline);
  ASSERT_TRUE(why.empty()) << why;
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_TRUE(replica(c, i).store().dependencies("orders").empty()) << "n" << i;
    ASSERT_NE(replica(c, i).store().find(key), nullptr);
    EXPECT_EQ(replica(c, i).store().find(key)->status, InstanceStatus::deregistered);
  }
}

}  // namespace
}  // namespace wkd::sim
