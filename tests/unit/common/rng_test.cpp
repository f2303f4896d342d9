#include "common/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace wkd {
namespace {

TEST(Rng, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, BelowStaysInRangeAndCoversIt) {
  Rng r(7);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    auto v = r.below(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(r.below(0), 0u);
}

TEST(Rng, UnitInHalfOpenInterval) {
  Rng r(1);
  for (int i = 0; i < 1000; ++i) {
    double d = r.unit();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
  }
}

TEST(Rng, FillWritesEveryByte) {
  Rng r(3);
  std::array<std::uint8_t, 13> buf{};
  r.fill(buf);
  int nonzero = 0;
  for (auto v : buf) nonzero += v != 0;
  EXPECT_GT(nonzero, 8);
}

}  // namespace
}  // namespace wkd
