#include "swim/suspicion.hpp"

#include <gtest/gtest.h>

namespace wkd::swim {
namespace {

TEST(SuspicionTimeout, ScalesWithLog10OfClusterSize) {
  // memberlist: SuspicionMult * max(1, log10(n)) * ProbeInterval.
  EXPECT_EQ(suspicion_timeout(4, 1, seconds(1)), seconds(4));
  EXPECT_EQ(suspicion_timeout(4, 3, seconds(1)), seconds(4));
  EXPECT_EQ(suspicion_timeout(4, 10, seconds(1)), seconds(4));
  EXPECT_EQ(suspicion_timeout(4, 100, seconds(1)), seconds(8));
  EXPECT_EQ(suspicion_timeout(4, 1000, seconds(1)), seconds(12));
  // log10(50) = 1.69897 -> truncated to 1.698
  EXPECT_EQ(suspicion_timeout(4, 50, seconds(1)), milliseconds(6792));
}

TEST(SuspicionTimer, StartsAtMaxAndShrinksWithConfirmations) {
  const TimePoint t0{};
  // k = 3, min = 2 s, max = 30 s (memberlist's suspicion_test values).
  Suspicion s("from", 3, seconds(2), seconds(30), t0);
  EXPECT_EQ(s.deadline() - t0, seconds(30));
  EXPECT_FALSE(s.confirm("from"));  // the accuser is not a confirmation
  EXPECT_TRUE(s.confirm("a"));
  EXPECT_FALSE(s.confirm("a"));  // nor is the same confirmer twice
  // 30 - ln(2)/ln(4) * 28 = 16 s
  EXPECT_EQ(s.deadline() - t0, seconds(16));
  EXPECT_TRUE(s.confirm("b"));
  // 30 - ln(3)/ln(4) * 28 = 7.810... -> 7.810 s
  EXPECT_EQ(s.deadline() - t0, milliseconds(7810));
  EXPECT_TRUE(s.confirm("c"));
  EXPECT_EQ(s.deadline() - t0, seconds(2));
  EXPECT_FALSE(s.confirm("d"));  // k reached
  EXPECT_EQ(s.confirmations(), 3);
}

TEST(SuspicionTimer, NoExpectedConfirmationsUsesMin) {
  const TimePoint t0{};
  Suspicion s("from", 0, seconds(4), seconds(24), t0);
  EXPECT_EQ(s.deadline() - t0, seconds(4));
  EXPECT_FALSE(s.confirm("a"));
}

TEST(RemainingSuspicionTime, SubtractsElapsedAndMayGoNegative) {
  EXPECT_EQ(remaining_suspicion_time(0, 3, seconds(5), seconds(2), seconds(30)), seconds(25));
  EXPECT_EQ(remaining_suspicion_time(3, 3, seconds(5), seconds(2), seconds(30)), seconds(-3));
}

TEST(Awareness, ClampsAndScales) {
  Awareness a(8);
  EXPECT_EQ(a.scale(seconds(1)), seconds(1));
  a.apply_delta(3);
  EXPECT_EQ(a.score(), 3);
  EXPECT_EQ(a.scale(seconds(1)), seconds(4));
  a.apply_delta(100);
  EXPECT_EQ(a.score(), 7);
  a.apply_delta(-100);
  EXPECT_EQ(a.score(), 0);
}

}  // namespace
}  // namespace wkd::swim
