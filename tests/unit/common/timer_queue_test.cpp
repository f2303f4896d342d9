// The engine's timer queue: deadline order with ties in scheduling order,
// cancel and pending by id (an old id never touches a newer timer in the
// same slot), timers scheduled by callbacks, and a heap that stays bounded
// when timers are cancelled far more often than they fire.
#include "common/timer_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wkd {
namespace {

TimePoint at_ms(int ms) { return TimePoint(std::chrono::milliseconds(ms)); }

TEST(TimerQueue, RunsByDeadlineAndTiesInSchedulingOrder) {
  TimerQueue q;
  std::vector<std::string> ran;
  q.schedule(at_ms(30), [&](TimePoint) { ran.push_back("c"); });
  q.schedule(at_ms(10), [&](TimePoint) { ran.push_back("a1"); });
  q.schedule(at_ms(20), [&](TimePoint) { ran.push_back("b"); });
  q.schedule(at_ms(10), [&](TimePoint) { ran.push_back("a2"); });
  q.schedule(at_ms(10), [&](TimePoint) { ran.push_back("a3"); });
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.next(), at_ms(10));
  q.run_due(at_ms(9));
  EXPECT_TRUE(ran.empty());
  q.run_due(at_ms(20));
  EXPECT_EQ(ran, (std::vector<std::string>{"a1", "a2", "a3", "b"}));
  EXPECT_EQ(q.next(), at_ms(30));
  TimePoint seen{};
  q.schedule(at_ms(25), [&](TimePoint now) { seen = now; });
  q.run_due(at_ms(40));
  EXPECT_EQ(seen, at_ms(40));  // a callback gets the time run_due was called with
  EXPECT_EQ(ran.back(), "c");
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.next(), TimePoint::max());
}

TEST(TimerQueue, CancelAndPendingByIdAndAnOldIdNeverReachesANewTimer) {
  TimerQueue q;
  int fired = 0;
  const TimerQueue::Id a = q.schedule(at_ms(10), [&](TimePoint) { fired += 1; });
  const TimerQueue::Id b = q.schedule(at_ms(5), [&](TimePoint) { fired += 10; });
  EXPECT_NE(a, 0u);
  EXPECT_NE(b, 0u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(q.pending(a));
  q.cancel(b);
  EXPECT_FALSE(q.pending(b));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.next(), at_ms(10));  // the cancelled earlier one is not the next
  // c takes b's slot; b's id must not cancel it, nor report it pending.
  const TimerQueue::Id c = q.schedule(at_ms(7), [&](TimePoint) { fired += 100; });
  EXPECT_NE(c, b);
  EXPECT_FALSE(q.pending(b));
  q.cancel(b);
  EXPECT_TRUE(q.pending(c));
  q.cancel(0);
  q.cancel(~TimerQueue::Id{0});
  q.run_due(at_ms(10));
  EXPECT_EQ(fired, 101);
  // Fired ids are no longer pending and cancelling them does nothing.
  EXPECT_FALSE(q.pending(a));
  EXPECT_FALSE(q.pending(c));
  const TimerQueue::Id d = q.schedule(at_ms(20), [&](TimePoint) { fired += 1000; });
  q.cancel(a);
  q.cancel(c);
  EXPECT_TRUE(q.pending(d));
  q.run_due(at_ms(20));
  EXPECT_EQ(fired, 1101);
}

TEST(TimerQueue, ACallbackMayScheduleAndADueOneRunsInTheSamePass) {
  TimerQueue q;
  std::vector<int> ran;
  // A ticker that re-arms itself, as the probe ticker does.
  std::function<void(TimePoint)> tick = [&](TimePoint now) {
    ran.push_back(static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()));
    if (ran.size() < 3) q.schedule(now, tick);  // due now: runs in this pass
  };
  q.schedule(at_ms(1), tick);
  q.run_due(at_ms(2));
  EXPECT_EQ(ran, (std::vector<int>{2, 2, 2}));
  // A callback that cancels another pending timer.
  bool later_ran = false;
  const TimerQueue::Id later = q.schedule(at_ms(6), [&](TimePoint) { later_ran = true; });
  q.schedule(at_ms(5), [&](TimePoint) { q.cancel(later); });
  q.run_due(at_ms(10));
  EXPECT_FALSE(later_ran);
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimerQueue, CancelledTimersDoNotPileUp) {
  TimerQueue q;
  // One long timer stays; a probe-like pair is scheduled and cancelled
  // 10,000 times, far in the future so that none reaches the top.
  q.schedule(at_ms(1'000'000), [](TimePoint) {});
  for (int i = 0; i < 10'000; ++i) {
    const TimerQueue::Id t1 = q.schedule(at_ms(500'000 + i), [](TimePoint) {});
    const TimerQueue::Id t2 = q.schedule(at_ms(600'000 + i), [](TimePoint) {});
    q.cancel(t1);
    q.cancel(t2);
  }
  EXPECT_EQ(q.size(), 1u);
  EXPECT_LE(q.heap_entries(), 130u);
  EXPECT_EQ(q.next(), at_ms(1'000'000));
}

TEST(TimerQueue, ClearCancelsEverythingAndOldIdsStayDead) {
  TimerQueue q;
  bool ran = false;
  const TimerQueue::Id a = q.schedule(at_ms(1), [&](TimePoint) { ran = true; });
  q.clear();
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.pending(a));
  const TimerQueue::Id b = q.schedule(at_ms(2), [&](TimePoint) { ran = true; });
  q.cancel(a);  // a's slot now holds b
  EXPECT_TRUE(q.pending(b));
  q.run_due(at_ms(2));
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace wkd
