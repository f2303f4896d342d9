// Gossip rounds: what each target of a round is sent.
#include <gtest/gtest.h>

#include "support/memberlist_node.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"

namespace wkd::sim {
namespace {

// The delegate may keep news for some peers only (wkd registry data goes
// to wkd nodes alone). A round whose first target has nothing to receive
// must still send to the others: n1 has a message for n2 and none for n0,
// and n2 gets it from every one of n1's gossip rounds, whichever of the two
// the round happens to pick first.
TEST(SimGossip, NewsForOnePeerIsSentEveryRoundWhicheverTargetComesFirst) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SimCluster c(3, seed);
    c.start_converged();    // a formed cluster; how it formed is not the point
    c.run_for(seconds(5));  // each node's own alive from its start is sent out
    ASSERT_EQ(c.memberlist(1).queued_broadcasts(), 0u);
    auto& n1 = static_cast<MemberlistNode&>(c.member(1));
    auto& n0 = static_cast<MemberlistNode&>(c.member(0));
    auto& n2 = static_cast<MemberlistNode&>(c.member(2));
    n1.broadcasts = [](const swim::NodeInfo* target, std::vector<Bytes>& out) {
      if (target != nullptr && target->name == "n2") out.push_back(Bytes{'x'});
    };
    const std::uint64_t n0_before = n0.user_messages;
    const std::uint64_t n2_before = n2.user_messages;
    const Duration interval = c.memberlist(1).config().gossip_interval;
    const int rounds = 50;
    c.run_for(interval * rounds);
    // One per round (the window may cut one off), plus the copies riding
    // on n1's probes of n2.
    EXPECT_GE(n2.user_messages - n2_before, static_cast<std::uint64_t>(rounds - 1));
    EXPECT_EQ(n0.user_messages, n0_before);
  }
}

}  // namespace
}  // namespace wkd::sim
