// LZW against Go 1.19's compress/lzw: the GOVEC vectors byte for byte,
// seeded round trips (including inputs long enough to force dictionary
// resets), KwKwK, streams without the leading clear, a full dictionary that
// is never cleared, and every rejection of the decoder.
#include "wire/lzw.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "common/rng.hpp"

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

// Packs (code, width) pairs LSB first, flushing the last partial byte.
Bytes pack_codes(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& codes) {
  Bytes out;
  std::uint64_t acc = 0;
  std::uint32_t n = 0;
  for (auto [code, width] : codes) {
    acc |= std::uint64_t{code} << n;
    n += width;
    while (n >= 8) {
      out.push_back(static_cast<std::uint8_t>(acc));
      acc >>= 8;
      n -= 8;
    }
  }
  if (n > 0) out.push_back(static_cast<std::uint8_t>(acc));
  return out;
}

// Drops the first `bits` bits of an LSB-first bit string.
Bytes drop_bits(ByteView in, std::size_t bits) {
  Bytes out;
  const std::size_t total = in.size() * 8;
  std::uint32_t acc = 0;
  std::uint32_t n = 0;
  for (std::size_t i = bits; i < total; ++i) {
    acc |= ((in[i / 8] >> (i % 8)) & 1u) << n;
    if (++n == 8) {
      out.push_back(static_cast<std::uint8_t>(acc));
      acc = 0;
      n = 0;
    }
  }
  if (n > 0) out.push_back(static_cast<std::uint8_t>(acc));
  return out;
}

Bytes random_bytes(Rng& rng, std::size_t n, unsigned alphabet) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng.below(alphabet));
  return out;
}

void expect_round_trip(const Bytes& data) {
  const Bytes packed = lzw_compress(data);
  auto back = lzw_decompress(packed);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(*back, data);
}

TEST(WireLzw, GovecEmpty) { EXPECT_EQ(to_hex(lzw_compress({})), "000302"); }

TEST(WireLzw, GovecSingleByte) { EXPECT_EQ(to_hex(lzw_compress(as_bytes("a"))), "00c30404"); }

TEST(WireLzw, GovecToBeOrNotToBe) {
  EXPECT_EQ(to_hex(lzw_compress(as_bytes("TOBEORNOTTOBEORTOBEORNOT"))),
            "00a93c1152e48914274fa80824687061c183090302");
}

TEST(WireLzw, DecodesGovecVectors) {
  auto a = lzw_decompress(hex("00c30404"));
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(to_string(*a), "a");
  auto t = lzw_decompress(hex("00a93c1152e48914274fa80824687061c183090302"));
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(to_string(*t), "TOBEORNOTTOBEORTOBEORNOT");
}

TEST(WireLzw, CapturedAckInflatesAndRecompressesIdentically) {
  // §14: Buf of the compressed ack (Go 1.19 output) and the 150-byte ack.
  const Bytes buf = hex(
      "0005083a05254c1e366fc290d10640500042aa82905153670e9d3665dcd05906a0a3c78ea58ac891f346ceb2"
      "1ff83e763485a44c9a336836fa2087af16a27168e28db252660c268e2a3b020d3a5465d18f473d26151a9469"
      "d35253cac471f2264040");
  ASSERT_EQ(buf.size(), 0x62u);
  const Bytes ack = hex(
      "0282a75061796c6f6164da00820184aa41646a7573746d656e74cb0000000000000000a54572726f72cb3ff8"
      "000000000000a6486569676874cb3ee4f8b588e368f1a356656398cb0000000000000000cb00000000000000"
      "00cb0000000000000000cb0000000000000000cb0000000000000000cb0000000000000000cb000000000000"
      "0000cb0000000000000000a55365714e6f01");
  auto out = lzw_decompress(buf);
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(*out, ack);
  EXPECT_EQ(lzw_compress(ack), buf);
}

TEST(WireLzw, RoundTripsSeededRandomData) {
  Rng rng(0x5eed);
  for (unsigned alphabet : {2u, 4u, 16u, 256u}) {
    for (std::size_t n : {1u, 2u, 3u, 17u, 255u, 1000u, 5000u}) {
      SCOPED_TRACE(testing::Message() << "alphabet " << alphabet << " size " << n);
      expect_round_trip(random_bytes(rng, n, alphabet));
    }
  }
}

TEST(WireLzw, LongInputsForceDictionaryResets) {
  // Random bytes emit about one code per byte, so 20000 bytes pass the
  // 4095-code mark several times; 300000 low-entropy bytes do it too.
  Rng rng(42);
  const Bytes noisy = random_bytes(rng, 20000, 256);
  const Bytes packed = lzw_compress(noisy);
  // At 12 bits per code, more than 4096 codes means > 6 KB of output.
  EXPECT_GT(packed.size(), 6144u);
  expect_round_trip(noisy);
  expect_round_trip(random_bytes(rng, 300000, 3));
}

// Lists the codes of a Go-style stream (tracking widths as the writer
// does), up to and including EOF.
std::vector<std::uint32_t> list_codes(ByteView in) {
  std::vector<std::uint32_t> codes;
  std::size_t bit = 0;
  std::uint32_t width = 9;
  std::uint32_t hi = 257;
  while (bit + width <= in.size() * 8) {
    std::uint32_t code = 0;
    for (std::uint32_t i = 0; i < width; ++i, ++bit) code |= ((in[bit / 8] >> (bit % 8)) & 1u) << i;
    codes.push_back(code);
    if (code == 257) break;
    if (code == 256) {
      width = 9;
      hi = 257;
      continue;
    }
    if (++hi == (1u << width) && width < 12) ++width;
  }
  return codes;
}

TEST(WireLzw, ClearIsEmittedExactlyWhenTheDictionaryFills) {
  // Go's writer emits a clear when the next free code reaches 4095, i.e.
  // after exactly 4095 - 257 = 3838 codes since the previous clear.
  Rng rng(3);
  const Bytes data = random_bytes(rng, 20000, 256);
  const auto codes = list_codes(lzw_compress(data));
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes.front(), 256u);
  EXPECT_EQ(codes.back(), 257u);
  std::vector<std::size_t> clears;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] == 256) clears.push_back(i);
  }
  ASSERT_GE(clears.size(), 4u);
  for (std::size_t k = 1; k < clears.size(); ++k) {
    EXPECT_EQ(clears[k] - clears[k - 1] - 1, 3838u) << "between clear " << k - 1 << " and " << k;
  }
}

TEST(WireLzw, EveryLengthRoundTripsAcrossWidthChangesAndResets) {
  // Random bytes emit roughly one code per byte, so the prefixes of one
  // buffer end on every code count up to ~4400, including the counts where
  // the final code widens the codes (511, 1023, 2047) or triggers the reset
  // at 4095 just before EOF, which the writer must mirror exactly.
  Rng rng(2024);
  const Bytes data = random_bytes(rng, 4400, 256);
  for (std::size_t n = 1; n <= data.size(); ++n) {
    const ByteView prefix = ByteView(data).first(n);
    auto back = lzw_decompress(lzw_compress(prefix));
    ASSERT_TRUE(back) << n << ": " << back.message();
    ASSERT_TRUE(std::equal(back->begin(), back->end(), prefix.begin(), prefix.end())) << n;
  }
}

TEST(WireLzw, KwKwKRuns) {
  // "aaaa..." uses each new code immediately (code == next free code).
  for (std::size_t n : {3u, 4u, 10u, 100u, 10000u, 100000u}) {
    const Bytes run(n, 'a');
    SCOPED_TRACE(n);
    expect_round_trip(run);
  }
  // Hand-made: clear, 'a', 258 (= next free code, KwKwK), EOF -> "aaa".
  auto out = lzw_decompress(pack_codes({{256, 9}, {'a', 9}, {258, 9}, {257, 9}}));
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(to_string(*out), "aaa");
}

TEST(WireLzw, AcceptsStreamsWithoutLeadingClear) {
  // Go <= 1.17 did not start with a clear code; the rest of the stream is
  // identical, so dropping the first 9 bits gives such a stream.
  Rng rng(9);
  for (const Bytes& data : {to_bytes("TOBEORNOTTOBEORTOBEORNOT"), random_bytes(rng, 9000, 5)}) {
    const Bytes old_style = drop_bits(lzw_compress(data), 9);
    auto out = lzw_decompress(old_style);
    ASSERT_TRUE(out) << out.message();
    EXPECT_EQ(*out, data);
  }
}

TEST(WireLzw, AcceptsFullDictionaryWithoutClear) {
  // A writer that never clears: after 3838 dictionary codes the table stays
  // full and later codes are plain lookups at 12 bits.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> codes{{256, 9}};
  Bytes expected;
  std::uint32_t hi = 257;
  std::uint32_t width = 9;
  for (int i = 0; i < 5000; ++i) {
    const auto lit = static_cast<std::uint32_t>(i % 251);
    codes.emplace_back(lit, width);
    expected.push_back(static_cast<std::uint8_t>(lit));
    if (hi < 4095) {
      ++hi;
      if (hi == (1u << width) && width < 12) ++width;
    }
  }
  codes.emplace_back(257, width);
  auto out = lzw_decompress(pack_codes(codes));
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(*out, expected);
}

TEST(WireLzw, RejectsUndefinedCode) {
  // Right after a clear the next free code is 258: 258 with no previous
  // code, and anything above it, are invalid.
  auto a = lzw_decompress(pack_codes({{256, 9}, {300, 9}, {257, 9}}));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.code(), Err::lzw_corrupt);
  auto b = lzw_decompress(pack_codes({{256, 9}, {'x', 9}, {259, 9}, {257, 9}}));
  EXPECT_EQ(b.code(), Err::lzw_corrupt);
  auto c = lzw_decompress(pack_codes({{258, 9}, {257, 9}}));
  EXPECT_EQ(c.code(), Err::lzw_corrupt);
}

TEST(WireLzw, RequiresEofCode) {
  auto a = lzw_decompress(pack_codes({{256, 9}, {'a', 9}}));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.code(), Err::lzw_corrupt);
  // Every strict prefix of a valid stream lacks the EOF code.
  const Bytes packed = lzw_compress(as_bytes("TOBEORNOTTOBEORTOBEORNOT"));
  for (std::size_t n = 0; n < packed.size(); ++n) {
    auto r = lzw_decompress(ByteView(packed).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.code(), Err::lzw_corrupt) << n;
  }
}

TEST(WireLzw, IgnoresBytesAfterEof) {
  Bytes packed = lzw_compress(as_bytes("hello hello"));
  packed.push_back(0xff);
  packed.push_back(0x13);
  auto out = lzw_decompress(packed);
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(to_string(*out), "hello hello");
}

TEST(WireLzw, EnforcesOutputLimit) {
  const Bytes data(1000, 'z');
  const Bytes packed = lzw_compress(data);
  auto over = lzw_decompress(packed, 999);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.code(), Err::decompress_limit);
  auto exact = lzw_decompress(packed, 1000);
  ASSERT_TRUE(exact) << exact.message();
  EXPECT_EQ(exact->size(), 1000u);
}

TEST(WireLzw, DefaultLimitStopsABomb) {
  // 40 MiB + 1 zeros compress to a few tens of KiB and must be refused.
  const Bytes zeros(kDefaultDecompressLimit + 1, 0);
  const Bytes packed = lzw_compress(zeros);
  EXPECT_LT(packed.size(), std::size_t{1} << 20);
  EXPECT_EQ(lzw_decompress(packed).code(), Err::decompress_limit);
}

TEST(WireLzw, EmptyResultIsRejected) {
  EXPECT_EQ(lzw_decompress(hex("000302")).code(), Err::empty_part);
  EXPECT_EQ(lzw_decompress(pack_codes({{257, 9}})).code(), Err::empty_part);
  EXPECT_EQ(lzw_decompress({}).code(), Err::lzw_corrupt);
}

}  // namespace
}  // namespace wkd::wire
