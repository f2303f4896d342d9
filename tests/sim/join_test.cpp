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

TEST(SimJoin, AConvergedStartIsConvergedQuietAndStillDetectsFailures) {
  for (std::uint64_t seed : sim_seeds(2)) {
    SimCluster c(200, seed);
    c.start_converged();
    ASSERT_TRUE(c.converged()) << c.describe();
    for (std::size_t i = 0; i < c.size(); ++i) {
      ASSERT_EQ(c.memberlist(i).num_alive(), c.size() - 1) << "n" << i;
      // Only its own alive from start() (memberlist's setAlive queues it).
      ASSERT_LE(c.memberlist(i).queued_broadcasts(), 1u) << "n" << i;
    }
    // Nothing was gossiped, and the periodic push/pull was rescheduled for
    // 200 members (scaled x4: 120 s, plus a stagger), not for the one
    // member each node had at its start (30 s).
    c.run_for(seconds(100));
    std::uint64_t stream_bytes = 0;
    for (std::size_t i = 0; i < c.size(); ++i) stream_bytes += c.net().counters(static_cast<NodeId>(i)).stream_bytes_out;
    EXPECT_EQ(stream_bytes, 0u);
    EXPECT_TRUE(c.converged()) << c.describe();
    EXPECT_EQ(c.false_failures(), 0u) << c.describe_false_failures();
    // A crash is detected as in a cluster formed by joins.
    c.kill(7);
    ASSERT_TRUE(c.wait_state_everywhere(7, NodeState::dead, seconds(60))) << c.describe();
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

// A join storm spread over time, as when a fleet starts: node i joins node 0
// at i * 20 ms. A node that joined early learns the later ones only from
// their alive broadcasts; each is retransmitted mult * log10(n) times per
// node, so now and then one node misses one of them and, with memberlist's
// timing alone, waits a whole push/pull interval (30 s) to learn of it.
// The follow-up push/pull after a join (Config::join_sync_delay) bounds
// that by about twice the delay.
struct StormResult {
  Duration converge{};  // after the last join started
  std::uint64_t join_syncs = 0;
};

StormResult staggered_join_storm(std::uint64_t seed, Duration join_sync_delay) {
  ClusterOptions o;
  o.configure = [join_sync_delay](std::size_t, swim::Config& cfg) { cfg.join_sync_delay = join_sync_delay; };
  SimCluster c(64, seed, o);
  c.start_all();
  for (std::size_t i = 1; i < c.size(); ++i) {
    c.join(i, 0);
    c.run_for(milliseconds(20));
  }
  const TimePoint last_join = c.now();
  StormResult r;
  if (!c.wait_converged(seconds(120))) {
    ADD_FAILURE() << "seed " << seed << ": no convergence within 120 s\n" << c.describe();
    return r;
  }
  r.converge = c.now() - last_join;
  c.run_for(join_sync_delay * 2 + seconds(1));  // every follow-up is due by then
  for (std::size_t i = 0; i < c.size(); ++i) r.join_syncs += c.memberlist(i).stats().join_syncs;
  return r;
}

TEST(SimJoin, StaggeredJoinStormConvergesWithoutWaitingForAPushPullInterval) {
  const auto seeds = sim_seeds(12);
  const Duration delay = swim::Config::lan().join_sync_delay;
  // Twice the delay (the jitter), plus the push/pull and a margin.
  const Duration bound = delay * 2 + seconds(2);
  int slow_without = 0;
  for (std::uint64_t seed : seeds) {
    const StormResult with = staggered_join_storm(seed, delay);
    report_value("join.storm64.join_syncs", seed, with.join_syncs);
    report_time("join.storm64.converged_after_last_join", seed, with.converge);
    EXPECT_EQ(with.join_syncs, 63u) << "seed " << seed;
    EXPECT_LE(with.converge, bound) << "seed " << seed;
    const StormResult without = staggered_join_storm(seed, Duration::zero());
    report_time("join.storm64.without_sync.converged_after_last_join", seed, without.converge);
    EXPECT_EQ(without.join_syncs, 0u);
    if (without.converge > bound) ++slow_without;
  }
  // The scenario is one where the follow-up matters: without it, one of the
  // default seeds (20240612) waits for a periodic push/pull. Not checked
  // when WKD_SIM_SEED replays a single seed.
  if (seeds.size() > 1) {
    EXPECT_GT(slow_without, 0) << "no seed needed the follow-up push/pull; the test no longer tests it";
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
