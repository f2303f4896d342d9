// Lamport clocks: increment, witness, and the three clocks of an engine
// starting at 1 and moving as serf's do.
#include "serf/lamport.hpp"

#include <gtest/gtest.h>

#include "serf_fixture.hpp"

namespace wkd::serf {
namespace {

using namespace testing;

TEST(SerfLamport, IncrementReturnsTheNewTime) {
  LamportClock c;
  EXPECT_EQ(c.time(), 0u);
  EXPECT_EQ(c.increment(), 1u);
  EXPECT_EQ(c.increment(), 2u);
  EXPECT_EQ(c.time(), 2u);
}

TEST(SerfLamport, WitnessMovesPastNewerTimesOnly) {
  LamportClock c;
  c.increment();  // 1
  c.witness(10);
  EXPECT_EQ(c.time(), 11u);  // strictly ahead of what was seen
  c.witness(11);
  EXPECT_EQ(c.time(), 12u);  // equal counts as newer
  c.witness(5);
  EXPECT_EQ(c.time(), 12u);  // older: unchanged
}

TEST_F(EngineFixture, ClocksStartAtOne) {
  EXPECT_EQ(engine->clock().time(), 1u);
  EXPECT_EQ(engine->event_clock().time(), 1u);
  EXPECT_EQ(engine->query_clock().time(), 1u);
}

TEST_F(EngineFixture, UserEventStampsThenIncrements) {
  ASSERT_TRUE(engine->user_event(at(seconds(1)), "deploy", as_bytes("v1"), false).ok());
  ASSERT_EQ(sink.user_events.size(), 1u);
  EXPECT_EQ(sink.user_events[0].ltime, 1u);
  // Stamped 1, incremented to 2, then witnessing its own 1 leaves it at 2.
  EXPECT_EQ(engine->event_clock().time(), 2u);
  EXPECT_EQ(engine->clock().time(), 1u);  // other clocks untouched
}

TEST_F(EngineFixture, ReceivedIntentIsWitnessed) {
  engine->notify_msg(at(seconds(1)), encode(wire::SerfJoin{41, "b"}));
  EXPECT_EQ(engine->clock().time(), 42u);
  EXPECT_EQ(engine->event_clock().time(), 1u);
}

}  // namespace
}  // namespace wkd::serf
