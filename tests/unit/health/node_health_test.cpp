// The node's health from its checks: the hysteresis that keeps a flapping
// input from moving the output, and the limiter of self-healing actions
// (one per instance per interval, a cap per minute).
#include "health/node_health.hpp"

#include <gtest/gtest.h>

namespace wkd::health {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TimePoint at(Duration d) { return TimePoint{} + d; }

TEST(NodeHealthWorst, CriticalOverWarningOverPassing) {
  EXPECT_EQ(worst(CheckState::passing, CheckState::warning), CheckState::warning);
  EXPECT_EQ(worst(CheckState::critical, CheckState::warning), CheckState::critical);
  EXPECT_EQ(worst(CheckState::passing, CheckState::passing), CheckState::passing);
}

TEST(Hysteresis, FlappingEverySecondNeverMovesTheOutput) {
  Hysteresis h(seconds(30));
  int changes = 0;
  CheckState last = h.output();
  for (int i = 0; i < 600; ++i) {
    const CheckState in = i % 2 == 0 ? CheckState::critical : CheckState::passing;
    CheckState out = h.input(at(seconds(i)), in);
    // The timer fires too, as a loop would between inputs.
    if (h.next_deadline() <= at(seconds(i + 1))) out = h.on_timer(h.next_deadline());
    if (out != last) ++changes;
    last = out;
  }
  EXPECT_EQ(changes, 0);
  EXPECT_EQ(h.output(), CheckState::passing);
}

TEST(Hysteresis, SustainedChangeMovesTheOutputOnceAfterTheHold) {
  Hysteresis h(seconds(30));
  EXPECT_EQ(h.input(at(seconds(0)), CheckState::critical), CheckState::passing);
  EXPECT_EQ(h.next_deadline(), at(seconds(30)));
  // The same input again does not restart the wait.
  EXPECT_EQ(h.input(at(seconds(10)), CheckState::critical), CheckState::passing);
  EXPECT_EQ(h.on_timer(at(seconds(29))), CheckState::passing);
  EXPECT_EQ(h.on_timer(at(seconds(30))), CheckState::critical);
  EXPECT_EQ(h.next_deadline(), TimePoint::max());
  EXPECT_EQ(h.input(at(seconds(31)), CheckState::critical), CheckState::critical);
  // Recovery holds as long.
  EXPECT_EQ(h.input(at(seconds(40)), CheckState::passing), CheckState::critical);
  EXPECT_EQ(h.on_timer(at(seconds(69))), CheckState::critical);
  EXPECT_EQ(h.on_timer(at(seconds(70))), CheckState::passing);
}

TEST(Hysteresis, AThirdStateStartsTheWaitOver) {
  Hysteresis h(seconds(30));
  h.input(at(seconds(0)), CheckState::critical);
  h.input(at(seconds(20)), CheckState::warning);
  EXPECT_EQ(h.on_timer(at(seconds(30))), CheckState::passing);
  EXPECT_EQ(h.on_timer(at(seconds(50))), CheckState::warning);
}

TEST(Hysteresis, ZeroHoldFollowsAtOnce) {
  Hysteresis h(Duration::zero());
  EXPECT_EQ(h.input(at(seconds(1)), CheckState::warning), CheckState::warning);
  EXPECT_EQ(h.input(at(seconds(1)), CheckState::passing), CheckState::passing);
}

const registry::InstanceKey kA{"orders", "a"};
const registry::InstanceKey kB{"orders", "b"};

TEST(HealLimiter, OnePerInstancePerInterval) {
  HealLimiter l(HealLimits{seconds(60), 100});
  EXPECT_TRUE(l.allow(at(seconds(0)), kA));
  // A flapping instance turning critical every second.
  int allowed = 0;
  for (int i = 1; i < 180; ++i) allowed += l.allow(at(seconds(i)), kA) ? 1 : 0;
  EXPECT_EQ(allowed, 2);  // at 60 s and at 120 s
  EXPECT_TRUE(l.allow(at(seconds(5)), kB));
  EXPECT_EQ(l.stats().allowed, 4u);
  EXPECT_EQ(l.stats().limited_instance, 177u);
}

TEST(HealLimiter, GlobalCapPerMinute) {
  HealLimiter l(HealLimits{seconds(60), 3});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(l.allow(at(seconds(i)), registry::InstanceKey{"s", std::to_string(i)}));
  }
  EXPECT_FALSE(l.allow(at(seconds(10)), registry::InstanceKey{"s", "x"}));
  EXPECT_EQ(l.stats().limited_global, 1u);
  // A minute after the first, one slot is free again.
  EXPECT_TRUE(l.allow(at(seconds(60)), registry::InstanceKey{"s", "x"}));
  EXPECT_FALSE(l.allow(at(seconds(60)), registry::InstanceKey{"s", "y"}));
}

TEST(HealLimiter, ForgetsInstancesWhoseIntervalEnded) {
  HealLimiter l(HealLimits{milliseconds(100), 1000});
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(l.allow(at(milliseconds(i)), registry::InstanceKey{"s", std::to_string(i)}));
  EXPECT_EQ(l.tracked(), 50u);
  EXPECT_TRUE(l.allow(at(seconds(1)), kA));
  EXPECT_EQ(l.tracked(), 1u);
}

}  // namespace
}  // namespace wkd::health
