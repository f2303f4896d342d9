// Partitions: a split shorter than the suspicion timeout heals with every
// suspicion refuted and no node declared dead.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/sim_bounds.hpp"
#include "sim/sim_report.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {
namespace {

using swim::NodeState;

// memberlist suspicionTimeout: mult * max(1, log10(n)) * probe interval,
// the shortest a suspicion can last (with enough confirmations).
Duration min_suspicion_timeout(const swim::Config& cfg, std::size_t n) {
  const double scale = std::max(1.0, std::log10(static_cast<double>(n)));
  return Duration(static_cast<Duration::rep>(cfg.suspicion_mult * scale * static_cast<double>(cfg.probe_interval.count())));
}

TEST(SimPartition, ShorterThanTheSuspicionTimeoutHealsWithNoDeaths) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(10, seed);
    c.start_all();
    c.join_all_to(0);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    const Duration split = min_suspicion_timeout(c.memberlist(0).config(), c.size()) / 2;
    c.partition({{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}});
    c.run_for(split);
    std::uint64_t suspicions = 0;
    for (std::size_t i = 0; i < c.size(); ++i) suspicions += c.memberlist(i).stats().suspicions;
    c.heal();
    const TimePoint healed_at = c.now();
    ASSERT_TRUE(c.wait_converged(seconds(60))) << c.describe();
    report_time("partition.10.split", seed, split);
    report_time("partition.10.reconverged_after_heal", seed, c.now() - healed_at);
    report_value("partition.10.suspicions_during_split", seed, suspicions);
    c.run_for(seconds(30));
    EXPECT_TRUE(c.converged()) << c.describe();
    EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();
  }
}

TEST(SimPartition, BothSidesDeclareTheOtherDeadWhenTheSplitLasts) {
  // The counterpart: a long split is a failure, seen from each side.
  SimCluster c(6, sim_seed());
  c.start_all();
  c.join_all_to(0);
  ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
  c.partition({{0, 1, 2}, {3, 4, 5}});
  ASSERT_TRUE(c.wait_until(
      [&] { return c.state_of(0, 4) == NodeState::dead && c.state_of(4, 0) == NodeState::dead; }, seconds(120)))
      << c.describe();
  EXPECT_EQ(c.state_of(0, 1), NodeState::alive);
  EXPECT_EQ(c.state_of(4, 5), NodeState::alive);
}

}  // namespace
}  // namespace wkd::sim
