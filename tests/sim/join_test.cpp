// Forming a cluster: nodes join through one seed and every node comes to
// see every other alive.
#include <gtest/gtest.h>

#include "sim/sim_bounds.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"
#include "sim/sim_report.hpp"

namespace wkd::sim {
namespace {

using swim::NodeState;

TEST(SimJoin, FiftyNodesJoinOneSeedAndConverge) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(50, seed);
    c.start_all();
    c.join_all_to(0);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    report_time("join.50.converged", seed, c.elapsed());
    for (std::size_t i = 1; i < c.size(); ++i) {
      ASSERT_TRUE(c.join_result(i).has_value()) << "n" << i;
      EXPECT_EQ(*c.join_result(i), 1) << "n" << i;
    }
    for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.member(i).incarnation(), 1u) << "n" << i;
    // Stays converged, and nobody is ever suspected for nothing.
    c.run_for(seconds(60));
    EXPECT_TRUE(c.converged()) << c.describe();
    EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();
    std::uint64_t suspicions = 0;
    for (std::size_t i = 0; i < c.size(); ++i) suspicions += c.memberlist(i).stats().suspicions;
    EXPECT_EQ(suspicions, 0u);
  }
}

TEST(SimJoin, ChainedJoinsConvergeThroughGossip) {
  // Each node joins through the previous one: only gossip and push/pull
  // spread the others.
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(20, seed);
    c.start_all();
    for (std::size_t i = 1; i < c.size(); ++i) c.join(i, i - 1);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    report_time("join.chain20.converged", seed, c.elapsed());
  }
}

TEST(SimJoin, JoinThroughAKilledSeedFails) {
  SimCluster c(3, sim_seed());
  c.start_all();
  c.kill(2);
  c.join(1, 2);
  ASSERT_TRUE(c.wait_until([&] { return c.join_result(1).has_value(); }, seconds(30)));
  EXPECT_EQ(*c.join_result(1), 0);
  EXPECT_EQ(c.member(1).num_alive(), 0u);
}

TEST(SimDeterminism, SameSeedSameClusterTrace) {
  auto run = [](std::uint64_t seed) {
    ClusterOptions o;
    o.net.link.loss = 0.05;
    o.net.link.jitter = milliseconds(2);
    SimCluster c(12, seed, o);
    c.start_all();
    c.join_all_to(0);
    c.run_for(seconds(20));
    c.kill(5);
    c.run_for(seconds(40));
    return c.trace_hash();
  };
  for (std::uint64_t seed : sim_seeds(2)) {
    EXPECT_EQ(run(seed), run(seed)) << "seed " << seed;
  }
  EXPECT_NE(run(1), run(2));
}

}  // namespace
}  // namespace wkd::sim
