#include "support/sim_clock.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/rng.hpp"

namespace wkd::sim {
namespace {

TimePoint ms(std::int64_t v) { return TimePoint{} + milliseconds(v); }

TEST(SimClock, RunsEventsInTimeOrder) {
  SimClock clock;
  std::vector<int> order;
  clock.post(ms(30), [&] { order.push_back(30); });
  clock.post(ms(10), [&] { order.push_back(10); });
  clock.post(ms(20), [&] { order.push_back(20); });
  EXPECT_EQ(clock.next_time(), ms(10));
  clock.run_for(seconds(1));
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(clock.now(), ms(1000));
}

TEST(SimClock, EqualTimesRunInPostingOrder) {
  SimClock clock;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) clock.post(ms(5), [&order, i] { order.push_back(i); });
  clock.run_for(ms(5) - TimePoint{});
  ASSERT_EQ(order.size(), 100u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST(SimClock, EventsPostedForNowRunAfterWhatIsQueued) {
  SimClock clock;
  std::vector<std::string> order;
  clock.post(ms(1), [&] {
    order.push_back("a");
    clock.post(clock.now(), [&] { order.push_back("c"); });
    clock.post(ms(0), [&] { order.push_back("d (past, runs now)"); });
  });
  clock.post(ms(1), [&] { order.push_back("b"); });
  clock.run_for(milliseconds(2));
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "d (past, runs now)"}));
}

TEST(SimClock, TimersAndEventsShareOneOrder) {
  SimClock clock;
  std::vector<std::string> order;
  SimClock::Timer t(clock, [&] { order.push_back("timer"); });
  clock.post(ms(10), [&] { order.push_back("event-before"); });
  t.arm(ms(10));
  clock.post(ms(10), [&] { order.push_back("event-after"); });
  clock.post(ms(5), [&] { order.push_back("early"); });
  clock.run_for(milliseconds(20));
  EXPECT_EQ(order, (std::vector<std::string>{"early", "event-before", "timer", "event-after"}));
}

TEST(SimClock, RearmMovesATimerAndDisarmCancelsIt) {
  SimClock clock;
  std::vector<TimePoint> fired;
  SimClock::Timer t(clock, [&] { fired.push_back(clock.now()); });
  t.arm(ms(100));
  t.arm(ms(40));
  EXPECT_TRUE(t.armed());
  EXPECT_EQ(clock.pending(), 1u);
  clock.run_for(milliseconds(50));
  EXPECT_EQ(fired, std::vector<TimePoint>{ms(40)});
  EXPECT_FALSE(t.armed());
  t.arm(ms(70));
  t.disarm();
  clock.run_for(milliseconds(100));
  EXPECT_EQ(fired.size(), 1u);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(SimClock, ATimerMayRearmItselfWhileFiring) {
  SimClock clock;
  int fires = 0;
  std::unique_ptr<SimClock::Timer> t;
  t = std::make_unique<SimClock::Timer>(clock, [&] {
    ++fires;
    t->arm(clock.now() + milliseconds(10));
  });
  t->arm(ms(10));
  clock.run_for(milliseconds(95));
  EXPECT_EQ(fires, 9);
}

TEST(SimClock, ManyTimersFireInDeadlineOrder) {
  // Random arms, re-arms and disarms of many timers against a plain model.
  SimClock clock;
  Rng rng(7);
  constexpr int kTimers = 500;
  std::vector<std::pair<TimePoint, int>> fired;
  std::vector<std::unique_ptr<SimClock::Timer>> timers;
  std::vector<TimePoint> expected(kTimers, TimePoint::max());
  for (int i = 0; i < kTimers; ++i) {
    timers.push_back(std::make_unique<SimClock::Timer>(clock, [&fired, &clock, i] { fired.emplace_back(clock.now(), i); }));
  }
  for (int round = 0; round < 5000; ++round) {
    const auto i = static_cast<int>(rng.below(kTimers));
    if (rng.below(4) == 0) {
      timers[i]->disarm();
      expected[i] = TimePoint::max();
    } else {
      const TimePoint at = ms(static_cast<std::int64_t>(1 + rng.below(100000)));
      timers[i]->arm(at);
      expected[i] = at;
    }
  }
  clock.run_for(seconds(200));
  std::vector<TimePoint> want;
  for (auto t : expected) {
    if (t != TimePoint::max()) want.push_back(t);
  }
  std::sort(want.begin(), want.end());
  ASSERT_EQ(fired.size(), want.size());
  for (std::size_t k = 0; k < fired.size(); ++k) {
    EXPECT_EQ(fired[k].first, want[k]);
    EXPECT_EQ(expected[fired[k].second], fired[k].first);
  }
}

TEST(SimClock, RunForAdvancesTimeWhenIdle) {
  SimClock clock;
  EXPECT_FALSE(clock.step());
  clock.run_for(seconds(3));
  EXPECT_EQ(clock.now(), ms(3000));
  EXPECT_EQ(clock.next_time(), TimePoint::max());
}

TEST(SimClock, StepRunsOneEntry) {
  SimClock clock;
  int n = 0;
  clock.post(ms(1), [&] { ++n; });
  clock.post(ms(2), [&] { ++n; });
  EXPECT_TRUE(clock.step());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(clock.now(), ms(1));
  EXPECT_TRUE(clock.step());
  EXPECT_FALSE(clock.step());
  EXPECT_EQ(clock.entries_run(), 2u);
}

TEST(SimClock, RunUntilStopsAtTheInstantThePredicateHolds) {
  SimClock clock;
  int value = 0;
  for (int i = 1; i <= 10; ++i) clock.post(ms(i * 100), [&] { ++value; });
  EXPECT_TRUE(clock.run_until([&] { return value == 4; }, seconds(10)));
  EXPECT_EQ(clock.now(), ms(400));
  // Not reachable within the limit: false, and the clock stands at the limit.
  EXPECT_FALSE(clock.run_until([&] { return value == 100; }, milliseconds(250)));
  EXPECT_EQ(clock.now(), ms(650));
  EXPECT_EQ(value, 6);
}

TEST(SimClock, RunUntilWithPollChecksOnAGrid) {
  SimClock clock;
  bool flag = false;
  clock.post(ms(123), [&] { flag = true; });
  EXPECT_TRUE(clock.run_until([&] { return flag; }, seconds(1), milliseconds(50)));
  EXPECT_EQ(clock.now(), ms(150));
}

TEST(SimClock, RunUntilChecksBeforeRunningAnything) {
  SimClock clock;
  bool ran = false;
  clock.post(ms(1), [&] { ran = true; });
  EXPECT_TRUE(clock.run_until([] { return true; }, seconds(1)));
  EXPECT_FALSE(ran);
  EXPECT_EQ(clock.now(), TimePoint{});
}

}  // namespace
}  // namespace wkd::sim
