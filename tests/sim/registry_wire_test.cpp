// The replicated registry seen on the simulated wire: plain Serf peers in
// the cluster never receive a registry message, the registry converges
// through anti-entropy alone when every registry datagram is lost, and
// through the recent-set announcements alone when the rumour never
// reaches some nodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "serf/wkd_messages.hpp"
#include "swim/config.hpp"
#include "sim/registry_sim.hpp"
#include "support/sim_filters.hpp"

namespace wkd::sim {
namespace {

using namespace regsim;
using registry::CheckState;

bool is_wkd_payload(const Bytes& p) { return !p.empty() && serf::is_wkd_type(p[0]); }

bool datagram_carries_wkd(ByteView datagram) {
  const auto payloads = user_payloads(datagram);
  return std::any_of(payloads.begin(), payloads.end(), is_wkd_payload);
}

// Whether a datagram carries a registry message of type `t`.
bool carries(ByteView datagram, registry::MsgType t) {
  const auto payloads = user_payloads(datagram);
  return std::any_of(payloads.begin(), payloads.end(),
                     [t](const Bytes& p) { return !p.empty() && p[0] == static_cast<std::uint8_t>(t); });
}

// Options where only the rumour and the recent set spread changes:
// anti-entropy once an hour, Serf's periodic push/pull (which carries the
// digest) off, and each shard announced to 16 peers.
ClusterOptions recent_set_only() {
  registry::ReplicaConfig rc;
  rc.sync_interval = std::chrono::hours(1);
  rc.recent_peers = 16;
  ClusterOptions opts = registry_options(rc);
  opts.configure = [](std::size_t, swim::Config& c) { c.push_pull_interval = Duration::zero(); };
  return opts;
}

bool mentions_wkd_state(ByteView bytes) {
  constexpr std::string_view key = serf::kWkdStateKey;
  return std::search(bytes.begin(), bytes.end(), key.begin(), key.end()) != bytes.end();
}

// Registrations, check results and deregistrations on the wkd nodes.
void churn(SimCluster& c, const std::vector<std::size_t>& nodes) {
  for (std::size_t i : nodes) register_many(c, i, 4);
  c.run_for(seconds(2));
  for (std::size_t i : nodes) {
    on(c, i, [i](registry::Replica& r, const registry::Now& now) {
      const std::string svc = "svc" + std::to_string(i);
      ASSERT_TRUE(r.apply_check(now, {svc, "0"}, CheckState::passing).ok());
      ASSERT_TRUE(r.deregister(now, {svc, "3"}).ok());
    });
  }
}

// What the wire carried to each kind of node.
struct WkdTraffic {
  std::uint64_t datagrams = 0;      // datagrams with a wkd user message
  std::uint64_t streams = 0;        // stream user messages with a wkd payload
  std::uint64_t state = 0;          // stream messages naming the WkdState key
};

// A cluster of wkd nodes and plain Serf peers (no `wkd` tag, no registry),
// formed through a plain seed so every join's push/pull meets one: nothing
// the wire delivers to a plain peer carries a registry message or the
// WkdState, while the wkd nodes still converge. The same count towards the
// wkd nodes shows the count sees what the registry sends.
TEST(RegistryWireSim, PlainSerfPeersNeverReceiveRegistryMessages) {
  constexpr std::size_t kNodes = 12, kSeed = 3;
  auto plain = [](std::size_t i) { return i % 4 == 3; };
  SimCluster c(kNodes, sim_seed(), registry_options({}, plain));
  WkdTraffic to_plain, to_wkd;
  c.net().set_tap([&](TimePoint, NodeId, NodeId to, ByteView bytes, bool stream) {
    WkdTraffic& t = plain(to) ? to_plain : to_wkd;
    if (!stream) {
      t.datagrams += datagram_carries_wkd(bytes) ? 1 : 0;
      return;
    }
    const auto payload = stream_user_payload(bytes);
    t.streams += payload && is_wkd_payload(*payload) ? 1 : 0;
    const auto message = stream_message(bytes);
    t.state += message && mentions_wkd_state(*message) ? 1 : 0;
  });
  c.start_all();
  c.join_all_to(kSeed);
  ASSERT_TRUE(c.wait_converged(seconds(30))) << c.describe();
  std::vector<std::size_t> wkd;
  for (std::size_t i = 0; i < kNodes; ++i) {
    if (!plain(i)) wkd.push_back(i);
  }
  churn(c, wkd);
  const std::string why = wait_registry(c, seconds(10));
  ASSERT_TRUE(why.empty()) << why;
  c.run_for(seconds(90));  // periodic syncs and push/pulls, plain peers included
  EXPECT_TRUE(mismatch(c).empty()) << mismatch(c);
  for (std::size_t i : wkd) {
    EXPECT_EQ(replica(c, i).wkd_peers(), wkd.size() - 1) << "n" << i;
    EXPECT_EQ(live_count(c, i), wkd.size() * 3) << "n" << i;
  }
  EXPECT_EQ(to_plain.datagrams, 0u);
  EXPECT_EQ(to_plain.streams, 0u);
  EXPECT_EQ(to_plain.state, 0u);
  EXPECT_GT(to_wkd.datagrams, 0u);
  EXPECT_GT(to_wkd.streams, 0u);
  EXPECT_GT(to_wkd.state, 0u);
}

// Every datagram carrying a registry message is lost (the eager push and
// the gossip queue's piggybacked records alike): the digest exchange and
// the pulls over TCP still bring every node every record.
TEST(RegistryWireSim, AntiEntropyAloneConvergesWhenEveryRumourIsLost) {
  constexpr std::size_t kNodes = 10;
  SimCluster c(kNodes, sim_seed(), registry_options());
  std::uint64_t dropped = 0;
  c.add_filter([&](NodeId, NodeId, ByteView datagram) {
    const bool drop = datagram_carries_wkd(datagram);
    dropped += drop ? 1 : 0;
    return drop;
  });
  c.start_converged();
  churn(c, range(0, kNodes));
  // Measured: 29 s (the sync interval is 5 s, jittered to 2.5-7.5 s).
  const std::string why = wait_registry(c, seconds(150));
  ASSERT_TRUE(why.empty()) << why;
  EXPECT_GT(dropped, 0u);
  for (std::size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(live_count(c, i), kNodes * 3) << "n" << i;
    EXPECT_GT(replica(c, i).stats().pulled_records, 0u) << "n" << i;
  }
}

// Every records datagram to a quarter of the nodes is lost (the eager push
// and the gossip queue's records alike), anti-entropy runs once an hour
// and Serf's periodic push/pull (which carries the digest) not at all: the
// nodes the rumour never reaches learn every change from the recent-set
// announcements and pull it, within a deadline anti-entropy could not meet.
TEST(RegistryWireSim, NodesTheRumourMissesLearnFromTheRecentSet) {
  constexpr std::size_t kNodes = 12;
  auto missed = [](std::size_t i) { return i % 4 == 1; };
  // Each shard announced to 16 peers: with 12 nodes, a node all nine
  // others miss is left out with odds about (10/11)^(9 x 16), 1e-6.
  SimCluster c(kNodes, sim_seed(), recent_set_only());
  std::uint64_t dropped = 0;
  c.add_filter([&](NodeId, NodeId to, ByteView datagram) {
    const bool drop = missed(to) && carries(datagram, registry::MsgType::records);
    dropped += drop ? 1 : 0;
    return drop;
  });
  c.start_converged();
  churn(c, range(0, kNodes));
  const std::string why = wait_registry(c, seconds(10));
  ASSERT_TRUE(why.empty()) << why;
  EXPECT_GT(dropped, 0u);
  for (std::size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(live_count(c, i), kNodes * 3) << "n" << i;
    EXPECT_EQ(replica(c, i).stats().syncs, 0u) << "n" << i;
    if (missed(i)) {
      EXPECT_GT(replica(c, i).stats().pulled_records, 0u) << "n" << i;
    }
  }
}

// A node that missed the first changes of a shard and then got the next
// one holds the shard's newest version with a gap below it: the recent-set
// announcements compare watermarks, not the newest version, so it still
// pulls what it missed. Every registry datagram to it is lost while the
// instances are registered and until every rumour and announcement of
// them is over; then one more change of the shard goes out.
TEST(RegistryWireSim, ANodeWithAGapBelowTheNewestVersionPullsIt) {
  constexpr std::size_t kNodes = 8, kOwner = 0, kGap = 5;
  SimCluster c(kNodes, sim_seed(), recent_set_only());
  bool cut = true;
  c.add_filter([&](NodeId, NodeId to, ByteView datagram) {
    return cut && to == kGap && datagram_carries_wkd(datagram);
  });
  c.start_converged();
  register_many(c, kOwner, 4);
  c.run_for(seconds(20));
  ASSERT_EQ(live_count(c, kGap), 0u);
  cut = false;
  on(c, kOwner, [](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.apply_check(now, {"svc0", "3"}, CheckState::passing).ok());
  });
  const std::string why = wait_registry(c, seconds(5));
  ASSERT_TRUE(why.empty()) << why;
  EXPECT_EQ(live_count(c, kGap), 4u);
  EXPECT_EQ(replica(c, kGap).watermark("n0"), replica(c, kOwner).watermark("n0"));
  EXPECT_EQ(replica(c, kGap).stats().syncs, 0u);
}

// A pull that hangs is doubled. The node's first pull goes to the owner,
// whose every inbound packet is then nearly always lost (its SYNs too: the
// connection waits for retransmissions seconds apart); the other nodes'
// announcements, let through a moment later, make it pull again from one
// of them instead of waiting for the first.
TEST(RegistryWireSim, AHangingPullIsDoubledToAnotherPeer) {
  constexpr std::size_t kNodes = 8, kOwner = 0, kLate = 5;
  SimCluster c(kNodes, sim_seed(), recent_set_only());
  bool only_owner = true;
  c.add_filter([&](NodeId from, NodeId to, ByteView datagram) {
    if (to != kLate) return false;
    if (carries(datagram, registry::MsgType::records)) return true;
    return only_owner && from != kOwner && carries(datagram, registry::MsgType::announce);
  });
  c.start_converged();
  c.net().set_node_loss(static_cast<NodeId>(kOwner), 0.97, 0.0);
  register_many(c, kOwner, 2);
  ASSERT_TRUE(c.wait_until([&] { return replica(c, kLate).stats().pulls > 0; }, seconds(2)));
  const std::uint64_t first = replica(c, kLate).stats().pulls;
  c.run_for(milliseconds(150));
  ASSERT_EQ(live_count(c, kLate), 0u);
  only_owner = false;
  const bool got = c.wait_until([&] { return live_count(c, kLate) == 2; }, seconds(1));
  c.net().set_node_loss(static_cast<NodeId>(kOwner), 0.0, 0.0);
  ASSERT_TRUE(got) << mismatch(c);
  EXPECT_GT(replica(c, kLate).stats().pulls, first);
  EXPECT_EQ(replica(c, kLate).stats().syncs, 0u);
}

// The recent set costs nothing while nothing changes: once a burst of
// changes has spread and its announcements are over, a minute of idle
// cluster (anti-entropy and push/pull included) sends none.
TEST(RegistryWireSim, AnIdleClusterSendsNoRecentSetAnnouncements) {
  constexpr std::size_t kNodes = 10;
  SimCluster c(kNodes, sim_seed(), registry_options());
  c.start_converged();
  churn(c, range(0, kNodes));
  const std::string why = wait_registry(c, seconds(10));
  ASSERT_TRUE(why.empty()) << why;
  c.run_for(seconds(5));
  auto sent = [&] {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < kNodes; ++i) n += replica(c, i).stats().recent_sent;
    return n;
  };
  const std::uint64_t before = sent();
  EXPECT_GT(before, 0u);
  c.run_for(seconds(60));
  EXPECT_EQ(sent(), before);
  EXPECT_TRUE(mismatch(c).empty()) << mismatch(c);
}

}  // namespace
}  // namespace wkd::sim
