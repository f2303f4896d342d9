// User events: delivered once per (LTime, name, payload) and re-gossiped
// once, old events below the 512-slot window or the ignore mark dropped,
// size limits enforced (serf handleUserEvent, UserEvent).
#include <gtest/gtest.h>

#include "serf/event_buffer.hpp"
#include "serf_fixture.hpp"

namespace wkd::serf {
namespace {

using namespace testing;

wire::SerfUserEvent event(LamportTime t, std::string name, std::string payload) {
  return wire::SerfUserEvent{t, std::move(name), to_bytes(payload), true};
}

class SerfEvents : public EngineFixture {};

TEST_F(SerfEvents, SameEventTwiceIsDeliveredAndRegossipedOnce) {
  const Bytes msg = encode(event(3, "deploy", "v1"));
  engine->notify_msg(at(seconds(1)), msg);
  engine->notify_msg(at(seconds(2)), msg);
  ASSERT_EQ(sink.user_events.size(), 1u);
  EXPECT_EQ(sink.user_events[0].name, "deploy");
  EXPECT_EQ(sink.user_events[0].ltime, 3u);
  EXPECT_EQ(to_string(sink.user_events[0].payload), "v1");
  EXPECT_TRUE(sink.user_events[0].coalesce);
  auto out = drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], msg);  // passed on exactly as received
}

TEST_F(SerfEvents, DifferentEventsAtTheSameTimeAreBothDelivered) {
  engine->notify_msg(at(seconds(1)), encode(event(3, "deploy", "v1")));
  engine->notify_msg(at(seconds(1)), encode(event(3, "deploy", "v2")));
  engine->notify_msg(at(seconds(1)), encode(event(3, "restart", "v1")));
  EXPECT_EQ(sink.user_events.size(), 3u);
}

TEST_F(SerfEvents, EventsOlderThanTheWindowAreDropped) {
  engine->notify_msg(at(seconds(1)), encode(event(1000, "late", "")));
  ASSERT_EQ(engine->event_clock().time(), 1001u);
  // 1001 - 512 = 489: anything below is out of the window.
  engine->notify_msg(at(seconds(1)), encode(event(488, "old", "")));
  engine->notify_msg(at(seconds(1)), encode(event(489, "edge", "")));
  ASSERT_EQ(sink.user_events.size(), 2u);
  EXPECT_EQ(sink.user_events[1].name, "edge");
  EXPECT_TRUE(log.contains("received old event old"));
  EXPECT_EQ(drain().size(), 2u);  // the old one is not gossiped either
}

TEST_F(SerfEvents, RestoredClocksAreWitnessedAndOlderEventsNotDeliveredAgain) {
  Config cfg = config_for("a");
  cfg.restore_member_clock = 40;
  cfg.restore_event_clock = 20;
  cfg.restore_query_clock = 7;
  make(cfg);
  EXPECT_GT(engine->clock().time(), 40u);
  EXPECT_GT(engine->event_clock().time(), 20u);
  EXPECT_GT(engine->query_clock().time(), 7u);
  // What the previous run saw arrives again through the cluster's replay.
  engine->notify_msg(at(seconds(1)), encode(event(20, "seen-before-restart", "")));
  engine->notify_msg(at(seconds(1)), encode(event(21, "new", "")));
  ASSERT_EQ(sink.user_events.size(), 1u);
  EXPECT_EQ(sink.user_events[0].name, "new");
}

TEST_F(SerfEvents, ReusedSlotForgetsTheOlderTime) {
  // 5 and 517 share slot 5; once 517 claimed it, 5 is out of the window
  // anyway, and 517 again is a duplicate.
  engine->notify_msg(at(seconds(1)), encode(event(5, "x", "")));
  engine->notify_msg(at(seconds(1)), encode(event(517, "x", "")));
  engine->notify_msg(at(seconds(1)), encode(event(517, "x", "")));
  EXPECT_EQ(sink.user_events.size(), 2u);
}

TEST_F(SerfEvents, OwnEventIsDeliveredLocallyAndQueued) {
  ASSERT_TRUE(engine->user_event(at(seconds(1)), "deploy", as_bytes("v1"), true).ok());
  ASSERT_EQ(sink.user_events.size(), 1u);
  auto out = drain();
  ASSERT_EQ(out.size(), 1u);
  // It comes back by gossip: not delivered again.
  engine->notify_msg(at(seconds(2)), out[0]);
  EXPECT_EQ(sink.user_events.size(), 1u);
}

TEST_F(SerfEvents, SizeLimitsApplyBeforeAndAfterEncoding) {
  // name + payload over 512.
  auto st = engine->user_event(at(seconds(1)), "n", Bytes(512, 'x'), false);
  EXPECT_EQ(st.code(), Err::too_large);
  EXPECT_NE(st.message().find("before encoding"), std::string::npos);
  // 510 raw bytes fit, but the encoded message (~530) does not.
  st = engine->user_event(at(seconds(1)), "n", Bytes(509, 'x'), false);
  EXPECT_EQ(st.code(), Err::too_large);
  EXPECT_NE(st.message().find("after encoding"), std::string::npos);
  EXPECT_TRUE(sink.user_events.empty());
  EXPECT_EQ(engine->event_clock().time(), 1u);  // refused events use no time
  EXPECT_TRUE(engine->user_event(at(seconds(1)), "n", Bytes(400, 'x'), false).ok());
}

TEST_F(SerfEvents, ConfiguredLimitAboveSerfsCapIsRejected) {
  Config cfg = config_for("a");
  cfg.user_event_size_limit = 10 * 1024;
  EXPECT_NE(validate(cfg).find("user_event_size_limit"), std::string::npos);
}

TEST(SerfEventBuffer, IgnoreMarkDropsSilently) {
  EventBuffer b(512);
  b.set_min_time(10);
  EXPECT_EQ(b.record(20, 9, std::nullopt, "x"), Dedup::too_old);
  EXPECT_EQ(b.record(20, 10, std::nullopt, "x"), Dedup::fresh);
  // nil and empty payloads are the same event (Go bytes.Equal).
  EXPECT_EQ(b.record(20, 10, Bytes{}, "x"), Dedup::duplicate);
  EXPECT_EQ(b.occupied().size(), 1u);
}

TEST(SerfEventBuffer, SlotsAreReusedAndTheRingStaysBounded) {
  EventBuffer b(512);
  EXPECT_TRUE(b.occupied().empty());
  // 600 and 88 share slot 88: the later claim drops what the other left.
  EXPECT_EQ(b.record(600, 600, Bytes{'p'}, "a"), Dedup::fresh);
  EXPECT_EQ(b.record(600, 600, Bytes{'p'}, "a"), Dedup::duplicate);
  EXPECT_EQ(b.record(600, 88, Bytes{'p'}, "a"), Dedup::fresh);
  EXPECT_EQ(b.record(600, 600, Bytes{'p'}, "a"), Dedup::fresh);
  ASSERT_EQ(b.occupied().size(), 1u);
  EXPECT_EQ(b.occupied()[0]->ltime, 600u);
  // However many times are seen, at most one slot per ring position.
  for (LamportTime t = 1; t <= 2000; ++t) EXPECT_EQ(b.record(t, t, std::nullopt, "e"), Dedup::fresh);
  EXPECT_EQ(b.occupied().size(), 512u);
  EXPECT_EQ(b.capacity(), 512u);
  // Slots come out in ring order, as the dense ring listed them.
  const auto slots = b.occupied();
  for (std::size_t i = 1; i < slots.size(); ++i) EXPECT_LT(slots[i - 1]->ltime % 512, slots[i]->ltime % 512);
}

TEST(SerfQueryBuffer, DeduplicatesByTimeAndId) {
  QueryBuffer b(512);
  EXPECT_EQ(b.record(10, 5, 77), Dedup::fresh);
  EXPECT_EQ(b.record(10, 5, 77), Dedup::duplicate);
  EXPECT_EQ(b.record(10, 5, 78), Dedup::fresh);
  EXPECT_EQ(b.record(1000, 5, 79), Dedup::too_old);
  // 5 and 517 share a slot: the later claim forgets the ids seen at 5.
  EXPECT_EQ(b.record(600, 517, 77), Dedup::fresh);
  EXPECT_EQ(b.record(600, 517, 77), Dedup::duplicate);
}

}  // namespace
}  // namespace wkd::serf
