// Failure detection: a crashed node is found, suspected and declared dead by
// every other node, and no one else is.
#include <gtest/gtest.h>

#include "sim/sim_bounds.hpp"
#include "sim/sim_report.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {
namespace {

using swim::NodeState;

TEST(SimFailureDetection, KilledNodeIsDeclaredDeadByEveryNode) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(20, seed);
    c.start_all();
    c.join_all_to(0);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    c.run_for(seconds(5));
    const std::size_t victim = 7;
    const TimePoint killed_at = c.now();
    c.kill(victim);
    ASSERT_TRUE(c.wait_state_everywhere(victim, NodeState::dead, seconds(120))) << c.describe();
    const auto all = c.seen_everywhere_at(victim, NodeState::dead, killed_at);
    ASSERT_TRUE(all.has_value());
    TimePoint first = TimePoint::max();
    for (const auto& e : c.timeline()) {
      if (e.subject == victim && e.state == NodeState::dead) first = std::min(first, e.at);
    }
    report_time("detect.20.first_dead", seed, first - killed_at);
    report_time("detect.20.dead_everywhere", seed, *all - killed_at);
    EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();
    // The rest stay converged among themselves.
    EXPECT_TRUE(c.converged()) << c.describe();
  }
}

TEST(SimFailureDetection, DroppedAcksAloneDoNotKillANode) {
  // Node 0 never gets a direct ack from node 2; indirect probes through the
  // others and the TCP fallback keep node 2 alive in node 0's view.
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(6, seed);
    c.start_all();
    c.join_all_to(0);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    c.drop_messages(2, 0, wire::MsgType::ack);
    c.run_for(seconds(120));
    EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();
    EXPECT_TRUE(c.converged()) << c.describe();
    EXPECT_GT(c.net().drops()[DropCause::filter], 0u);
  }
}

}  // namespace
}  // namespace wkd::sim
