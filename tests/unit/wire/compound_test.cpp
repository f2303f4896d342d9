// Compound (type 7): the captured layout, splitting at 255 parts, and the
// decoder's handling of truncation and zero-length parts.
#include "wire/compound.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

std::vector<ByteView> views(const std::vector<Bytes>& parts) {
  return std::vector<ByteView>(parts.begin(), parts.end());
}

TEST(WireCompound, EncodesCapturedLayout) {
  // CAPTURE: 07 02 00 49 00 3b <73 bytes> <59 bytes>.
  const std::vector<Bytes> parts{Bytes(73, 0x04), Bytes(59, 0x04)};
  auto c = encode_compound(views(parts));
  ASSERT_TRUE(c) << c.message();
  ASSERT_EQ(c->size(), compound_size(2, 132));
  EXPECT_EQ(to_hex(ByteView(*c).first(6)), "070200490" "03b");
  EXPECT_EQ(c->size(), 2u + 4u + 132u);
}

TEST(WireCompound, RoundTrip) {
  const std::vector<Bytes> parts{Bytes{0x00, 0x81, 0xc0}, to_bytes("\x04" "alive"), Bytes(300, 8)};
  auto c = encode_compound(views(parts));
  ASSERT_TRUE(c);
  ASSERT_EQ((*c)[0], kCompoundType);
  auto d = decode_compound(ByteView(*c).subspan(1));
  ASSERT_TRUE(d) << d.message();
  EXPECT_EQ(d->truncated, 0u);
  ASSERT_EQ(d->parts.size(), parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(Bytes(d->parts[i].begin(), d->parts[i].end()), parts[i]) << i;
  }
}

TEST(WireCompound, RefusesEmptyPartOnEncode) {
  const std::vector<Bytes> parts{to_bytes("\x02x"), Bytes{}};
  EXPECT_EQ(encode_compound(views(parts)).code(), Err::empty_part);
  EXPECT_EQ(encode_compounds(views(parts)).code(), Err::empty_part);
}

TEST(WireCompound, RefusesBadCountsAndHugeParts) {
  EXPECT_EQ(encode_compound({}).code(), Err::bad_length);
  const std::vector<Bytes> many(256, Bytes{8, 1});
  EXPECT_EQ(encode_compound(views(many)).code(), Err::bad_length);
  const std::vector<Bytes> huge{Bytes(65536, 8)};
  EXPECT_EQ(encode_compound(views(huge)).code(), Err::oversized);
  const std::vector<Bytes> max{Bytes(65535, 8)};
  EXPECT_TRUE(encode_compound(views(max)));
}

TEST(WireCompound, SplitsAbove255Parts) {
  std::vector<Bytes> parts;
  for (int i = 0; i < 600; ++i) parts.push_back(Bytes{8, static_cast<std::uint8_t>(i)});
  auto cs = encode_compounds(views(parts));
  ASSERT_TRUE(cs) << cs.message();
  ASSERT_EQ(cs->size(), 3u);
  std::vector<std::size_t> counts;
  std::size_t next = 0;
  for (const Bytes& c : *cs) {
    ASSERT_EQ(c[0], kCompoundType);
    auto d = decode_compound(ByteView(c).subspan(1));
    ASSERT_TRUE(d);
    counts.push_back(d->parts.size());
    for (ByteView p : d->parts) EXPECT_EQ(p[1], static_cast<std::uint8_t>(next++));
  }
  EXPECT_EQ(counts, (std::vector<std::size_t>{255, 255, 90}));
  EXPECT_EQ(next, 600u);
}

TEST(WireCompound, TruncatedPartsAreCountedAndCompleteOnesKept) {
  const std::vector<Bytes> parts{Bytes(10, 1), Bytes(20, 2), Bytes(30, 3)};
  auto c = encode_compound(views(parts));
  ASSERT_TRUE(c);
  // Cut in the middle of the second part.
  const ByteView body = ByteView(*c).subspan(1, 1 + 6 + 10 + 5);
  auto d = decode_compound(body);
  ASSERT_TRUE(d) << d.message();
  ASSERT_EQ(d->parts.size(), 1u);
  EXPECT_EQ(d->parts[0].size(), 10u);
  EXPECT_EQ(d->truncated, 2u);
  // Cut right after the table: everything is truncated.
  auto none = decode_compound(ByteView(*c).subspan(1, 7));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->parts.empty());
  EXPECT_EQ(none->truncated, 3u);
}

TEST(WireCompound, ZeroLengthPartIsRejected) {
  // 07 01 00 00: the packet that killed a Debian serf agent (crash_panic.log).
  EXPECT_EQ(decode_compound(hex("010000")).code(), Err::empty_part);
  // Also when it is hidden behind good parts or after a truncation point.
  EXPECT_EQ(decode_compound(hex("02" "0001" "0000" "08")).code(), Err::empty_part);
  EXPECT_EQ(decode_compound(hex("02" "0005" "0000" "08")).code(), Err::empty_part);
}

TEST(WireCompound, ShortHeadersAreTruncated) {
  EXPECT_EQ(decode_compound({}).code(), Err::truncated);
  EXPECT_EQ(decode_compound(hex("020001")).code(), Err::truncated);
  EXPECT_EQ(decode_compound(hex("03000100")).code(), Err::truncated);
}

TEST(WireCompound, TrailingBytesAreIgnored) {
  const Bytes body = hex("01" "0002" "0b05" "ffff");
  auto d = decode_compound(body);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->parts.size(), 1u);
  EXPECT_EQ(to_hex(d->parts[0]), "0b05");
  EXPECT_EQ(d->truncated, 0u);
}

TEST(WireCompound, ZeroCountIsEmptyButValid) {
  auto d = decode_compound(hex("00"));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->parts.empty());
  EXPECT_EQ(d->truncated, 0u);
}

}  // namespace
}  // namespace wkd::wire
