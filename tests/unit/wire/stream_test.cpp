// TCP framing: the incremental decoder finds message boundaries for every
// stream message shape in any chunking, undoes compression and encryption,
// checks labels and encryption policy, enforces the limits, and the encoder
// produces what the decoder (and memberlist) expects.
#include "wire/stream.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/compress.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/messages.hpp"
#include "wire/msgpack.hpp"

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

constexpr std::string_view kPing =
    "0085a44e6f6465a161a55365714e6f05aa536f7572636541646472a47f000001aa536f757263654e6f6465a161"
    "aa536f75726365506f7274cd1f0a";
constexpr std::string_view kTcpAck = "0282a75061796c6f6164c0a55365714e6f05";

Bytes test_key(std::uint8_t start = 0) {
  Bytes k(16);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(start + i);
  return k;
}

Keyring ring_with(const Bytes& key) {
  Keyring r;
  EXPECT_TRUE(r.install(key));
  return r;
}

PushPull make_push_pull(std::size_t nodes, std::size_t user_state) {
  PushPull pp;
  pp.join = true;
  for (std::size_t i = 0; i < nodes; ++i) {
    PushNodeState n;
    n.name = "node-" + std::to_string(i);
    n.addr = {127, 0, 0, static_cast<std::uint8_t>(1 + i % 200)};
    n.port = static_cast<std::uint16_t>(7946 + i % 1000);
    n.meta = Bytes{0xff, 0x80};
    n.incarnation = static_cast<std::uint32_t>(1 + i);
    n.vsn = kWkdVsn;
    pp.nodes.push_back(std::move(n));
  }
  pp.user_state.assign(user_state, 0xc0);
  if (user_state > 0) pp.user_state[0] = 0x02;
  return pp;
}

Bytes push_pull_bytes(std::size_t nodes, std::size_t user_state) {
  auto m = encode_message(make_push_pull(nodes, user_state));
  EXPECT_TRUE(m) << m.message();
  return m ? std::move(m).value() : Bytes{};
}

// Feeds `data` in chunks of `chunk` bytes; collects every message. Fails the
// test on an error.
std::vector<StreamMessage> feed_all(StreamDecoder& d, ByteView data, std::size_t chunk) {
  std::vector<StreamMessage> out;
  for (std::size_t at = 0; at < data.size(); at += chunk) {
    auto step = d.feed(data.subspan(at, std::min(chunk, data.size() - at)));
    EXPECT_TRUE(step) << step.message();
    if (!step) return out;
    while (step && step->status == StreamStatus::message) {
      out.push_back(std::move(step->message));
      step = d.next();
      EXPECT_TRUE(step) << step.message();
    }
  }
  return out;
}

// ---- boundaries of plaintext messages ----

TEST(WireStream, PingNeedsEveryByte) {
  const Bytes ping = hex(kPing);
  StreamDecoder d(StreamRole::acceptor, {});
  for (std::size_t i = 0; i + 1 < ping.size(); ++i) {
    auto step = d.feed(ByteView(ping).subspan(i, 1));
    ASSERT_TRUE(step) << i << ": " << step.message();
    ASSERT_EQ(step->status, StreamStatus::need_more) << i;
  }
  auto step = d.feed(ByteView(ping).last(1));
  ASSERT_TRUE(step) << step.message();
  ASSERT_EQ(step->status, StreamStatus::message);
  EXPECT_EQ(to_hex(step->message.bytes), kPing);
  EXPECT_EQ(step->message.type(), 0);
  EXPECT_FALSE(step->message.encrypted);
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_TRUE(d.finish());
}

TEST(WireStream, PushPullInAnyChunking) {
  const Bytes pp = push_pull_bytes(5, 585);
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 1000u, 100000u}) {
    SCOPED_TRACE(chunk);
    StreamDecoder d(StreamRole::acceptor, {});
    auto msgs = feed_all(d, pp, chunk);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].bytes, pp);
    EXPECT_EQ(msgs[0].type(), 6);
    auto decoded = decode_push_pull(msgs[0].body());
    ASSERT_TRUE(decoded) << decoded.message();
    EXPECT_EQ(decoded->nodes.size(), 5u);
    EXPECT_EQ(decoded->user_state.size(), 585u);
  }
}

TEST(WireStream, PushPullWithoutUserStateOrNodes) {
  for (auto [nodes, state] : {std::pair{0u, 0u}, std::pair{3u, 0u}, std::pair{0u, 10u}}) {
    const Bytes pp = push_pull_bytes(nodes, state);
    StreamDecoder d(StreamRole::dialer, {});
    auto msgs = feed_all(d, pp, 3);
    ASSERT_EQ(msgs.size(), 1u) << nodes << "/" << state;
    EXPECT_EQ(msgs[0].bytes, pp);
  }
}

TEST(WireStream, WaitsForTheUserStateTail) {
  const Bytes pp = push_pull_bytes(2, 100);
  StreamDecoder d(StreamRole::acceptor, {});
  auto step = d.feed(ByteView(pp).first(pp.size() - 1));
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, StreamStatus::need_more);
  EXPECT_EQ(d.finish().code(), Err::truncated);
}

TEST(WireStream, UserMessageAndErrResp) {
  const Bytes user = encode_stream_user_message(as_bytes("hello reliable world"));
  ErrResp e;
  e.error = "boom";
  auto err = encode_message(e);
  ASSERT_TRUE(err);
  Bytes both = user;
  append(both, *err);
  StreamDecoder d(StreamRole::dialer, {});
  auto msgs = feed_all(d, both, 5);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].bytes, user);
  EXPECT_EQ(msgs[0].type(), 8);
  EXPECT_EQ(msgs[1].bytes, *err);
  EXPECT_EQ(msgs[1].type(), 13);
}

TEST(WireStream, TwoMessagesInOneFeed) {
  Bytes both = hex(kPing);
  append(both, hex(kTcpAck));
  StreamDecoder d(StreamRole::dialer, {});
  auto first = d.feed(both);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, StreamStatus::message);
  EXPECT_EQ(first->message.type(), 0);
  auto second = d.next();
  ASSERT_TRUE(second);
  ASSERT_EQ(second->status, StreamStatus::message);
  EXPECT_EQ(to_hex(second->message.bytes), kTcpAck);
  auto third = d.next();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, StreamStatus::need_more);
}

TEST(WireStream, LargePushPullIsLinear) {
  // 100k node states (~9 MB) fed in 1 KiB chunks. Re-parsing the message
  // from its start on every chunk would take minutes; the decoder only
  // revisits the node state that a chunk boundary cut.
  const Bytes pp = push_pull_bytes(100000, 1000);
  ASSERT_GT(pp.size(), 5u << 20);
  StreamDecoder d(StreamRole::acceptor, {});
  auto msgs = feed_all(d, pp, 1024);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].bytes.size(), pp.size());
}

TEST(WireStream, LargeSingleValuesArriveLinearlyByteByByte) {
  // One msgpack value of ~300 KB fed one byte at a time: a user message
  // header with 30,000 unknown fields, and a ping whose body nests deep
  // arrays. Re-reading the value from its start on every byte (as a
  // hostile peer trickling it would cause) would take hours; the decoder
  // resumes after the last complete element, and decodes a header once,
  // when all of it is here.
  {
    Bytes msg{static_cast<std::uint8_t>(MsgType::user)};
    msgpack::Writer w(msg);
    w.map_header(30001);
    for (int i = 0; i < 30000; ++i) {
      w.key("X" + std::to_string(i));
      w.uint(static_cast<std::uint64_t>(i));
    }
    w.key("UserMsgLen");
    w.uint(3);
    msg.insert(msg.end(), {'a', 'b', 'c'});
    ASSERT_GT(msg.size(), 250000u);
    StreamDecoder d(StreamRole::acceptor, {});
    auto msgs = feed_all(d, msg, 1);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].bytes, msg);
  }
  {
    Bytes msg{static_cast<std::uint8_t>(MsgType::ping)};
    msgpack::Writer w(msg);
    w.array_header(30000);
    for (int i = 0; i < 30000; ++i) {
      w.array_header(2);
      w.array_header(1);
      w.str("value" + std::to_string(i));
      w.uint(static_cast<std::uint64_t>(i) << 20);
    }
    ASSERT_GT(msg.size(), 300000u);
    StreamDecoder d(StreamRole::acceptor, {});
    auto msgs = feed_all(d, msg, 1);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].bytes.size(), msg.size());
  }
}

// ---- compression and encryption ----

TEST(WireStream, CompressedStreamRoundTrip) {
  Rng rng(1);
  const Bytes pp = push_pull_bytes(3, 585);
  StreamEncodeOptions eo;
  eo.compress = true;
  StreamEncoder enc(StreamRole::dialer, eo);
  auto wire = enc.encode(pp, rng);
  ASSERT_TRUE(wire) << wire.message();
  EXPECT_EQ((*wire)[0], kCompressType);
  for (std::size_t chunk : {1u, 13u, 4096u}) {
    StreamDecoder d(StreamRole::acceptor, {});
    auto msgs = feed_all(d, *wire, chunk);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_TRUE(msgs[0].compressed);
    EXPECT_EQ(msgs[0].bytes, pp);
  }
}

TEST(WireStream, EncryptedStreamWithLabel) {
  Rng rng(2);
  const Keyring ring = ring_with(test_key());
  const Bytes pp = push_pull_bytes(3, 585);
  StreamEncodeOptions eo;
  eo.compress = true;
  eo.keyring = &ring;
  eo.label = "dc1";
  StreamEncoder dialer(StreamRole::dialer, eo);
  auto first = dialer.encode(pp, rng);
  ASSERT_TRUE(first) << first.message();
  // [label header][0x0A][len][blob]
  EXPECT_EQ(to_hex(ByteView(*first).first(6)), "f40364633" "10a");
  const std::uint32_t len = get_be32(first->data() + 6);
  EXPECT_EQ(first->size(), 5u + 5u + len);
  // The label header is written once.
  auto second = dialer.encode(hex(kPing), rng);
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)[0], kEncryptType);

  StreamDecodeOptions dopts;
  dopts.keyring = &ring;
  dopts.label = "dc1";
  StreamDecoder d(StreamRole::acceptor, dopts);
  Bytes all = *first;
  append(all, *second);
  auto msgs = feed_all(d, all, 11);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(d.label(), "dc1");
  EXPECT_TRUE(msgs[0].encrypted);
  EXPECT_TRUE(msgs[0].compressed);
  EXPECT_EQ(msgs[0].bytes, pp);
  EXPECT_EQ(to_hex(msgs[1].bytes), kPing);
}

TEST(WireStream, AcceptorNeverWritesLabelButUsesItAsAad) {
  Rng rng(3);
  const Keyring ring = ring_with(test_key());
  StreamEncodeOptions eo;
  eo.keyring = &ring;
  eo.label = "dc1";
  StreamEncoder acceptor(StreamRole::acceptor, eo);
  auto reply = acceptor.encode(hex(kTcpAck), rng);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)[0], kEncryptType);
  StreamDecodeOptions dopts;
  dopts.keyring = &ring;
  dopts.label = "dc1";
  StreamDecoder dialer_side(StreamRole::dialer, dopts);
  auto msgs = feed_all(dialer_side, *reply, 7);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(to_hex(msgs[0].bytes), kTcpAck);
  // Without the label the AAD differs.
  dopts.label = "";
  StreamDecoder unlabelled(StreamRole::dialer, dopts);
  auto step = unlabelled.feed(*reply);
  ASSERT_FALSE(step);
  EXPECT_EQ(step.code(), Err::decrypt_failed);
}

TEST(WireStream, VersionZeroFrames) {
  Rng rng(4);
  const Keyring ring = ring_with(test_key());
  StreamEncodeOptions eo;
  eo.keyring = &ring;
  eo.encryption_version = EncryptionVersion::v0_padded;
  StreamEncoder enc(StreamRole::dialer, eo);
  auto wire = enc.encode(hex(kPing), rng);
  ASSERT_TRUE(wire);
  EXPECT_EQ(get_be32(wire->data() + 1), 1u + 12 + 64 + 16);
  StreamDecodeOptions dopts;
  dopts.keyring = &ring;
  StreamDecoder d(StreamRole::acceptor, dopts);
  auto msgs = feed_all(d, *wire, 9);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(to_hex(msgs[0].bytes), kPing);
}

// ---- policy and limits ----

Err first_error(StreamDecoder& d, ByteView data) {
  for (std::size_t at = 0; at < data.size(); ++at) {
    auto step = d.feed(data.subspan(at, 1));
    if (!step) return step.code();
  }
  ADD_FAILURE() << "no error";
  return Err::truncated;
}

TEST(WireStream, EncryptionPolicy) {
  Rng rng(5);
  const Keyring ring = ring_with(test_key());
  StreamEncodeOptions eo;
  eo.keyring = &ring;
  auto encrypted = StreamEncoder(StreamRole::dialer, eo).encode(hex(kPing), rng);
  ASSERT_TRUE(encrypted);
  {
    DecodeCounters counters;
    StreamDecodeOptions o;
    o.counters = &counters;
    StreamDecoder d(StreamRole::acceptor, o);
    EXPECT_EQ(first_error(d, *encrypted), Err::unexpected_encryption);
    EXPECT_EQ(counters[Err::unexpected_encryption], 1u);
    // Dead after an error, and not counted twice.
    EXPECT_EQ(d.feed(hex("00")).code(), Err::unexpected_encryption);
    EXPECT_EQ(counters.total(), 1u);
  }
  {
    StreamDecodeOptions o;
    o.keyring = &ring;
    StreamDecoder d(StreamRole::acceptor, o);
    EXPECT_EQ(first_error(d, hex(kPing)), Err::plaintext_rejected);
  }
  {
    StreamDecodeOptions o;
    o.keyring = &ring;
    o.verify_incoming = false;
    StreamDecoder d(StreamRole::acceptor, o);
    auto msgs = feed_all(d, hex(kPing), 4);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_FALSE(msgs[0].encrypted);
  }
  {
    StreamDecodeOptions o;
    const Keyring other = ring_with(test_key(0x40));
    o.keyring = &other;
    StreamDecoder d(StreamRole::acceptor, o);
    EXPECT_EQ(first_error(d, *encrypted), Err::decrypt_failed);
  }
}

TEST(WireStream, LabelChecks) {
  StreamDecodeOptions o;
  o.label = "dc1";
  {
    StreamDecoder d(StreamRole::acceptor, o);
    EXPECT_EQ(first_error(d, hex(kPing)), Err::label_mismatch);
  }
  {
    StreamDecoder d(StreamRole::acceptor, o);
    Bytes s = hex("f403646332");  // "dc2"
    append(s, hex(kPing));
    EXPECT_EQ(first_error(d, s), Err::label_mismatch);
  }
  {
    StreamDecoder d(StreamRole::acceptor, o);
    EXPECT_EQ(first_error(d, hex("f40000")), Err::bad_label);
  }
  {
    // The dialer reading a reply does not expect a label header.
    StreamDecoder d(StreamRole::dialer, o);
    Bytes s = hex("f403646331");
    append(s, hex(kTcpAck));
    EXPECT_EQ(first_error(d, s), Err::unknown_type);
  }
  {
    StreamDecoder d(StreamRole::acceptor, o);
    auto step = d.feed(hex("f4036463"));
    ASSERT_TRUE(step);
    EXPECT_EQ(step->status, StreamStatus::need_more);
    EXPECT_EQ(d.finish().code(), Err::truncated);
  }
}

TEST(WireStream, UnknownStreamTypes) {
  // (0xf4 is tried on the dialer side, where no label header is expected.)
  for (std::uint8_t t : {1, 3, 4, 5, 7, 11, 12, 14, 0xf4}) {
    StreamDecoder d(StreamRole::dialer, {});
    const Bytes s{t, 0x80};
    EXPECT_EQ(first_error(d, s), Err::unknown_type) << int(t);
  }
  // Compress inside compress is not something memberlist produces.
  auto inner = compress_message(hex(kPing));
  ASSERT_TRUE(inner);
  auto outer = compress_message(*inner);
  ASSERT_TRUE(outer);
  StreamDecoder d(StreamRole::acceptor, {});
  EXPECT_EQ(first_error(d, *outer), Err::unknown_type);
}

// A push/pull header with the given counts (v2 style signed ints allowed).
Bytes push_pull_header(std::int64_t nodes, std::int64_t state) {
  Bytes out{6};
  msgpack::Writer w(out, IntStyle::v2);
  w.map_header(3);
  w.key("Join");
  w.boolean(false);
  w.key("Nodes");
  w.sint(nodes);
  w.key("UserStateLen");
  w.sint(state);
  return out;
}

Bytes user_header(std::int64_t len) {
  Bytes out{8};
  msgpack::Writer w(out);
  w.map_header(1);
  w.key("UserMsgLen");
  w.sint(len);
  return out;
}

TEST(WireStream, Limits) {
  struct Case {
    const char* name;
    Bytes data;
    Err code;
  };
  const std::vector<Case> cases{
      {"encrypted frame over 20 MiB", hex("0a01400001"), Err::oversized},
      {"too many nodes", push_pull_header((1 << 20) + 1, 0), Err::oversized},
      {"user state over 20 MiB", push_pull_header(0, (20 << 20) + 1), Err::oversized},
      {"negative nodes", push_pull_header(-1, 0), Err::bad_length},
      {"negative user state", push_pull_header(0, -5), Err::bad_length},
      {"user message over 20 MiB", user_header((20 << 20) + 1), Err::oversized},
      {"negative user message", user_header(-1), Err::bad_length},
  };
  const Keyring ring = ring_with(test_key());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    StreamDecodeOptions o;
    if (c.data[0] == kEncryptType) o.keyring = &ring;
    StreamDecoder d(StreamRole::acceptor, o);
    EXPECT_EQ(first_error(d, c.data), c.code);
  }
  // The limits themselves are accepted.
  StreamDecoder at_limit(StreamRole::acceptor, {});
  auto step = at_limit.feed(push_pull_header(1 << 20, 20 << 20));
  ASSERT_TRUE(step) << step.message();
  EXPECT_EQ(step->status, StreamStatus::need_more);
}

TEST(WireStream, TotalStreamCap) {
  StreamDecodeOptions o;
  o.max_stream_bytes = 1000;
  StreamDecoder d(StreamRole::acceptor, o);
  const Bytes pp = push_pull_bytes(20, 0);
  ASSERT_GT(pp.size(), 1000u);
  auto step = d.feed(ByteView(pp).first(600));
  ASSERT_TRUE(step);
  EXPECT_EQ(d.feed(ByteView(pp).subspan(600)).code(), Err::oversized);
}

TEST(WireStream, DecompressionLimit) {
  Rng rng(6);
  const Bytes pp = push_pull_bytes(3, 2000);
  StreamEncodeOptions eo;
  eo.compress = true;
  auto wire = StreamEncoder(StreamRole::dialer, eo).encode(pp, rng);
  ASSERT_TRUE(wire);
  StreamDecodeOptions o;
  o.max_decompressed = pp.size() - 1;
  StreamDecoder d(StreamRole::acceptor, o);
  EXPECT_EQ(d.feed(*wire).code(), Err::decompress_limit);
}

TEST(WireStream, FrameHoldingPartOfAMessageIsTruncated) {
  // An encrypted frame whose plaintext is a push/pull cut short.
  Rng rng(7);
  const Keyring ring = ring_with(test_key());
  const Bytes pp = push_pull_bytes(2, 100);
  StreamEncodeOptions eo;
  eo.keyring = &ring;
  auto wire = StreamEncoder(StreamRole::dialer, eo).encode(ByteView(pp).first(pp.size() - 10), rng);
  ASSERT_TRUE(wire);
  StreamDecodeOptions o;
  o.keyring = &ring;
  StreamDecoder d(StreamRole::acceptor, o);
  EXPECT_EQ(d.feed(*wire).code(), Err::truncated);
}

TEST(WireStream, EncoderRejections) {
  Rng rng(8);
  StreamEncoder plain(StreamRole::dialer, {});
  EXPECT_EQ(plain.encode({}, rng).code(), Err::empty_part);
  Keyring empty;
  StreamEncodeOptions eo;
  eo.keyring = &empty;
  EXPECT_EQ(StreamEncoder(StreamRole::dialer, eo).encode(hex(kPing), rng).code(),
            Err::key_not_installed);
  StreamEncodeOptions lo;
  lo.label = std::string(300, 'x');
  EXPECT_EQ(StreamEncoder(StreamRole::acceptor, lo).encode(hex(kPing), rng).code(), Err::bad_label);
  const Keyring ring = ring_with(test_key());
  StreamEncodeOptions big;
  big.keyring = &ring;
  const Bytes huge((20u << 20) + 1, 8);
  EXPECT_EQ(StreamEncoder(StreamRole::dialer, big).encode(huge, rng).code(), Err::oversized);
}

}  // namespace
}  // namespace wkd::wire
