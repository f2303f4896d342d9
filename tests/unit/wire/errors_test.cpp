#include "wire/errors.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace wkd::wire {
namespace {

TEST(WireErr, NamesAreUniqueAndNonEmpty) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kErrCount; ++i) {
    auto e = static_cast<Err>(i);
    std::string n = err_name(e);
    EXPECT_FALSE(n.empty());
    EXPECT_NE(std::string(err_text(e)), "unknown");
    names.insert(n);
  }
  EXPECT_EQ(names.size(), kErrCount);
}

TEST(WireErr, CountersCountByReason) {
  DecodeCounters c;
  c.count(Err::bad_crc);
  c.count(Err::bad_crc);
  c.count(Err::truncated);
  EXPECT_EQ(c[Err::bad_crc], 2u);
  EXPECT_EQ(c[Err::truncated], 1u);
  EXPECT_EQ(c.total(), 3u);
}

}  // namespace
}  // namespace wkd::wire
