// Lifeguard (Dadgar et al. 2018): a slow node — one that handles the acks it
// is sent too late — must not get healthy nodes declared dead. Its local
// health score rises, stretching its own probe timeouts, and the nodes it
// suspects refute in time.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/sim_bounds.hpp"
#include "sim/sim_report.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {
namespace {

TEST(SimLifeguard, SlowNodeNeverGetsHealthyNodesDeclaredDead) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(10, seed);
    c.start_all();
    c.join_all_to(0);
    ASSERT_TRUE(c.wait_converged(join_converge_limit(c.memberlist(0).config(), c.size()))) << c.describe();
    const std::size_t slow = 3;
    // Every input reaches it 1.5 s late (factor 16 x 100 ms): later than
    // the 1 s probe deadline, so at first every probe it runs fails —
    // direct, indirect and TCP alike — though its targets are healthy.
    c.slow(slow, 16.0);
    int max_health = 0;
    for (int s = 0; s < 180; ++s) {
      c.run_for(seconds(1));
      max_health = std::max(max_health, c.member(slow).health_score());
    }
    const auto& st = c.memberlist(slow).stats();
    report_value("lifeguard.10.slow_node_max_health", seed, static_cast<std::uint64_t>(max_health));
    report_value("lifeguard.10.slow_node_suspicions", seed, st.suspicions);
    report_value("lifeguard.10.slow_node_probe_failures", seed, st.probe_failures);
    // How often the slow node itself was taken for dead (allowed: it is
    // the one at fault).
    report_value("lifeguard.10.slow_node_declared_dead", seed, c.false_failures() - c.false_failures({slow}));
    EXPECT_EQ(c.false_failures({slow}), 0u) << c.describe_false_failures({slow});
    EXPECT_GT(max_health, 0) << "the slow node never noticed it was slow";
    // Healthy nodes' scores may rise too (their probes of the slow node
    // fail); that is not asserted.
  }
}

}  // namespace
}  // namespace wkd::sim
