// The 0x09 compress wrapper: the captured compressed ack byte for byte, and
// the wrapper-level rejections (algorithm, empty input, broken msgpack).
#include "wire/compress.hpp"

#include <gtest/gtest.h>

#include "wire/msgpack.hpp"

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

// §14: the 150-byte ack and the same ack compressed by serf (113 bytes).
constexpr std::string_view kAck =
    "0282a75061796c6f6164da00820184aa41646a7573746d656e74cb0000000000000000a54572726f72cb3ff8"
    "000000000000a6486569676874cb3ee4f8b588e368f1a356656398cb0000000000000000cb00000000000000"
    "00cb0000000000000000cb0000000000000000cb0000000000000000cb0000000000000000cb000000000000"
    "0000cb0000000000000000a55365714e6f01";
constexpr std::string_view kCompressedAck =
    "0982a4416c676f00a3427566da00620005083a05254c1e366fc290d10640500042aa82905153670e9d3665dc"
    "d05906a0a3c78ea58ac891f346ceb21ff83e763485a44c9a336836fa2087af16a27168e28db252660c268e2a"
    "3b020d3a5465d18f473d26151a9469d35253cac471f2264040";

TEST(WireCompress, ReproducesCapturedCompressedAck) {
  auto c = compress_message(hex(kAck));
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(to_hex(*c), kCompressedAck);
  EXPECT_EQ(c->size(), 113u);
}

TEST(WireCompress, InflatesCapturedCompressedAck) {
  const Bytes wrapped = hex(kCompressedAck);
  auto m = decompress_body(ByteView(wrapped).subspan(1));
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(to_hex(*m), kAck);
}

// Builds a compress body by hand with the given algorithm and buffer.
Bytes body_with(std::uint64_t algo, ByteView buf) {
  Bytes out;
  msgpack::Writer w(out);
  w.map_header(2);
  w.key("Algo");
  w.uint(algo);
  w.key("Buf");
  w.raw(buf);
  return out;
}

TEST(WireCompress, UnknownAlgorithmIsRejected) {
  const Bytes buf = lzw_compress(as_bytes("\x0b\x81"));
  EXPECT_TRUE(decompress_body(body_with(0, buf)));
  EXPECT_EQ(decompress_body(body_with(1, buf)).code(), Err::bad_compression);
}

TEST(WireCompress, EmptyMessageIsNeverCompressed) {
  EXPECT_EQ(compress_message({}).code(), Err::empty_part);
  // And a peer's wrapper that inflates to nothing is rejected.
  EXPECT_EQ(decompress_body(body_with(0, lzw_compress({}))).code(), Err::empty_part);
}

TEST(WireCompress, CorruptInnerDataIsRejected) {
  EXPECT_EQ(decompress_body(body_with(0, {})).code(), Err::lzw_corrupt);
  const Bytes wrapped = hex(kCompressedAck);
  auto cut = decompress_body(ByteView(wrapped).subspan(1, 40));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.code(), Err::truncated);
}

TEST(WireCompress, LimitIsPassedThrough) {
  const Bytes wrapped = hex(kCompressedAck);
  EXPECT_EQ(decompress_body(ByteView(wrapped).subspan(1), 149).code(), Err::decompress_limit);
  EXPECT_TRUE(decompress_body(ByteView(wrapped).subspan(1), 150));
}

}  // namespace
}  // namespace wkd::wire
