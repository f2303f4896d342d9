// The replicated registry seen on the simulated wire: plain Serf peers in
// the cluster never receive a registry message, and the registry converges
// through anti-entropy alone when every registry datagram is lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "serf/wkd_messages.hpp"
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
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < kNodes; ++i) all.push_back(i);
  churn(c, all);
  // Measured: 29 s (the sync interval is 5 s, jittered to 2.5-7.5 s).
  const std::string why = wait_registry(c, seconds(150));
  ASSERT_TRUE(why.empty()) << why;
  EXPECT_GT(dropped, 0u);
  for (std::size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(live_count(c, i), kNodes * 3) << "n" << i;
    EXPECT_GT(replica(c, i).stats().pulled_records, 0u) << "n" << i;
  }
}

}  // namespace
}  // namespace wkd::sim
