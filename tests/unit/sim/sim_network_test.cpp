#include "support/sim_network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "common/rng.hpp"
#include "support/sim_filters.hpp"
#include "support/sim_seed.hpp"
#include "unit/sim/fake_node.hpp"
#include "wire/keyring.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/packet.hpp"

namespace wkd::sim {
namespace {

using fake::at_ms;
using fake::FakeNet;

Bytes payload(std::uint8_t tag, std::size_t n = 8) { return Bytes(n, tag); }

TEST(SimNetwork, DeliversAfterTheLinkLatency) {
  NetOptions o;
  o.link.latency = milliseconds(3);
  FakeNet f(2, 1, o);
  f.send(0, 1, payload(7));
  f.clock.run_for(milliseconds(2));
  EXPECT_TRUE(f[1].packets.empty());
  f.clock.run_for(milliseconds(1));
  ASSERT_EQ(f[1].packets.size(), 1u);
  EXPECT_EQ(f[1].packets[0].at, at_ms(3));
  EXPECT_EQ(f[1].packets[0].from, FakeNet::addr(0));
  EXPECT_EQ(f[1].packets[0].bytes, payload(7));
  EXPECT_EQ(f.net.packets_in_flight(), 0u);
}

TEST(SimNetwork, JitterStaysWithinItsBounds) {
  NetOptions o;
  o.link.latency = milliseconds(2);
  o.link.jitter = milliseconds(4);
  FakeNet f(2, sim_seed(), o);
  for (int i = 0; i < 500; ++i) f.send(0, 1, payload(1));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].packets.size(), 500u);
  TimePoint lo = TimePoint::max(), hi = TimePoint{};
  for (const auto& p : f[1].packets) {
    lo = std::min(lo, p.at);
    hi = std::max(hi, p.at);
  }
  EXPECT_GE(lo, at_ms(2));
  EXPECT_LT(hi, at_ms(6));
  EXPECT_GT(hi - lo, milliseconds(3));  // spread over most of the window
}

TEST(SimNetwork, LossRateMatchesTheProbability) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SeedScope scope(seed);
    FakeNet f(2, seed);
    f.net.set_loss(0.1);
    constexpr int kSent = 20000;
    for (int i = 0; i < kSent; ++i) f.send(0, 1, payload(1));
    f.clock.run_for(seconds(1));
    const double delivered = static_cast<double>(f[1].packets.size());
    const double rate = 1.0 - delivered / kSent;
    // Binomial: sd = sqrt(0.09 / 20000) ~ 0.0021; allow 5 sd.
    EXPECT_NEAR(rate, 0.1, 0.0106) << "seed " << seed;
    EXPECT_EQ(f.net.drops()[DropCause::loss], kSent - f[1].packets.size());
    EXPECT_EQ(f.net.counters(0).dropped_out, kSent - f[1].packets.size());
    EXPECT_EQ(f.net.counters(1).dropped_in, kSent - f[1].packets.size());
  }
}

TEST(SimNetwork, NodeLossAppliesPerDirection) {
  FakeNet f(3, sim_seed());
  f.net.set_node_loss(1, /*in=*/1.0, /*out=*/0.0);
  for (int i = 0; i < 100; ++i) {
    f.send(0, 1, payload(1));
    f.send(1, 2, payload(2));
  }
  f.clock.run_for(seconds(1));
  EXPECT_TRUE(f[1].packets.empty());
  EXPECT_EQ(f[2].packets.size(), 100u);
}

TEST(SimNetwork, PerLinkSpecOverridesTheDefault) {
  FakeNet f(3, sim_seed());
  LinkSpec slow;
  slow.latency = milliseconds(50);
  f.net.set_link(0, 2, slow);
  f.send(0, 1, payload(1));
  f.send(0, 2, payload(1));
  f.send(2, 0, payload(1));
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[1].packets.at(0).at, at_ms(1));
  EXPECT_EQ(f[2].packets.at(0).at, at_ms(50));
  EXPECT_EQ(f[0].packets.at(0).at, at_ms(1));  // only one direction
  f.net.clear_link(0, 2);
  f.send(0, 2, payload(1));
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[2].packets.at(1).at, at_ms(1001));
}

TEST(SimNetwork, DuplicationDeliversSomePacketsTwice) {
  NetOptions o;
  o.link.duplicate = 0.25;
  FakeNet f(2, sim_seed(), o);
  for (int i = 0; i < 4000; ++i) f.send(0, 1, payload(1));
  f.clock.run_for(seconds(1));
  const double extra = static_cast<double>(f[1].packets.size()) / 4000.0 - 1.0;
  EXPECT_NEAR(extra, 0.25, 0.04);
}

TEST(SimNetwork, ReorderingHoldsSomePacketsBack) {
  NetOptions o;
  o.link.reorder = 0.2;
  o.link.reorder_delay = milliseconds(10);
  FakeNet f(2, sim_seed(), o);
  for (std::uint8_t i = 0; i < 200; ++i) {
    f.send(0, 1, Bytes{i});
    f.clock.run_for(milliseconds(1));
  }
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].packets.size(), 200u);
  int inversions = 0;
  for (std::size_t k = 1; k < f[1].packets.size(); ++k) {
    if (f[1].packets[k].bytes[0] < f[1].packets[k - 1].bytes[0]) ++inversions;
  }
  EXPECT_GT(inversions, 10);
  // Without reordering or jitter a link is FIFO.
  FakeNet g(2, sim_seed());
  for (std::uint8_t i = 0; i < 50; ++i) g.send(0, 1, Bytes{i});
  g.clock.run_for(seconds(1));
  for (std::size_t k = 0; k < g[1].packets.size(); ++k) EXPECT_EQ(g[1].packets[k].bytes[0], k);
}

TEST(SimNetwork, PartitionBlocksBothDirections) {
  FakeNet f(4, sim_seed());
  f.net.partition({{0, 1}, {2, 3}});
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      if (i != j) f.send(i, j, payload(static_cast<std::uint8_t>(i)));
    }
  }
  f.clock.run_for(seconds(1));
  // Each node hears only the other member of its side.
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(f[i].packets.size(), 1u) << "node " << i;
  }
  EXPECT_EQ(f[0].packets[0].from, FakeNet::addr(1));
  EXPECT_EQ(f[1].packets[0].from, FakeNet::addr(0));
  EXPECT_EQ(f[2].packets[0].from, FakeNet::addr(3));
  EXPECT_EQ(f[3].packets[0].from, FakeNet::addr(2));
  EXPECT_EQ(f.net.drops()[DropCause::partition], 8u);
  EXPECT_FALSE(f.net.reachable(0, 2));
  EXPECT_FALSE(f.net.reachable(2, 0));

  f.net.heal();
  f.send(0, 2, payload(9));
  f.send(3, 1, payload(9));
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[2].packets.size(), 2u);
  EXPECT_EQ(f[1].packets.size(), 2u);
}

TEST(SimNetwork, NodesOutsideEveryGroupFormTheirOwnSide) {
  FakeNet f(3, sim_seed());
  f.net.partition({{0}});
  EXPECT_FALSE(f.net.reachable(0, 1));
  EXPECT_TRUE(f.net.reachable(1, 2));
  f.net.heal();
  f.net.block(2);
  EXPECT_TRUE(f.net.reachable(0, 1));
  EXPECT_FALSE(f.net.reachable(1, 2));
  EXPECT_FALSE(f.net.reachable(2, 0));
  f.net.unblock(2);
  EXPECT_TRUE(f.net.reachable(2, 0));
}

TEST(SimNetwork, UnknownAddressIsNoRoute) {
  FakeNet f(1, sim_seed());
  f.net.call(0, [&](SimNode&, TimePoint) { f[0].rt.send_packet(Address::v4(127, 9, 9, 9, 1), payload(1)); });
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f.net.drops()[DropCause::no_route], 1u);
}

TEST(SimNetwork, PausedNodeReceivesNothingAndItsTimerWaits) {
  FakeNet f(2, sim_seed());
  f.set_deadline(1, at_ms(100));
  f.net.pause(1);
  EXPECT_TRUE(f.net.paused(1));
  f.send(0, 1, payload(1));
  EXPECT_FALSE(f.net.call(1, [](SimNode&, TimePoint) {}));  // cannot be driven either
  f.clock.run_for(milliseconds(500));
  EXPECT_TRUE(f[1].packets.empty());
  EXPECT_TRUE(f[1].timer_fires.empty());
  EXPECT_EQ(f.net.drops()[DropCause::paused], 1u);

  // SIGCONT: the overdue timer fires at once; new packets arrive again.
  f.net.resume(1);
  f.clock.run_for(Duration::zero());
  EXPECT_EQ(f[1].timer_fires, std::vector<TimePoint>{at_ms(500)});
  f.send(0, 1, payload(2));
  f.clock.run_for(milliseconds(10));
  ASSERT_EQ(f[1].packets.size(), 1u);
  EXPECT_EQ(f[1].packets[0].bytes, payload(2));
}

TEST(SimNetwork, KilledNodeIsNeverCalledAgain) {
  FakeNet f(2, sim_seed());
  f.set_deadline(1, at_ms(100));
  f.send(0, 1, payload(1));  // in flight when it dies
  f.net.kill(1);
  f.send(0, 1, payload(2));
  f.clock.run_for(seconds(1));
  EXPECT_TRUE(f[1].packets.empty());
  EXPECT_TRUE(f[1].timer_fires.empty());
  EXPECT_EQ(f.net.drops()[DropCause::killed], 2u);
  EXPECT_TRUE(f.net.killed(1));
  f.net.resume(1);  // no effect on a dead node
  EXPECT_FALSE(f.net.call(1, [](SimNode&, TimePoint) {}));
}

TEST(SimNetwork, SlowNodeHandlesInputsLateButItsTimersOnTime) {
  NetOptions o;
  o.slow_unit = milliseconds(100);
  FakeNet f(2, sim_seed(), o);
  f.net.set_slow(1, 3.0);  // (3 - 1) * 100 ms
  EXPECT_EQ(f.net.processing_delay(1), milliseconds(200));
  f.set_deadline(1, at_ms(50));
  f.send(0, 1, payload(1));
  f.send(0, 1, payload(2));
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[1].timer_fires, std::vector<TimePoint>{at_ms(50)});
  ASSERT_EQ(f[1].packets.size(), 2u);
  EXPECT_EQ(f[1].packets[0].at, at_ms(201));
  EXPECT_EQ(f[1].packets[1].bytes, payload(2));  // order kept
  f.net.set_slow(1, 1.0);
  f.send(0, 1, payload(3));
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[1].packets[2].at, at_ms(1001));
}

TEST(SimNetwork, WakeUpIsRearmedAfterEveryCall) {
  FakeNet f(2, sim_seed());
  // Each packet makes node 1 ask for a wake-up 10 ms later.
  f[1].on_packet_hook = [&](TimePoint now, const Address&, ByteView) { f[1].deadlines.insert(now + milliseconds(10)); };
  f.send(0, 1, payload(1));
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[1].timer_fires, std::vector<TimePoint>{at_ms(11)});
  EXPECT_EQ(f.net.counters(1).timer_fires, 1u);
}

TEST(SimNetwork, CountsPacketsAndBytesPerNode) {
  FakeNet f(2, sim_seed());
  f.send(0, 1, payload(1, 100));
  f.send(0, 1, payload(1, 50));
  f.send(1, 0, payload(1, 10));
  f.clock.run_for(seconds(1));
  const NodeCounters& a = f.net.counters(0);
  const NodeCounters& b = f.net.counters(1);
  EXPECT_EQ(a.packets_out, 2u);
  EXPECT_EQ(a.bytes_out, 150u);
  EXPECT_EQ(a.packets_in, 1u);
  EXPECT_EQ(b.packets_in, 2u);
  EXPECT_EQ(b.bytes_in, 150u);
  EXPECT_EQ(f.net.packets_delivered(), 3u);
  EXPECT_EQ(f.net.drops().total(), 0u);
  EXPECT_EQ(f.net.drops().to_string(), "loss=0 partition=0 filter=0 paused=0 killed=0 no_route=0");
}

// ---- filters ---------------------------------------------------------------

Bytes framed(std::vector<Bytes> msgs, const wire::PacketEncodeOptions& o = {}) {
  Rng rng(1);
  std::vector<ByteView> views(msgs.begin(), msgs.end());
  return wire::encode_packet(views, o, rng).value();
}

Bytes ack_msg(std::uint32_t seq) { return wire::encode_message(wire::Ack{seq, std::nullopt}).value(); }
Bytes ping_msg(std::uint32_t seq) {
  wire::Ping p;
  p.seq_no = seq;
  p.node = "n1";
  return wire::encode_message(p).value();
}

TEST(SimNetworkFilter, PeeksMessageTypesThroughTheFraming) {
  EXPECT_EQ(packet_types(framed({ack_msg(1)})), std::vector<wire::MsgType>{wire::MsgType::ack});
  EXPECT_EQ(packet_types(framed({ping_msg(1), ack_msg(2)})),
            (std::vector<wire::MsgType>{wire::MsgType::ping, wire::MsgType::ack}));
  wire::PacketEncodeOptions o;
  o.compress = true;
  o.crc = true;
  o.label = "prod";
  auto ack = ack_msg(3);
  EXPECT_TRUE(packet_has_type(framed({ack, ping_msg(9)}, o), wire::MsgType::ack, PeekOptions{"prod", nullptr}));
  // With the wrong label the datagram does not decode at all.
  EXPECT_TRUE(packet_types(framed({ack}, o)).empty());
  EXPECT_TRUE(packet_types(Bytes{}).empty());
}

TEST(SimNetworkFilter, DropsEveryAckFromOneNodeToAnother) {
  FakeNet f(3, sim_seed());
  f.net.add_filter(drop_message_type(2, 0, wire::MsgType::ack));
  f.send(2, 0, framed({ack_msg(1)}));
  f.send(2, 0, framed({ping_msg(1), ack_msg(2)}));  // piggybacked: dropped too
  f.send(2, 0, framed({ping_msg(2)}));
  f.send(0, 2, framed({ack_msg(3)}));  // other direction
  f.send(1, 0, framed({ack_msg(4)}));  // other sender
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[0].packets.size(), 2u);
  EXPECT_EQ(f[2].packets.size(), 1u);
  EXPECT_EQ(f.net.drops()[DropCause::filter], 2u);
}

TEST(SimNetworkFilter, SeesThroughEncryption) {
  const Bytes key(16, 0x42);
  auto ring = wire::Keyring::make(std::vector<Bytes>{key}).value();
  wire::PacketEncodeOptions o;
  o.keyring = &ring;
  FakeNet f(2, sim_seed());
  f.net.add_filter(drop_message_type(kNoNode, kNoNode, wire::MsgType::ack, PeekOptions{"", &ring}));
  f.send(0, 1, framed({ack_msg(1)}, o));
  f.send(0, 1, framed({ping_msg(1)}, o));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].packets.size(), 1u);
  EXPECT_EQ(packet_types(f[1].packets[0].bytes, PeekOptions{"", &ring}), std::vector<wire::MsgType>{wire::MsgType::ping});
}

TEST(SimNetworkFilter, RemovedFilterNoLongerDrops) {
  FakeNet f(2, sim_seed());
  auto id = f.net.add_filter([](NodeId, NodeId, ByteView) { return true; });
  f.send(0, 1, payload(1));
  f.net.remove_filter(id);
  f.send(0, 1, payload(2));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].packets.size(), 1u);
  EXPECT_EQ(f[1].packets[0].bytes, payload(2));
}

// ---- determinism -----------------------------------------------------------

// Ten fake nodes that gossip to random peers every ~100 ms, with loss,
// jitter, duplication and reordering: every random choice comes from `seed`.
std::uint64_t gossip_run(std::uint64_t seed) {
  NetOptions o;
  o.link.loss = 0.1;
  o.link.jitter = milliseconds(5);
  o.link.duplicate = 0.05;
  o.link.reorder = 0.05;
  FakeNet f(10, seed, o);
  Rng rng(seed);
  for (std::size_t i = 0; i < 10; ++i) {
    f[i].on_timer_hook = [&f, &rng, i](TimePoint now) {
      const auto to = static_cast<std::size_t>(rng.below(10));
      const Bytes msg{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(rng.below(256))};
      f[i].rt.send_packet(FakeNet::addr(to), msg);
      f[i].deadlines.insert(now + milliseconds(50 + static_cast<std::int64_t>(rng.below(100))));
    };
    f.set_deadline(i, at_ms(static_cast<std::int64_t>(rng.below(100))));
  }
  f.clock.run_for(seconds(20));
  EXPECT_GT(f.net.packets_delivered(), 1000u);
  return f.net.trace_hash();
}

TEST(SimNetworkDeterminism, SameSeedSameTraceHash) {
  for (std::uint64_t seed : sim_seeds(3)) {
    SeedScope scope(seed);
    EXPECT_EQ(gossip_run(seed), gossip_run(seed)) << "seed " << seed;
  }
}

TEST(SimNetworkDeterminism, DifferentSeedsDifferentTraceHash) {
  std::map<std::uint64_t, std::uint64_t> by_hash;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const std::uint64_t h = gossip_run(seed);
    EXPECT_FALSE(by_hash.count(h)) << "seeds " << by_hash[h] << " and " << seed << " gave the same trace";
    by_hash[h] = seed;
  }
}

}  // namespace
}  // namespace wkd::sim

namespace wkd::sim {
namespace {

// The simulator alone at the scale it is meant for: 10,000 nodes, each
// waking every 100 ms to send a datagram to a random peer, for 5 virtual
// seconds (500,000 datagrams through the clock and the network).
TEST(SimNetworkScale, TenThousandNodes) {
  constexpr std::size_t kNodes = 10000;
  FakeNet f(kNodes, sim_seed());
  Rng rng(sim_seed());
  const Bytes msg(64, 0x5a);
  for (std::size_t i = 0; i < kNodes; ++i) {
    f[i].on_timer_hook = [&f, &rng, &msg, i](TimePoint now) {
      f[i].rt.send_packet(FakeNet::addr(static_cast<std::size_t>(rng.below(kNodes))), msg);
      f[i].deadlines.insert(now + milliseconds(100));
    };
    f[i].on_packet_hook = [&f, i](TimePoint, const Address&, ByteView) { f[i].packets.clear(); };
    f.set_deadline(i, at_ms(static_cast<std::int64_t>(rng.below(100))));
  }
  f.clock.run_for(seconds(2));
  EXPECT_GE(f.net.packets_delivered(), 190000u);
  EXPECT_LE(f.net.packets_in_flight(), kNodes);  // buffers recycled, not accumulated
}

}  // namespace
}  // namespace wkd::sim
