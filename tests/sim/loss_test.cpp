// Packet loss: at 10% loss on every datagram (and retransmission delay on
// streams), a 200-node cluster runs for ten virtual minutes with no node
// ever declared dead. One test per seed, so CTest can run them in parallel
// (each takes some 25 s of wall time in a RelWithDebInfo build).
#include <gtest/gtest.h>

#include <chrono>

#include "sim/sim_report.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {
namespace {

class SimLoss : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(SimLoss, TwoHundredNodesAtTenPercentLossHaveNoFalseFailures) {
  const std::uint64_t seed = GetParam();
  const auto wall_start = std::chrono::steady_clock::now();
  SimCluster c(200, seed);
  c.set_loss(0.10);
  c.start_all();
  c.join_all_to(0);
  ASSERT_TRUE(c.wait_converged(seconds(120))) << c.describe();
  report_time("loss10.200.converged", seed, c.elapsed());
  const TimePoint steady_from = c.now();
  c.run_for(seconds(600));
  std::uint64_t suspicions = 0, refutations = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    suspicions += c.memberlist(i).stats().suspicions;
    refutations += c.memberlist(i).stats().refutations;
  }
  report_time("loss10.200.ran", seed, c.now() - steady_from);
  report_value("loss10.200.suspicions", seed, suspicions);
  report_value("loss10.200.refutations", seed, refutations);
  report_value("loss10.200.datagrams_delivered", seed, c.net().packets_delivered());
  report_value("loss10.200.datagrams_lost", seed, c.net().drops()[DropCause::loss]);
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  report_value("loss10.200.wall_ms", seed,
               static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(wall).count()));
  EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();
  EXPECT_TRUE(c.converged()) << c.describe();
}

INSTANTIATE_TEST_SUITE_P(Seeds, SimLoss, ::testing::ValuesIn(sim_seeds(3)));

}  // namespace
}  // namespace wkd::sim
