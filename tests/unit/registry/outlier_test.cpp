#include "registry/outlier.hpp"

#include <gtest/gtest.h>

namespace wkd::registry {
namespace {

InstanceKey key(std::string id) { return InstanceKey{"orders", std::move(id)}; }

void fail_n(OutlierDetector& d, const InstanceKey& k, int n, std::int64_t now, std::size_t selectable = 10) {
  for (int i = 0; i < n; ++i) d.report(k, CallOutcome::failure, now, selectable);
}

TEST(Outlier, EjectsAfterConsecutiveFailuresAndRecoversAfterTheBaseTime) {
  OutlierDetector d;  // 5 failures, 30 s base, 300 s max, 10 %
  const InstanceKey a = key("a");
  fail_n(d, a, 4, 1000);
  EXPECT_FALSE(d.ejected(a, 1000));
  EXPECT_EQ(d.failures(a), 4u);
  EXPECT_TRUE(d.report(a, CallOutcome::failure, 1000, 10));
  EXPECT_TRUE(d.ejected(a, 1000));
  EXPECT_EQ(d.ejected_until(a, 1000), 31000);
  EXPECT_TRUE(d.ejected(a, 30999));
  EXPECT_FALSE(d.ejected(a, 31000));
  EXPECT_EQ(d.failures(a), 0u);  // tried again from scratch
}

TEST(Outlier, ASuccessResetsTheCount) {
  OutlierDetector d;
  const InstanceKey a = key("a");
  fail_n(d, a, 4, 0);
  d.report(a, CallOutcome::success, 0, 10);
  EXPECT_EQ(d.failures(a), 0u);
  fail_n(d, a, 4, 0);
  EXPECT_FALSE(d.ejected(a, 0));
  d.report(a, CallOutcome::none, 0, 10);  // no verdict: counts for nothing
  EXPECT_EQ(d.failures(a), 4u);
}

TEST(Outlier, BackoffGrowsWithEachEjectionUpToTheMaximum) {
  OutlierDetector d(OutlierConfig{3, 1000, 2500, 50});
  const InstanceKey a = key("a");
  std::int64_t now = 0;
  const std::int64_t expect[] = {1000, 2000, 2500, 2500};
  for (std::int64_t span : expect) {
    fail_n(d, a, 3, now);
    ASSERT_TRUE(d.ejected(a, now));
    EXPECT_EQ(d.ejected_until(a, now) - now, span);
    now = d.ejected_until(a, now);  // fails again as soon as it is back
    EXPECT_FALSE(d.ejected(a, now));
  }
}

TEST(Outlier, TheMultiplierDecaysWhileTheInstanceStaysHealthy) {
  OutlierDetector d(OutlierConfig{1, 1000, 10000, 50});
  const InstanceKey a = key("a");
  fail_n(d, a, 1, 0);  // 1 s
  fail_n(d, a, 1, 1000);  // 2 s, until 3000
  EXPECT_EQ(d.times_ejected(a, 3000), 2u);
  EXPECT_EQ(d.times_ejected(a, 4000), 1u);
  EXPECT_EQ(d.times_ejected(a, 5000), 0u);
  fail_n(d, a, 1, 5000);
  EXPECT_EQ(d.ejected_until(a, 5000), 6000);  // the base time again
}

TEST(Outlier, FailuresOfCallsMadeBeforeTheEjectionAddNothing) {
  OutlierDetector d(OutlierConfig{2, 1000, 10000, 50});
  const InstanceKey a = key("a");
  fail_n(d, a, 2, 0);
  fail_n(d, a, 5, 500);
  EXPECT_EQ(d.failures(a), 0u);
  EXPECT_EQ(d.ejected_until(a, 500), 1000);
}

TEST(Outlier, MaxEjectionPercentKeepsPartOfTheServiceSelectable) {
  OutlierDetector d(OutlierConfig{1, 1000, 10000, 10});
  // 10 % of 20 is 2.
  for (const char* id : {"a", "b", "c"}) fail_n(d, key(id), 1, 0, 20);
  EXPECT_EQ(d.ejected_count("orders", 0), 2u);
  EXPECT_FALSE(d.ejected(key("c"), 0));
  EXPECT_EQ(d.failures(key("c")), 1u);  // refused: the next failure tries again
  // Once one is back, c's next failure ejects it.
  fail_n(d, key("c"), 1, 1000, 20);
  EXPECT_TRUE(d.ejected(key("c"), 1000));
}

TEST(Outlier, AtLeastOneIsEjectedButNeverTheLast) {
  OutlierDetector d(OutlierConfig{1, 1000, 10000, 10});
  fail_n(d, key("a"), 1, 0, 3);  // 10 % of 3 is 0: one all the same
  EXPECT_TRUE(d.ejected(key("a"), 0));
  fail_n(d, key("b"), 1, 0, 3);
  EXPECT_FALSE(d.ejected(key("b"), 0));

  OutlierDetector all(OutlierConfig{1, 1000, 10000, 100});
  fail_n(all, key("a"), 1, 0, 2);
  fail_n(all, key("b"), 1, 0, 2);
  EXPECT_EQ(all.ejected_count("orders", 0), 1u);
  fail_n(all, key("z"), 1, 0, 1);  // the only one: kept
  EXPECT_FALSE(all.ejected(key("z"), 0));

  OutlierDetector none(OutlierConfig{1, 1000, 10000, 0});
  fail_n(none, key("a"), 1, 0, 10);
  EXPECT_FALSE(none.ejected(key("a"), 0));
}

TEST(Outlier, ZeroConsecutiveFailuresTurnsEjectionOff) {
  OutlierDetector d(OutlierConfig{0, 1000, 10000, 100});
  fail_n(d, key("a"), 100, 0);
  EXPECT_FALSE(d.ejected(key("a"), 0));
}

TEST(Outlier, RetainDropsTheStateOfVanishedInstances) {
  OutlierDetector d;
  fail_n(d, key("a"), 5, 0);
  fail_n(d, key("b"), 2, 0);
  fail_n(d, InstanceKey{"billing", "x"}, 2, 0);
  d.retain("orders", {key("b")});
  EXPECT_FALSE(d.ejected(key("a"), 0));
  EXPECT_EQ(d.failures(key("a")), 0u);
  EXPECT_EQ(d.failures(key("b")), 2u);
  EXPECT_EQ(d.failures(InstanceKey{"billing", "x"}), 2u);  // another service: untouched
  EXPECT_EQ(d.tracked(), 2u);
}

TEST(Outlier, ConfigChecksNameTheField) {
  EXPECT_EQ(check_outlier_config(OutlierConfig{}), "");
  EXPECT_NE(check_outlier_config(OutlierConfig{5, 0, 10, 10}).find("base_ejection_ms"), std::string::npos);
  EXPECT_NE(check_outlier_config(OutlierConfig{5, 100, 10, 10}).find("max_ejection_ms"), std::string::npos);
  EXPECT_NE(check_outlier_config(OutlierConfig{5, 100, 100, 101}).find("max_ejection_percent"), std::string::npos);
}

}  // namespace
}  // namespace wkd::registry
