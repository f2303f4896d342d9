#include "common/result.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wkd {
namespace {

enum class TestErr { a, b };

Result<int, TestErr> parse(bool ok) {
  if (!ok) return Result<int, TestErr>::fail(TestErr::b, "bad input");
  return 5;
}

TEST(Result, CarriesValueOrFailure) {
  auto good = parse(true);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 5);
  auto bad = parse(false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), TestErr::b);
  EXPECT_EQ(bad.message(), "bad input");
  EXPECT_FALSE(bad.status().ok());
  EXPECT_EQ(bad.status().code(), TestErr::b);
}

TEST(Status, DefaultIsOk) {
  Status<TestErr> s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
  auto f = Status<TestErr>::fail(TestErr::a, "x");
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(f.code(), TestErr::a);
}

}  // namespace
}  // namespace wkd
