// The engine's commands and hooks: tags and the 512-byte meta limit,
// wkd-only gossip, the graceful leave sequence, reconnects, coordinates in
// acks, gossip queue order and malformed input.
#include "serf/engine.hpp"

#include <gtest/gtest.h>

#include "serf/identity.hpp"
#include "serf_fixture.hpp"
#include "wire/coordinate.hpp"

namespace wkd::serf {
namespace {

using namespace testing;

class SerfEngine : public EngineFixture {};

wire::Tags big_tags(std::size_t value_len) { return {{"k", std::string(value_len, 'v')}}; }

// ---------------------------------------------------------------- tags

TEST_F(SerfEngine, NodeMetaIsTheEncodedTags) {
  ASSERT_TRUE(engine->set_tags(at(seconds(1)), {{"role", "web"}}).ok());
  EXPECT_EQ(engine->node_meta(512), *wire::encode_tags({{"role", "web"}}));
  EXPECT_EQ(host.meta_updates, 1);
  EXPECT_EQ(engine->find("a")->tags, (wire::Tags{{"role", "web"}}));
}

TEST_F(SerfEngine, OversizedTagsAreRefusedAndTheOldOnesKept) {
  ASSERT_TRUE(engine->set_tags(at(seconds(1)), {{"role", "web"}}).ok());
  const Bytes before = engine->node_meta(512);
  // ff 81 a1 'k' da xx xx <v...>: 7 bytes + the value.
  auto st = engine->set_tags(at(seconds(2)), big_tags(506));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Err::too_large);
  EXPECT_NE(st.message().find("513 bytes"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("512"), std::string::npos);
  EXPECT_NE(st.message().find("keeping the current tags (11 bytes)"), std::string::npos) << st.message();
  EXPECT_EQ(engine->node_meta(512), before);
  EXPECT_EQ(engine->tags(), (wire::Tags{{"role", "web"}}));
  EXPECT_EQ(host.meta_updates, 1);  // nothing gossiped for the refused tags
  // Exactly 512 is fine.
  EXPECT_TRUE(engine->set_tags(at(seconds(3)), big_tags(505)).ok());
  EXPECT_EQ(engine->node_meta(512).size(), 512u);
}

TEST(SerfEngineStart, RefusesToStartWithOversizedTags) {
  FakeHost host;
  RecordingSink sink;
  NullLog log;
  Rng rng(1);
  Config cfg = config_for("a");
  cfg.tags = big_tags(600);
  Engine e(cfg, host, rng, log, sink);
  auto st = e.start(at(seconds(0)));
  EXPECT_EQ(st.code(), Err::too_large);
  EXPECT_EQ(e.state(), SerfState::created);
}

TEST_F(SerfEngine, IdentityTagsRoundTripThroughMeta) {
  Identity id;
  id.wkd_version = "0.1.0";
  id.groups = {"g1"};
  ASSERT_TRUE(engine->set_tags(at(seconds(1)), *to_tags(id)).ok());
  auto back = wire::decode_tags(engine->node_meta(512));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(identity_from_tags(*back), id);
  EXPECT_TRUE(Engine::is_wkd_node(node("x", 9, *back)));
}

// ---------------------------------------------------------------- wkd gossip

struct CountingWkd final : WkdHandler {
  std::vector<Bytes> got;
  bool on_wkd_message(ByteView msg) override {
    got.emplace_back(msg.begin(), msg.end());
    return true;
  }
  Bytes wkd_local_state(bool) override { return {}; }
  void merge_wkd_state(ByteView, bool) override {}
};

TEST_F(SerfEngine, WkdMessagesAreNeverOfferedToNonWkdTargets) {
  const Bytes msg{kWkdTypeRegistry, 'h', 'i'};
  ASSERT_TRUE(engine->broadcast_wkd(msg).ok());
  const auto serf_peer = node("s", 5, {{"role", "web"}});
  const auto plain_peer = [] {
    auto n = node("p", 6);
    n.meta = std::nullopt;  // plain memberlist node: no meta at all
    return n;
  }();
  const auto empty_wkd = node("e", 7, {{"wkd", ""}});
  // Many gossip rounds to serf, memberlist and unknown targets: never.
  for (int i = 0; i < 50; ++i) {
    for (const swim::NodeInfo* t : {&serf_peer, &plain_peer, &empty_wkd,
                                    static_cast<const swim::NodeInfo*>(nullptr)}) {
      for (const auto& m : drain(t)) EXPECT_FALSE(is_wkd_type(m[0])) << "sent to " << (t ? t->name : "?");
    }
  }
  EXPECT_EQ(engine->stats().wkd_queue, 1u);  // still waiting for a wkd target
  const auto wkd_peer = node("w", 8, {{"wkd", "0.1.0"}});
  auto out = drain(&wkd_peer);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], msg);
}

TEST_F(SerfEngine, ReceivedWkdMessagesGoToTheHandlerAndOnToWkdNodesOnly) {
  CountingWkd wkd;
  engine->set_wkd_handler(&wkd);
  const Bytes msg{0xE5, 1, 2, 3};
  engine->notify_msg(at(seconds(1)), msg);
  ASSERT_EQ(wkd.got.size(), 1u);
  EXPECT_EQ(wkd.got[0], msg);
  const auto serf_peer = node("s", 5, {{"role", "web"}});
  EXPECT_TRUE(drain(&serf_peer).empty());
  const auto wkd_peer = node("w", 8, {{"wkd", "1"}});
  EXPECT_EQ(drain(&wkd_peer).size(), 1u);
  EXPECT_EQ(engine->stats().messages_dropped, 0u);  // not "unknown type"
}

TEST_F(SerfEngine, BroadcastWkdChecksTheTypeRange) {
  EXPECT_EQ(engine->broadcast_wkd(Bytes{}).code(), Err::invalid_argument);
  EXPECT_EQ(engine->broadcast_wkd(Bytes{0x03, 0}).code(), Err::invalid_argument);
  EXPECT_EQ(engine->broadcast_wkd(Bytes{0xF0, 0}).code(), Err::invalid_argument);
  EXPECT_EQ(engine->broadcast_wkd(Bytes(2000, 0xE0)).code(), Err::too_large);
  EXPECT_TRUE(engine->broadcast_wkd(Bytes{0xEF}).ok());
}

// ---------------------------------------------------------------- gossip order

TEST_F(SerfEngine, GossipOrderIsIntentsQueriesEventsThenWkd) {
  ASSERT_TRUE(engine->broadcast_wkd(Bytes{0xE0, 9}).ok());
  ASSERT_TRUE(engine->user_event(at(seconds(1)), "e", {}, false).ok());
  ASSERT_TRUE(engine->query(at(seconds(1)), "q", {}).ok());
  engine->notify_msg(at(seconds(1)), encode(wire::SerfJoin{5, "zz"}));
  const auto wkd_peer = node("w", 8, {{"wkd", "1"}});
  auto out = drain(&wkd_peer);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0][0], static_cast<std::uint8_t>(wire::SerfType::join));
  EXPECT_EQ(out[1][0], static_cast<std::uint8_t>(wire::SerfType::query));
  EXPECT_EQ(out[2][0], static_cast<std::uint8_t>(wire::SerfType::user_event));
  EXPECT_EQ(out[3][0], 0xE0);
}

TEST_F(SerfEngine, GossipRespectsTheByteLimit) {
  ASSERT_TRUE(engine->user_event(at(seconds(1)), "e1", Bytes(100, 'x'), false).ok());
  ASSERT_TRUE(engine->user_event(at(seconds(1)), "e2", Bytes(100, 'x'), false).ok());
  std::vector<Bytes> out;
  engine->get_broadcasts(at(seconds(1)), nullptr, 10, 200, out);
  ASSERT_EQ(out.size(), 1u);  // two would need ~2 * (130 + 10)
}

TEST_F(SerfEngine, UnknownSerfTypesAreDroppedWithAWarning) {
  engine->notify_msg(at(seconds(1)), Bytes{0x0A, 0x80});
  engine->notify_msg(at(seconds(1)), Bytes{0x02, 0x80});  // push/pull never comes as gossip
  engine->notify_msg(at(seconds(1)), Bytes{0x01, 0xc1});  // undecodable join
  EXPECT_EQ(engine->stats().messages_dropped, 3u);
  EXPECT_TRUE(log.contains("Received message of unknown type: 10"));
  EXPECT_TRUE(drain().empty());
}

// ---------------------------------------------------------------- leave

TEST_F(SerfEngine, LeaveWaitsForTheIntentThenMemberlistThenPropagation) {
  engine->notify_join(at(seconds(0)), node("b", 2));
  bool done = false, clean = false;
  ASSERT_TRUE(engine->leave(at(seconds(10)), [&](bool c) { done = true; clean = c; }).ok());
  EXPECT_EQ(engine->state(), SerfState::leaving);
  EXPECT_EQ(engine->find("a")->status, MemberStatus::leaving);
  EXPECT_TRUE(host.leaves.empty());  // the intent goes first

  // With 2 members the intent is sent 4 * ceil(log10(3)) = 4 times.
  for (int i = 0; i < 4; ++i) {
    auto out = drain();
    ASSERT_EQ(out.size(), 1u);
    auto m = wire::decode_serf_message(out[0]);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(std::holds_alternative<wire::SerfLeave>(*m));
    EXPECT_EQ(std::get<wire::SerfLeave>(*m).node, "a");
    if (i < 3) {
      EXPECT_TRUE(host.leaves.empty());
    }
  }
  ASSERT_EQ(host.leaves.size(), 1u);
  EXPECT_EQ(host.leaves[0].timeout, seconds(5));
  host.leaves[0].done(at(seconds(11)), true);
  EXPECT_FALSE(done);
  EXPECT_EQ(engine->next_deadline(), at(seconds(12)));  // LeavePropagateDelay 1 s
  engine->on_timer(at(seconds(12)));
  EXPECT_TRUE(done);
  EXPECT_TRUE(clean);
  EXPECT_EQ(engine->state(), SerfState::left);
}

TEST_F(SerfEngine, LeaveGivesUpOnTheIntentAfterBroadcastTimeout) {
  engine->notify_join(at(seconds(0)), node("b", 2));
  bool clean = true;
  ASSERT_TRUE(engine->leave(at(seconds(10)), [&](bool c) { clean = c; }).ok());
  EXPECT_EQ(engine->next_deadline(), at(seconds(15)));
  engine->on_timer(at(seconds(15)));
  ASSERT_EQ(host.leaves.size(), 1u);
  EXPECT_TRUE(log.contains("timeout while waiting for graceful leave"));
  host.leaves[0].done(at(seconds(20)), false);
  engine->on_timer(at(seconds(21)));
  EXPECT_EQ(engine->state(), SerfState::left);
  EXPECT_FALSE(clean);
}

TEST_F(SerfEngine, LeaveAloneSkipsTheIntentWait) {
  ASSERT_TRUE(engine->leave(at(seconds(10)), {}).ok());
  EXPECT_EQ(host.leaves.size(), 1u);
}

TEST_F(SerfEngine, LeaveTwiceIsRefusedAndJoinAfterLeaveFails) {
  ASSERT_TRUE(engine->leave(at(seconds(10)), {}).ok());
  EXPECT_EQ(engine->leave(at(seconds(10)), {}).code(), Err::state);
  std::string err;
  engine->join(at(seconds(10)), {addr_of(2)}, [&](int, std::string e) { err = std::move(e); });
  EXPECT_NE(err.find("can't Join"), std::string::npos);
  EXPECT_TRUE(host.joins.empty());
}

TEST_F(SerfEngine, LeaveIntentAboutUsWhileLeavingIsNotRefuted) {
  engine->notify_join(at(seconds(0)), node("b", 2));
  ASSERT_TRUE(engine->leave(at(seconds(10)), {}).ok());
  drain();
  engine->notify_msg(at(seconds(10)), encode(wire::SerfLeave{50, "a", false}));
  for (const auto& m : drain()) EXPECT_NE(m[0], static_cast<std::uint8_t>(wire::SerfType::join));
}

// ---------------------------------------------------------------- reconnect

TEST_F(SerfEngine, ReconnectJoinsAFailedMember) {
  engine->notify_join(at(seconds(0)), node("b", 2));
  engine->notify_leave(at(seconds(1)), node("b", 2));
  // failed / alive = 1 / 1: always tries.
  engine->on_timer(at(seconds(30)));
  ASSERT_EQ(host.joins.size(), 1u);
  EXPECT_EQ(host.joins[0].seeds, std::vector<Address>{addr_of(2)});
  EXPECT_EQ(engine->next_deadline(), at(seconds(45)));  // next reap tick
}

TEST_F(SerfEngine, NoReconnectWithoutFailedMembers) {
  engine->notify_join(at(seconds(0)), node("b", 2));
  engine->on_timer(at(seconds(30)));
  EXPECT_TRUE(host.joins.empty());
}

// ---------------------------------------------------------------- coordinates

TEST_F(SerfEngine, AckPayloadIsOurCoordinate) {
  auto payload = engine->ack_payload();
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(payload->size(), 130u);  // docs/wire.md §11.9
  auto c = wire::decode_coordinate_payload(*payload);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, wire::initial_coordinate());
}

TEST_F(SerfEngine, PingCompleteUpdatesAndCachesCoordinates) {
  wire::Coordinate peer = wire::initial_coordinate();
  peer.vec[0] = 0.01;
  engine->notify_ping_complete(at(seconds(1)), node("b", 2), milliseconds(20),
                               *wire::encode_coordinate_payload(peer));
  EXPECT_NEAR(engine->coordinate().vec[0], -0.0012475, 1e-9);
  ASSERT_TRUE(engine->cached_coordinate("b").has_value());
  EXPECT_EQ(*engine->cached_coordinate("b"), peer);
  EXPECT_EQ(*engine->cached_coordinate("a"), engine->coordinate());
}

TEST_F(SerfEngine, BadPingPayloadsAreIgnored) {
  engine->notify_ping_complete(at(seconds(1)), node("b", 2), milliseconds(20), {});
  engine->notify_ping_complete(at(seconds(1)), node("b", 2), milliseconds(20), Bytes{0x02, 0x80});
  wire::Coordinate peer = wire::initial_coordinate();
  engine->notify_ping_complete(at(seconds(1)), node("b", 2), seconds(11),
                               *wire::encode_coordinate_payload(peer));
  EXPECT_EQ(engine->coordinate(), wire::initial_coordinate());
  EXPECT_FALSE(engine->cached_coordinate("b").has_value());
  EXPECT_EQ(engine->stats().coordinates_rejected, 1u);
  EXPECT_TRUE(log.contains("Unsupported ping version: 2"));
}

TEST_F(SerfEngine, DisabledCoordinatesSendNilAcks) {
  Config cfg = config_for("a");
  cfg.disable_coordinates = true;
  make(cfg);
  EXPECT_FALSE(engine->ack_payload().has_value());
}

}  // namespace
}  // namespace wkd::serf
