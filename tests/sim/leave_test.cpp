// Graceful leave: the leaving node's dead(self) broadcast makes every other
// node mark it left, never dead.
#include <gtest/gtest.h>

#include "sim/sim_bounds.hpp"
#include "sim/sim_report.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {
namespace {

using swim::NodeState;

TEST(SimLeave, GracefulLeaveIsSeenAsLeftEverywhere) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(10, seed);
    c.start_all();
    c.join_all_to(0);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    const std::size_t k = 6;
    const TimePoint left_at = c.now();
    c.leave(k);
    ASSERT_TRUE(c.wait_state_everywhere(k, NodeState::left, seconds(30))) << c.describe();
    report_time("leave.10.left_everywhere", seed, c.now() - left_at);
    ASSERT_TRUE(c.wait_until([&] { return c.leave_finished(k); }, seconds(10)));
    EXPECT_EQ(c.fate(k), SimCluster::Fate::left);
    // Once it is gone it stays left — and, like memberlist, every node
    // forgets it GossipToTheDeadTime (30 s) later — never dead.
    c.run_for(seconds(60));
    for (std::size_t o = 0; o < c.size(); ++o) {
      if (o == k) continue;
      const auto s = c.state_of(o, k);
      EXPECT_TRUE(!s || *s == NodeState::left) << "n" << o << " sees n" << k << " " << swim::node_state_name(*s);
    }
    EXPECT_TRUE(c.converged()) << c.describe();
    EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();
    for (const auto& e : c.timeline()) {
      if (e.subject == k) {
        EXPECT_EQ(e.state, NodeState::left) << "n" << e.observer << " saw n" << k << " dead";
      }
    }
  }
}

// Every node leaves at the same moment (an operator stopping a whole
// cluster). Each leave must end cleanly as soon as nobody is left to tell,
// not wait out its timeout: gossip never goes to left members, so once the
// last peer has left, the rest of a leave broadcast has no one to reach.
TEST(SimLeave, WholeClusterLeavingAtOnceFinishesCleanly) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(3, seed);
    c.start_all();
    c.join_all_to(0);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    const Duration timeout = seconds(5);
    for (std::size_t i = 0; i < c.size(); ++i) c.leave(i, timeout);
    const TimePoint left_at = c.now();
    // Well before the timeout: a leave that waited for it is the bug.
    ASSERT_TRUE(c.wait_until([&] { return c.all_leaves_finished(); }, timeout / 2))
        << c.describe();
    report_time("leave.3.all_at_once", seed, c.now() - left_at);
    for (std::size_t i = 0; i < c.size(); ++i) EXPECT_TRUE(c.leave_clean(i)) << "n" << i;
  }
}

}  // namespace
}  // namespace wkd::sim
