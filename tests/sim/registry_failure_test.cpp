// The replicated registry under faults, on the simulator: loss, a
// partition, a crashed owner, a departed owner, and a tombstone collected
// while a node that still held the live record was cut off. Every
// scenario waits with a deadline and asserts what each node holds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/registry_sim.hpp"

namespace wkd::sim {
namespace {

using namespace regsim;
using registry::CheckState;
using registry::InstanceStatus;

// Whether every live wkd node other than `except` holds `key` and `pred`
// says yes to it (or to its absence: nullptr).
template <class P>
bool everywhere(SimCluster& c, const registry::InstanceKey& key, P pred, std::size_t except = SimCluster::kNone) {
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i == except || !c.is_live(i) || !has_registry(c, i)) continue;
    if (!pred(replica(c, i).store().find(key))) return false;
  }
  return true;
}

// 10 % of all datagrams lost for the whole run while 20 nodes register,
// flip and deregister: no live registration is lost, during the loss
// (eventually) and after it.
TEST(RegistryFailureSim, TenPercentLossLosesNothing) {
  constexpr std::size_t kNodes = 20;
  constexpr int kEach = 5;
  SimCluster c(kNodes, sim_seed(), registry_options());
  c.set_loss(0.1);
  c.start_converged();
  for (std::size_t i = 0; i < kNodes; ++i) register_many(c, i, kEach);
  c.run_for(seconds(5));
  for (std::size_t i = 0; i < kNodes; ++i) {
    on(c, i, [i](registry::Replica& r, const registry::Now& now) {
      const std::string svc = "svc" + std::to_string(i);
      ASSERT_TRUE(r.apply_check(now, {svc, "0"}, CheckState::passing).ok());
      ASSERT_TRUE(r.apply_check(now, {svc, "1"}, CheckState::critical).ok());
    });
  }
  c.run_for(seconds(5));
  for (std::size_t i = 0; i < kNodes; ++i) {
    on(c, i, [i](registry::Replica& r, const registry::Now& now) {
      ASSERT_TRUE(r.deregister(now, {"svc" + std::to_string(i), "4"}).ok());
    });
  }
  const auto expected = owners_records(c);
  ASSERT_EQ(live_records(expected), kNodes * (kEach - 1));
  std::string why = wait_registry(c, seconds(30));
  ASSERT_TRUE(why.empty()) << "under loss: " << why;
  c.set_loss(0);
  c.run_for(seconds(30));
  why = wait_registry(c, seconds(30));
  ASSERT_TRUE(why.empty()) << "after the loss: " << why;
  EXPECT_EQ(owners_records(c).size(), expected.size());
  for (std::size_t i = 0; i < kNodes; ++i) {
    const registry::Store& st = replica(c, i).store();
    EXPECT_EQ(live_count(c, i), kNodes * (kEach - 1)) << "n" << i;
    for (std::size_t j = 0; j < kNodes; ++j) {
      const std::string svc = "svc" + std::to_string(j);
      ASSERT_NE(st.find({svc, "0"}), nullptr);
      EXPECT_EQ(st.find({svc, "0"})->status, InstanceStatus::healthy) << "n" << i << " " << svc;
      EXPECT_EQ(st.find({svc, "1"})->status, InstanceStatus::unhealthy) << "n" << i << " " << svc;
      EXPECT_EQ(st.find({svc, "2"})->status, InstanceStatus::starting) << "n" << i << " " << svc;
      const auto* gone = st.find({svc, "4"});
      EXPECT_TRUE(gone == nullptr || gone->status == InstanceStatus::deregistered) << "n" << i << " " << svc;
    }
  }
}

// Changes on each side of a 60 s partition into two halves.
void change_side(SimCluster& c, std::size_t first, const std::string& tag) {
  on(c, first + 2, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("new", tag)).ok());
  });
  on(c, first + 3, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.apply_check(now, {"svc" + std::to_string(first + 3), "0"}, CheckState::passing).ok());
  });
  on(c, first + 4, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.deregister(now, {"svc" + std::to_string(first + 4), "1"}).ok());
  });
  // The same key on both sides: after the heal one owner holds it everywhere.
  on(c, first + 5, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("both", "x", first == 0 ? 1 : 2)).ok());
  });
}

// A 60 s partition of two halves, each side changing the registry during
// it: memberlist declares the other half failed (its instances are DOWN
// there), Serf's reconnect merges the halves after the heal, and both
// sides' changes end up everywhere.
TEST(RegistryFailureSim, APartitionsChangesMergeAfterTheHeal) {
  constexpr std::size_t kNodes = 20, kHalf = kNodes / 2;
  constexpr int kEach = 3;
  SimCluster c(kNodes, sim_seed(), registry_options());
  c.start_converged();
  for (std::size_t i = 0; i < kNodes; ++i) register_many(c, i, kEach);
  std::string why = wait_registry(c, seconds(30));
  ASSERT_TRUE(why.empty()) << why;
  c.partition({range(0, kHalf), range(kHalf, kNodes)});
  c.run_for(seconds(1));
  change_side(c, 0, "a");
  change_side(c, kHalf, "b");
  c.run_for(seconds(60));
  EXPECT_EQ(replica(c, 0).store().find({"new", "b"}), nullptr) << "the partition let a change through";
  EXPECT_EQ(replica(c, kHalf).store().find({"new", "a"}), nullptr) << "the partition let a change through";
  c.heal();
  // Serf's reconnect (every 30 s) merges the halves; measured 28 s.
  why = wait_registry(c, seconds(150));
  ASSERT_TRUE(why.empty()) << "after the heal: " << why;
  const auto* both = replica(c, 0).store().find({"both", "x"});
  ASSERT_NE(both, nullptr);
  for (std::size_t i = 0; i < kNodes; ++i) {
    const registry::Store& st = replica(c, i).store();
    EXPECT_EQ(live_count(c, i), kNodes * kEach + 3 - 2) << "n" << i;
    for (const char* tag : {"a", "b"}) {
      ASSERT_NE(st.find({"new", tag}), nullptr) << "n" << i;
      EXPECT_EQ(st.find({"new", tag})->status, InstanceStatus::starting) << "n" << i;
    }
    for (const std::size_t side : {std::size_t{0}, kHalf}) {
      EXPECT_EQ(st.find({"svc" + std::to_string(side + 3), "0"})->status, InstanceStatus::healthy) << "n" << i;
      const auto* gone = st.find({"svc" + std::to_string(side + 4), "1"});
      EXPECT_TRUE(gone == nullptr || gone->status == InstanceStatus::deregistered) << "n" << i;
    }
    ASSERT_NE(st.find({"both", "x"}), nullptr);
    EXPECT_EQ(st.find({"both", "x"})->owner, both->owner) << "n" << i;
    EXPECT_EQ(st.find({"both", "x"})->port, both->port) << "n" << i;
  }
}

// A partition longer than down_drop_after: each half drops the other
// half's instances (their owners are failed there), and after the heal the
// owners, back alive, are refetched: every record returns everywhere. The
// dropped records left each node's watermark as it was, so the digest
// alone would not see them missing.
TEST(RegistryFailureSim, OwnersBackFromALongPartitionAreRefetched) {
  constexpr std::size_t kNodes = 10, kHalf = kNodes / 2;
  registry::ReplicaConfig rc;
  rc.store.down_drop_after = seconds(20);
  SimCluster c(kNodes, sim_seed(), registry_options(rc));
  c.start_converged();
  for (std::size_t i = 0; i < kNodes; ++i) register_many(c, i, 2);
  std::string why = wait_registry(c, seconds(30));
  ASSERT_TRUE(why.empty()) << why;
  c.partition({range(0, kHalf), range(kHalf, kNodes)});
  c.run_for(seconds(60));
  // The other half's instances are gone on each side by now.
  EXPECT_EQ(replica(c, 0).store().find({"svc" + std::to_string(kHalf), "0"}), nullptr);
  EXPECT_EQ(replica(c, kHalf).store().find({"svc0", "0"}), nullptr);
  c.heal();
  why = wait_registry(c, seconds(150));
  ASSERT_TRUE(why.empty()) << "after the heal: " << why;
  for (std::size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(live_count(c, i), kNodes * 2) << "n" << i;
    EXPECT_GT(replica(c, i).stats().owner_refetches, 0u) << "n" << i;
  }
}

// An owner crashes: its instances turn DOWN on every node, then go after
// down_drop_after, and nothing brings them back.
TEST(RegistryFailureSim, ACrashedOwnersInstancesGoDownThenAway) {
  constexpr std::size_t kNodes = 10, kDead = 6;
  registry::ReplicaConfig rc;
  rc.store.down_drop_after = seconds(30);
  SimCluster c(kNodes, sim_seed(), registry_options(rc));
  c.start_converged();
  register_many(c, kDead, 5);
  register_many(c, 1, 2);
  // The dead node's dependency follows it like its instances.
  const registry::InstanceKey dep{"svc6", "svc1", registry::RecordKind::dependency};
  on(c, kDead, [](registry::Replica& r, const registry::Now& now) {
    registry::Dependency d;
    d.service = "svc6";
    d.depends_on = "svc1";
    ASSERT_TRUE(r.declare_dependency(now, d).ok());
  });
  std::string why = wait_registry(c, seconds(10));
  ASSERT_TRUE(why.empty()) << why;
  c.kill(kDead);
  const auto down = [](const registry::Instance* r) { return r != nullptr && r->status == InstanceStatus::down; };
  const auto absent = [](const registry::Instance* r) { return r == nullptr; };
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (int k = 0; k < 5; ++k) {
          if (!everywhere(c, {"svc6", std::to_string(k)}, down)) return false;
        }
        return everywhere(c, dep, down);
      },
      seconds(60)))
      << "not DOWN everywhere: " << mismatch(c);
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (int k = 0; k < 5; ++k) {
          if (!everywhere(c, {"svc6", std::to_string(k)}, absent)) return false;
        }
        return everywhere(c, dep, absent);
      },
      seconds(60)))
      << "not dropped everywhere";
  c.run_for(seconds(60));  // anti-entropy rounds: nothing comes back
  why = wait_registry(c, seconds(10));
  EXPECT_TRUE(why.empty()) << why;
  for (std::size_t i = 0; i < kNodes; ++i) {
    if (i == kDead) continue;
    EXPECT_EQ(live_count(c, i), 2u) << "n" << i;
    for (int k = 0; k < 5; ++k) EXPECT_EQ(replica(c, i).store().find({"svc6", std::to_string(k)}), nullptr);
    EXPECT_EQ(replica(c, i).store().find(dep), nullptr);
  }
}

// An owner crashes and starts again without its state (a new generation)
// before its instances are dropped. Nothing of its old life comes back:
// the instances it does not register again go DOWN everywhere (the new
// generation is learned from the digest even before it registers
// anything) and are dropped; the one it registers again is its new record
// everywhere; its old tombstone stays dead.
TEST(RegistryFailureSim, AnOwnerRestartedWithoutItsStateNeverBringsBackItsOldLife) {
  constexpr std::size_t kNodes = 8, kOwner = 6;
  registry::ReplicaConfig rc;
  rc.store.down_drop_after = seconds(60);
  SimCluster c(kNodes, sim_seed(), registry_options(rc));
  c.start_converged();
  register_many(c, kOwner, 4);
  register_many(c, 1, 2);
  on(c, kOwner, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.deregister(now, {"svc6", "3"}).ok());
  });
  std::string why = wait_registry(c, seconds(10));
  ASSERT_TRUE(why.empty()) << why;
  c.kill(kOwner);
  ASSERT_TRUE(c.wait_state_everywhere(kOwner, swim::NodeState::dead, seconds(60)));
  const ClusterOptions again = restarted_options(rc, 2);
  c.restart(kOwner, &again);
  c.join(kOwner, 0);
  // Every node sees it alive again, which alone would show its old
  // records as they were (the view of an owner back from a partition).
  ASSERT_TRUE(c.wait_state_everywhere(kOwner, swim::NodeState::alive, seconds(30)));
  const auto gone_or_down = [](const registry::Instance* r) {
    return r == nullptr || r->status == InstanceStatus::down || r->status == InstanceStatus::deregistered;
  };
  // It registers nothing: the old life's instances still go DOWN.
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (int k = 0; k < 4; ++k) {
          if (!everywhere(c, {"svc6", std::to_string(k)}, gone_or_down)) return false;
        }
        return true;
      },
      seconds(30)))
      << "the old life is still shown live: " << mismatch(c);
  // Then it registers svc6/0 again: a new record, in generation 2.
  on(c, kOwner, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("svc6", "0")).ok());
  });
  const auto new_life = [](const registry::Instance* r) {
    return r != nullptr && r->owner_generation == 2 && r->status == InstanceStatus::starting;
  };
  ASSERT_TRUE(c.wait_until([&] { return everywhere(c, {"svc6", "0"}, new_life); }, seconds(10))) << mismatch(c);
  // Past down_drop_after the old ones are gone, and none ever came back.
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (int k = 1; k < 3; ++k) {
          if (!everywhere(c, {"svc6", std::to_string(k)}, [](const registry::Instance* r) { return r == nullptr; })) {
            return false;
          }
        }
        return everywhere(c, {"svc6", "3"}, gone_or_down) && everywhere(c, {"svc6", "0"}, new_life);
      },
      seconds(120)))
      << mismatch(c);
  why = wait_registry(c, seconds(10));
  EXPECT_TRUE(why.empty()) << why;
  for (std::size_t i = 0; i < kNodes; ++i) EXPECT_EQ(live_count(c, i), 3u) << "n" << i;
}

// An owner leaves gracefully: its instances are DEREGISTERED everywhere.
TEST(RegistryFailureSim, ADepartedOwnersInstancesAreDeregistered) {
  constexpr std::size_t kNodes = 10, kGone = 6;
  SimCluster c(kNodes, sim_seed(), registry_options());
  c.start_converged();
  register_many(c, kGone, 5);
  register_many(c, 1, 2);
  std::string why = wait_registry(c, seconds(10));
  ASSERT_TRUE(why.empty()) << why;
  c.leave(kGone);
  const auto dead = [](const registry::Instance* r) {
    return r != nullptr && r->status == InstanceStatus::deregistered && r->owner == "n6";
  };
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (int k = 0; k < 5; ++k) {
          if (!everywhere(c, {"svc6", std::to_string(k)}, dead, kGone)) return false;
        }
        return true;
      },
      seconds(30)))
      << mismatch(c);
  ASSERT_TRUE(c.wait_until([&] { return c.fate(kGone) == SimCluster::Fate::left; }, seconds(30)));
  c.run_for(seconds(30));
  why = wait_registry(c, seconds(10));
  EXPECT_TRUE(why.empty()) << why;
  for (std::size_t i = 0; i < kNodes; ++i) {
    if (i == kGone) continue;
    EXPECT_EQ(live_count(c, i), 2u) << "n" << i;
    for (int k = 0; k < 5; ++k) EXPECT_TRUE(dead(replica(c, i).store().find({"svc6", std::to_string(k)})));
  }
}

// A tombstone collected everywhere while one node, cut off, still holds
// the live record: when that node comes back, the record is removed there
// (a whole-shard pull and collect_absent) and comes back nowhere.
TEST(RegistryFailureSim, ACollectedTombstoneDoesNotResurrect) {
  constexpr std::size_t kNodes = 10, kOwner = 0, kCut = 9;
  registry::ReplicaConfig rc;
  rc.store.tombstone_retention = seconds(20);
  SimCluster c(kNodes, sim_seed(), registry_options(rc));
  c.start_converged();
  on(c, kOwner, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("t", "x")).ok());
    ASSERT_TRUE(r.register_instance(now, instance("t", "keep")).ok());
  });
  register_many(c, 3, 2);
  std::string why = wait_registry(c, seconds(10));
  ASSERT_TRUE(why.empty()) << why;
  c.block(kCut);
  c.run_for(seconds(1));
  on(c, kOwner, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.deregister(now, {"t", "x"}).ok());
  });
  const registry::InstanceKey x{"t", "x"};
  const auto absent = [](const registry::Instance* r) { return r == nullptr; };
  // Retention passes on every node that heard of the deregistration.
  ASSERT_TRUE(c.wait_until([&] { return everywhere(c, x, absent, kCut); }, seconds(60)));
  const auto* stale = replica(c, kCut).store().find(x);
  ASSERT_NE(stale, nullptr);
  ASSERT_NE(stale->status, InstanceStatus::deregistered);
  c.heal();
  why = wait_registry(c, seconds(120));
  ASSERT_TRUE(why.empty()) << "after the heal: " << why;
  c.run_for(seconds(30));
  for (std::size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(replica(c, i).store().find(x), nullptr) << "n" << i;
    ASSERT_NE(replica(c, i).store().find({"t", "keep"}), nullptr) << "n" << i;
    EXPECT_EQ(live_count(c, i), 3u) << "n" << i;
  }
}

}  // namespace
}  // namespace wkd::sim
