// CRC-32/IEEE and the 0x0C header: known check values, incremental use, and
// the §14 gossip packet whose header was produced by Debian serf.
#include "wire/crc32.hpp"

#include <gtest/gtest.h>

#include "common/rng.hpp"

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

// §14: CRC + compound of two alives, as captured from serf 0.9.4.
constexpr std::string_view kGossipPacket =
    "0c352dca4a07020049003b0486a441646472a47f000001ab496e6361726e6174696f6e01a44d657461b0ff82a4"
    "726f6c65a3776562a26463a178a44e6f6465a161a4506f7274cd1f0aa356736ea60105020205050486a4416464"
    "72a47f000001ab496e6361726e6174696f6e01a44d657461a2ff80a44e6f6465a162a4506f7274cd1f0ba35673"
    "6ea6010502020505";

TEST(WireCrc32, KnownCheckValues) {
  EXPECT_EQ(crc32(as_bytes("")), 0x00000000u);
  EXPECT_EQ(crc32(as_bytes("a")), 0xe8b7be43u);
  EXPECT_EQ(crc32(as_bytes("123456789")), 0xcbf43926u);
  EXPECT_EQ(crc32(as_bytes("The quick brown fox jumps over the lazy dog")), 0x414fa339u);
}

TEST(WireCrc32, IncrementalMatchesOneShotAtEverySplit) {
  Rng rng(7);
  Bytes data(1000);
  rng.fill(data);
  const std::uint32_t whole = crc32(data);
  for (std::size_t split = 0; split <= data.size(); split += 37) {
    const ByteView v(data);
    EXPECT_EQ(crc32(v.subspan(split), crc32(v.first(split))), whole) << split;
  }
}

TEST(WireCrc32, SlicedPathMatchesBytewiseReference) {
  // A plain bit-at-a-time CRC as the reference for every length 0..64.
  auto reference = [](ByteView d) {
    std::uint32_t c = 0xffffffffu;
    for (std::uint8_t b : d) {
      c ^= b;
      for (int i = 0; i < 8; ++i) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
  };
  Rng rng(11);
  Bytes data(64);
  rng.fill(data);
  for (std::size_t n = 0; n <= data.size(); ++n) {
    const ByteView v = ByteView(data).first(n);
    EXPECT_EQ(crc32(v), reference(v)) << n;
  }
}

TEST(WireCrc32, CapturedHeaderVerifies) {
  const Bytes packet = hex(kGossipPacket);
  ASSERT_EQ(packet.size(), 143u);
  ASSERT_TRUE(has_crc_header(packet));
  auto payload = strip_crc(packet);
  ASSERT_TRUE(payload) << payload.message();
  EXPECT_EQ(payload->size(), 138u);
  EXPECT_EQ((*payload)[0], 0x07);  // the compound
  EXPECT_EQ(payload->data(), packet.data() + 5);
}

TEST(WireCrc32, AddReproducesCapturedHeader) {
  const Bytes packet = hex(kGossipPacket);
  auto rebuilt = add_crc(ByteView(packet).subspan(5));
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(*rebuilt, packet);
}

TEST(WireCrc32, FlippedBitIsBadCrc) {
  Bytes packet = hex(kGossipPacket);
  packet[60] ^= 0x10;
  auto r = strip_crc(packet);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), Err::bad_crc);
  packet[60] ^= 0x10;
  packet[2] ^= 0x01;  // the checksum itself
  EXPECT_EQ(strip_crc(packet).code(), Err::bad_crc);
}

TEST(WireCrc32, BareHeaderIsEmptyPart) {
  // 0c 00000000: the CRC of nothing; crashes serf 0.9.4.
  const Bytes bare = hex("0c00000000");
  ASSERT_TRUE(has_crc_header(bare));
  EXPECT_EQ(strip_crc(bare).code(), Err::empty_part);
  EXPECT_EQ(add_crc({}).code(), Err::empty_part);
}

TEST(WireCrc32, ShortOrMissingHeaderIsTruncated) {
  EXPECT_FALSE(has_crc_header(hex("0c0000")));
  EXPECT_FALSE(has_crc_header(hex("0700000000")));
  EXPECT_EQ(strip_crc(hex("0c0000")).code(), Err::truncated);
  EXPECT_EQ(strip_crc(hex("0700000000aa")).code(), Err::truncated);
}

}  // namespace
}  // namespace wkd::wire
