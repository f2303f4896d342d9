// The check scheduler: first runs spread over the first interval, runs
// every interval that never overlap, timeouts, thresholds turned into the
// instance's state (the worst of its checks), TTLs, the start grace and
// deregistration after staying critical.
#include "health/scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace wkd::health {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Inside a TEST, Run names gtest's own member.
using CheckRun = health::Run;

const registry::InstanceKey kOrders{"orders", "o-1"};

CheckSpec http(Duration interval = seconds(1), Duration timeout = milliseconds(500)) {
  CheckSpec s;
  s.kind = CheckKind::http;
  s.target = "http://127.0.0.1:8080/health";
  s.interval = interval;
  s.timeout = timeout;
  return s;
}

CheckSpec ttl_spec(Duration ttl) {
  CheckSpec s;
  s.kind = CheckKind::ttl;
  s.target.clear();
  s.ttl = ttl;
  return s;
}

// A scheduler on a test clock.
struct Fixture {
  Rng rng{42};
  Scheduler sched{rng};
  TimePoint now{};

  // Advances to `until`, firing every deadline on the way; returns the runs
  // handed out.
  std::vector<CheckRun> run_until(TimePoint until) {
    std::vector<CheckRun> out;
    while (sched.next_deadline() <= until) {
      now = std::max(now, sched.next_deadline());
      for (CheckRun& r : sched.on_timer(now)) out.push_back(std::move(r));
    }
    now = until;
    return out;
  }
  std::vector<CheckRun> advance(Duration d) { return run_until(now + d); }
  // Runs until the next run of any check and returns it.
  CheckRun next_run() {
    for (int guard = 0; guard < 1000; ++guard) {
      const TimePoint t = sched.next_deadline();
      EXPECT_NE(t, TimePoint::max());
      if (t == TimePoint::max()) return {};
      now = std::max(now, t);
      auto runs = sched.on_timer(now);
      if (!runs.empty()) return runs.front();
    }
    ADD_FAILURE() << "no run came";
    return {};
  }
  std::vector<CheckState> states() {
    std::vector<CheckState> out;
    for (const Report& r : sched.take_reports()) out.push_back(r.state);
    return out;
  }
};

TEST(HealthScheduler, FirstRunsAreSpreadOverTheFirstInterval) {
  Fixture f;
  constexpr int kChecks = 1000;
  for (int i = 0; i < kChecks; ++i) {
    ASSERT_TRUE(f.sched.add(f.now, registry::InstanceKey{"svc", "i" + std::to_string(i)}, http(seconds(10), seconds(1))).ok());
  }
  std::map<std::int64_t, int> per_window;  // 100 ms windows
  std::map<std::string, int> runs_of;
  while (f.sched.next_deadline() < TimePoint{} + seconds(10)) {
    f.now = f.sched.next_deadline();
    for (const CheckRun& r : f.sched.on_timer(f.now)) {
      ++per_window[to_ms(f.now - TimePoint{}) / 100];
      ++runs_of[r.key.instance.id];
      f.sched.complete(f.now, r.id, CheckResult{CheckState::passing, "ok"});
    }
  }
  EXPECT_EQ(runs_of.size(), static_cast<std::size_t>(kChecks));  // each ran once
  for (const auto& [id, n] : runs_of) EXPECT_EQ(n, 1) << id;
  int busiest = 0;
  for (const auto& [w, n] : per_window) busiest = std::max(busiest, n);
  EXPECT_LE(busiest, kChecks * 5 / 100) << "a 100 ms window holds " << busiest << " of " << kChecks << " first runs";
  EXPECT_GE(per_window.size(), 90u);  // nearly every window of the 10 s has some
}

TEST(HealthScheduler, RunsComeEveryIntervalAndTimeOut) {
  Fixture f;
  ASSERT_TRUE(f.sched.add(f.now, kOrders, http(seconds(1), milliseconds(300))).ok());
  const CheckRun first = f.next_run();
  ASSERT_NE(first.id, 0u);
  EXPECT_EQ(first.key, (CheckKey{kOrders, "http"}));
  EXPECT_EQ(first.spec->target, "http://127.0.0.1:8080/health");
  EXPECT_EQ(first.deadline, f.now + milliseconds(300));
  const TimePoint t1 = f.now;
  ASSERT_TRUE(f.sched.complete(f.now, first.id, CheckResult{CheckState::passing, "200 OK"}));
  EXPECT_FALSE(f.sched.complete(f.now, first.id, CheckResult{}));  // once only
  EXPECT_EQ(f.states(), std::vector<CheckState>{CheckState::passing});
  const CheckRun second = f.next_run();
  EXPECT_EQ(f.now, t1 + seconds(1));
  // Not answered: critical at its deadline, and a late answer is ignored.
  EXPECT_TRUE(f.advance(milliseconds(300)).empty());
  EXPECT_EQ(f.states(), std::vector<CheckState>{CheckState::critical});
  const CheckStatus* st = f.sched.status(CheckKey{kOrders, "http"});
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->last.output, "timed out after 300 ms");
  EXPECT_EQ(st->failures, 1u);
  EXPECT_FALSE(st->running);
  EXPECT_FALSE(f.sched.complete(f.now, second.id, CheckResult{CheckState::passing, "late"}));
  f.next_run();
  EXPECT_EQ(f.now, t1 + seconds(2));
}

TEST(HealthScheduler, ARunStillGoingSkipsItsNextTurn) {
  Fixture f;
  ASSERT_TRUE(f.sched.add(f.now, kOrders, http(seconds(1), seconds(1))).ok());
  const CheckRun first = f.next_run();
  const TimePoint t1 = f.now;
  EXPECT_EQ(f.sched.running(), 1u);
  // At t1 + 1 s the run times out and the next is due: one run at a time.
  const auto runs = f.advance(seconds(1));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_NE(runs[0].id, first.id);
  EXPECT_EQ(f.sched.running(), 1u);
  EXPECT_EQ(f.now, t1 + seconds(1));
}

TEST(HealthScheduler, TheInstanceReportsTheWorstOfItsChecks) {
  Fixture f;
  CheckSpec a = http();
  a.id = "web";
  CheckSpec b = http();
  b.id = "db";
  ASSERT_TRUE(f.sched.add(f.now, kOrders, a).ok());
  ASSERT_TRUE(f.sched.add(f.now, kOrders, b).ok());
  const auto dup = f.sched.add(f.now, kOrders, b);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.code(), registry::Err::failed_precondition);
  std::map<std::string, CheckRun> got;
  while (got.size() < 2) {
    const CheckRun r = f.next_run();
    got[r.key.check] = r;
  }
  ASSERT_TRUE(f.sched.complete(f.now, got["web"].id, CheckResult{CheckState::passing, ""}));
  ASSERT_TRUE(f.sched.complete(f.now, got["db"].id, CheckResult{CheckState::warning, "slow"}));
  auto reports = f.sched.take_reports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].state, CheckState::passing);
  EXPECT_TRUE(reports[0].changed);
  EXPECT_EQ(reports[1].state, CheckState::warning);
  EXPECT_TRUE(reports[1].changed);
  // Dropping the warning check leaves the instance passing.
  EXPECT_EQ(f.sched.remove(kOrders, "db"), 1u);
  reports = f.sched.take_reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].state, CheckState::passing);
  EXPECT_EQ(f.sched.remove_instance(kOrders), 1u);
  EXPECT_EQ(f.sched.size(), 0u);
  EXPECT_EQ(f.sched.next_deadline(), TimePoint::max());
}

TEST(HealthScheduler, ThresholdsDecideWhenTheStateMoves) {
  Fixture f;
  CheckSpec s = http();
  s.success_before_passing = 2;
  s.failures_before_critical = 3;
  ASSERT_TRUE(f.sched.add(f.now, kOrders, s).ok());
  auto result = [&](CheckState st) {
    const CheckRun r = f.next_run();
    ASSERT_TRUE(f.sched.complete(f.now, r.id, CheckResult{st, ""}));
  };
  result(CheckState::passing);
  EXPECT_TRUE(f.sched.take_reports().empty());  // one success of two
  result(CheckState::passing);
  EXPECT_EQ(f.states(), std::vector<CheckState>{CheckState::passing});
  result(CheckState::critical);
  result(CheckState::critical);
  auto reports = f.sched.take_reports();
  ASSERT_EQ(reports.size(), 2u);  // still passing, not changed
  EXPECT_FALSE(reports[1].changed);
  EXPECT_EQ(reports[1].state, CheckState::passing);
  result(CheckState::critical);
  reports = f.sched.take_reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].state, CheckState::critical);
  EXPECT_TRUE(reports[0].changed);
}

TEST(HealthScheduler, CriticalForTooLongDeregisters) {
  Fixture f;
  CheckSpec s = http();
  s.deregister_critical_after = seconds(3);
  ASSERT_TRUE(f.sched.add(f.now, kOrders, s).ok());
  CheckRun r = f.next_run();
  f.sched.complete(f.now, r.id, CheckResult{CheckState::critical, "500"});
  const TimePoint critical_at = f.now;
  // A recovery in between restarts the count.
  r = f.next_run();
  f.sched.complete(f.now, r.id, CheckResult{CheckState::passing, "200"});
  r = f.next_run();
  f.sched.complete(f.now, r.id, CheckResult{CheckState::critical, "500"});
  const TimePoint again = f.now;
  EXPECT_GT(again, critical_at);
  // Failing on: deregistered 3 s after it turned critical again, not before.
  std::vector<registry::InstanceKey> gone;
  while (gone.empty() && f.now < again + seconds(10)) {
    for (const CheckRun& next : f.advance(milliseconds(100))) {
      f.sched.complete(f.now, next.id, CheckResult{CheckState::critical, "500"});
    }
    gone = f.sched.take_deregistrations();
  }
  EXPECT_EQ(gone, std::vector<registry::InstanceKey>{kOrders});
  EXPECT_EQ(f.sched.size(), 0u);
  EXPECT_GE(f.now, again + seconds(3));
  EXPECT_LT(f.now, again + seconds(4));
}

TEST(HealthScheduler, DeregistrationIsHandedOut) {
  Fixture f;
  CheckSpec s = http();
  s.deregister_critical_after = seconds(2);
  ASSERT_TRUE(f.sched.add(f.now, kOrders, s).ok());
  CheckRun r = f.next_run();
  f.sched.complete(f.now, r.id, CheckResult{CheckState::critical, "500"});
  f.advance(seconds(2));
  EXPECT_EQ(f.sched.take_deregistrations(), std::vector<registry::InstanceKey>{kOrders});
  EXPECT_EQ(f.sched.size(), 0u);
  EXPECT_EQ(f.sched.running(), 0u);
}

TEST(HealthScheduler, TheStartGraceKeepsFailuresBack) {
  Fixture f;
  CheckSpec s = http();
  s.start_grace = seconds(5);
  ASSERT_TRUE(f.sched.add(f.now, kOrders, s).ok());
  CheckRun r = f.next_run();
  f.sched.complete(f.now, r.id, CheckResult{CheckState::critical, "connection refused"});
  EXPECT_TRUE(f.sched.take_reports().empty());
  // The grace ends with the instance still failing: now it counts.
  for (const CheckRun& next : f.run_until(TimePoint{} + seconds(5))) {
    f.sched.complete(f.now, next.id, CheckResult{CheckState::critical, "connection refused"});
  }
  bool critical = false;
  for (const Report& rep : f.sched.take_reports()) critical = critical || rep.state == CheckState::critical;
  EXPECT_TRUE(critical);

  // Passing once ends the grace early: a later failure counts at once.
  Fixture g;
  ASSERT_TRUE(g.sched.add(g.now, kOrders, s).ok());
  r = g.next_run();
  g.sched.complete(g.now, r.id, CheckResult{CheckState::passing, ""});
  EXPECT_EQ(g.states(), std::vector<CheckState>{CheckState::passing});
  r = g.next_run();
  ASSERT_LT(g.now, TimePoint{} + seconds(5));
  g.sched.complete(g.now, r.id, CheckResult{CheckState::critical, ""});
  EXPECT_EQ(g.states(), std::vector<CheckState>{CheckState::critical});
}

TEST(HealthScheduler, TtlChecksAreReportedAndExpire) {
  Fixture f;
  ASSERT_TRUE(f.sched.add(f.now, kOrders, ttl_spec(seconds(10))).ok());
  const CheckKey key{kOrders, "ttl"};
  EXPECT_TRUE(f.advance(seconds(5)).empty());  // never run
  ASSERT_TRUE(f.sched.report_ttl(f.now, key, CheckResult{CheckState::passing, "alive"}).ok());
  EXPECT_EQ(f.states(), std::vector<CheckState>{CheckState::passing});
  f.advance(seconds(9));
  EXPECT_TRUE(f.sched.take_reports().empty());
  ASSERT_TRUE(f.sched.report_ttl(f.now, key, CheckResult{CheckState::warning, "degraded"}).ok());
  EXPECT_EQ(f.states(), std::vector<CheckState>{CheckState::warning});
  f.advance(seconds(10));
  EXPECT_EQ(f.states(), std::vector<CheckState>{CheckState::critical});
  EXPECT_NE(f.sched.status(key)->last.output.find("TTL expired"), std::string::npos);
  // Refusals.
  EXPECT_EQ(f.sched.report_ttl(f.now, CheckKey{kOrders, "nope"}, {}).code(), registry::Err::not_found);
  ASSERT_TRUE(f.sched.add(f.now, kOrders, http()).ok());
  EXPECT_EQ(f.sched.report_ttl(f.now, CheckKey{kOrders, "http"}, {}).code(), registry::Err::failed_precondition);
}

TEST(HealthScheduler, OutputIsKeptToItsCap) {
  Fixture f;
  ASSERT_TRUE(f.sched.add(f.now, kOrders, http()).ok());
  const CheckRun r = f.next_run();
  f.sched.complete(f.now, r.id, CheckResult{CheckState::passing, std::string(100000, 'x')});
  EXPECT_EQ(f.sched.status(CheckKey{kOrders, "http"})->last.output.size(), kMaxOutput);
}

TEST(HealthScheduler, AnInvalidSpecIsRefusedNamingTheField) {
  Fixture f;
  CheckSpec s = http();
  s.interval = milliseconds(1);
  const auto st = f.sched.add(f.now, kOrders, s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), registry::Err::invalid_argument);
  EXPECT_NE(st.message().find("interval"), std::string::npos);
  EXPECT_EQ(f.sched.size(), 0u);
}

}  // namespace
}  // namespace wkd::health

namespace wkd::health {
namespace {

TEST(HealthScheduler, RunNowHandsOutTheInstancesChecksAtOnce) {
  Fixture f;
  ASSERT_TRUE(f.sched.add(f.now, kOrders, http(seconds(60))).ok());
  CheckSpec second = http(seconds(60));
  second.id = "second";
  ASSERT_TRUE(f.sched.add(f.now, kOrders, second).ok());
  ASSERT_TRUE(f.sched.add(f.now, kOrders, ttl_spec(seconds(60))).ok());
  const registry::InstanceKey other{"orders", "o-2"};
  ASSERT_TRUE(f.sched.add(f.now, other, http(seconds(60))).ok());
  // Every first run, each completed at once: the next runs (and the TTL's
  // expiry) are later than now.
  for (int i = 0; i < 3; ++i) {
    const CheckRun r = f.next_run();
    ASSERT_TRUE(f.sched.complete(f.now, r.id, CheckResult{CheckState::passing, "ok"}));
  }
  ASSERT_GT(f.sched.next_deadline(), f.now);
  // The two checks that run; the TTL check is never run; the other
  // instance is left alone.
  EXPECT_EQ(f.sched.run_now(f.now, kOrders), 2u);
  EXPECT_EQ(f.sched.next_deadline(), f.now);
  const auto runs = f.sched.on_timer(f.now);
  ASSERT_EQ(runs.size(), 2u);
  for (const CheckRun& r : runs) EXPECT_EQ(r.key.instance, kOrders);
  // A run in flight is not doubled.
  EXPECT_EQ(f.sched.run_now(f.now, kOrders), 2u);
  EXPECT_TRUE(f.sched.on_timer(f.now).empty());
  EXPECT_EQ(f.sched.running(), 2u);
  // Unknown instances and TTL-only instances have nothing to run.
  EXPECT_EQ(f.sched.run_now(f.now, registry::InstanceKey{"orders", "nope"}), 0u);
  const registry::InstanceKey ttl_only{"orders", "o-3"};
  ASSERT_TRUE(f.sched.add(f.now, ttl_only, ttl_spec(seconds(60))).ok());
  EXPECT_EQ(f.sched.run_now(f.now, ttl_only), 0u);
}

}  // namespace
}  // namespace wkd::health
