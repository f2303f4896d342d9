#include "common/bytes.hpp"

#include <gtest/gtest.h>

namespace wkd {
namespace {

TEST(Bytes, HexRoundTrip) {
  Bytes b;
  ASSERT_TRUE(from_hex("00 7f\nff a0", b));
  EXPECT_EQ(b, (Bytes{0x00, 0x7f, 0xff, 0xa0}));
  EXPECT_EQ(to_hex(b), "007fffa0");
}

TEST(Bytes, HexRejectsOddAndNonHex) {
  Bytes b;
  EXPECT_FALSE(from_hex("abc", b));
  EXPECT_FALSE(from_hex("zz", b));
}

TEST(Bytes, BigEndianHelpers) {
  Bytes b;
  put_be16(b, 0x1f0a);
  put_be32(b, 0x352dca4a);
  ASSERT_EQ(b.size(), 6u);
  EXPECT_EQ(get_be16(b.data()), 0x1f0a);
  EXPECT_EQ(get_be32(b.data() + 2), 0x352dca4au);
}

}  // namespace
}  // namespace wkd
