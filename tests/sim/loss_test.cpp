// Packet loss: 200 nodes, 10% loss on every datagram (and retransmission
// delay on streams), ten virtual minutes.
//
// What holds, and what does not. Most failed probes are rescued (indirect
// probes, TCP fallback), but about a hundred per run fail outright and the
// target is suspected; it refutes within milliseconds. A node that heard
// the suspicion only second-hand (no confirmations) waits the maximum
// suspicion timeout, 6 * 4 * log10(200) * 1 s = 55 s, for the refutation.
// That refutation is gossiped some 2,200 times to random nodes, ~11 copies
// per node: P(a given node gets none) ~ e^-10, and with ~110 suspicions of
// ~199 nodes a run expects about one such miss; a push/pull (every 120 s
// at this size) rescues ~40% of them. So an isolated single-observer false
// death happens in roughly 40% of runs — memberlist's own numbers, not a
// wkd deviation (see the report of seed 20240613: n42 declares n151 dead).
//
// Asserted: no healthy node is ever declared dead by two nodes (a false
// death is never confirmed), and once the loss stops the cluster converges
// with every false death repaired. The strict count is printed.
#include <gtest/gtest.h>

#include <chrono>

#include "sim/sim_report.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {
namespace {

class SimLoss : public ::testing::TestWithParam<std::uint64_t> {};

// Zero false failures: no node ever declares a healthy member dead. Plain
// memberlist timing lets a node that hears of a suspicion only second-hand,
// and misses the refutation, declare the member dead on its own (about one
// run in three at these settings); wkd probes such a member itself first
// (Config::verify_before_dead), and this test holds it to zero.
TEST_P(SimLoss, TwoHundredNodesAtTenPercentLossGiveNoFalseFailure) {
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
  std::uint64_t verifications = 0, verified_alive = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    verifications += c.memberlist(i).stats().verifications;
    verified_alive += c.memberlist(i).stats().verifications_alive;
  }
  report_value("loss10.200.verifications", seed, verifications);
  report_value("loss10.200.verified_alive", seed, verified_alive);
  report_value("loss10.200.false_failures", seed, c.false_failures());
  EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();

  // The loss ends: whatever was suspected or wrongly dead is repaired.
  c.set_loss(0.0);
  const TimePoint clean_from = c.now();
  ASSERT_TRUE(c.wait_converged(seconds(300))) << c.describe();
  report_time("loss10.200.reconverged_after_loss", seed, c.now() - clean_from);
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  report_value("loss10.200.wall_ms", seed,
               static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(wall).count()));
}

INSTANTIATE_TEST_SUITE_P(Seeds, SimLoss, ::testing::ValuesIn(sim_seeds(3)));

}  // namespace
}  // namespace wkd::sim
