// memberlist message codecs: the captured single messages of docs/wire.md §14
// decode and re-encode byte for byte, every type round-trips in both int
// styles, and each kind of malformed input fails with its own code.
#include "wire/memberlist_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/coordinate.hpp"
#include "wire/msgpack.hpp"

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

ByteView body_of(const Bytes& message) { return ByteView(message).subspan(1); }

const Bytes kLocal{127, 0, 0, 1};

// ---- docs/wire.md §14 captures

constexpr const char* kPingHex =
    "0085a44e6f6465a161a55365714e6f01aa536f7572636541646472a47f000001aa536f757263654e6f6465a162aa"
    "536f75726365506f7274cd1f0b";
constexpr const char* kAckHex =
    "0282a75061796c6f6164da00820184aa41646a7573746d656e74cb0000000000000000a54572726f72cb3ff80000"
    "00000000a6486569676874cb3ee4f8b588e368f1a356656398cb0000000000000000cb0000000000000000cb0000"
    "000000000000cb0000000000000000cb0000000000000000cb0000000000000000cb0000000000000000cb000000"
    "0000000000a55365714e6f01";
constexpr const char* kIndirectHex =
    "0188a44e61636bc3a44e6f6465a163a4506f7274cd1f0ca55365714e6f05aa536f7572636541646472a47f000001"
    "aa536f757263654e6f6465a161aa536f75726365506f7274cd1f0aa6546172676574a47f000001";
constexpr const char* kNackHex = "0b81a55365714e6f05";
constexpr const char* kGossipHex =
    "0c352dca4a07020049003b0486a441646472a47f000001ab496e6361726e6174696f6e01a44d657461b0ff82a472"
    "6f6c65a3776562a26463a178a44e6f6465a161a4506f7274cd1f0aa356736ea60105020205050486a441646472a4"
    "7f000001ab496e6361726e6174696f6e01a44d657461a2ff80a44e6f6465a162a4506f7274cd1f0ba356736ea601"
    "0502020505";

TEST(MemberlistCapture, PingDecodesAndReencodes) {
  const Bytes wire = hex(kPingHex);
  ASSERT_EQ(wire.size(), 59u);
  auto p = decode_ping(body_of(wire));
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->node, "a");
  EXPECT_EQ(p->seq_no, 1u);
  EXPECT_EQ(p->source_addr, kLocal);
  EXPECT_EQ(p->source_node, "b");
  EXPECT_EQ(p->source_port, 7947);
  for (IntStyle s : {IntStyle::legacy, IntStyle::v2}) {
    auto again = encode_message(*p, s);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(to_hex(*again), kPingHex);
  }
}

TEST(MemberlistCapture, AckWithCoordinateIsByteExact) {
  const Bytes wire = hex(kAckHex);
  ASSERT_EQ(wire.size(), 150u);
  auto a = decode_ack(body_of(wire));
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->seq_no, 1u);
  ASSERT_TRUE(a->payload.has_value());
  ASSERT_EQ(a->payload->size(), 130u);
  auto c = decode_coordinate_payload(*a->payload);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(*c, initial_coordinate());

  // Built from scratch: the initial coordinate wrapped in an ack.
  auto payload = encode_coordinate_payload(initial_coordinate());
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->size(), 130u);
  auto built = encode_message(Ack{1, *payload});
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(to_hex(*built), kAckHex);
}

TEST(MemberlistCapture, IndirectPingAndNack) {
  const Bytes ind = hex(kIndirectHex);
  auto i = decode_indirect_ping(body_of(ind));
  ASSERT_TRUE(i.ok()) << i.message();
  EXPECT_TRUE(i->nack);
  EXPECT_EQ(i->node, "c");
  EXPECT_EQ(i->port, 7948);
  EXPECT_EQ(i->seq_no, 5u);
  EXPECT_EQ(i->target, kLocal);
  EXPECT_EQ(i->source_node, "a");
  EXPECT_EQ(i->source_port, 7946);
  EXPECT_EQ(to_hex(*encode_message(*i)), kIndirectHex);

  const Bytes nack = hex(kNackHex);
  auto n = decode_nack(body_of(nack));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->seq_no, 5u);
  EXPECT_EQ(to_hex(*encode_message(*n)), kNackHex);
}

TEST(MemberlistCapture, AlivesInsideTheGossipCompound) {
  // 0c crc(4) | 07 count | len16 × count | parts. The framing itself is
  // tested elsewhere; here the parts are sliced by hand.
  const Bytes wire = hex(kGossipHex);
  ASSERT_EQ(wire.size(), 143u);
  ASSERT_EQ(wire[5], 0x07);
  const std::size_t count = wire[6];
  ASSERT_EQ(count, 2u);
  std::size_t off = 7 + 2 * count;
  std::vector<Alive> alives;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t len = get_be16(&wire[7 + 2 * k]);
    const ByteView part = ByteView(wire).subspan(off, len);
    off += len;
    ASSERT_EQ(part[0], static_cast<std::uint8_t>(MsgType::alive));
    auto a = decode_alive(part.subspan(1));
    ASSERT_TRUE(a.ok()) << a.message();
    auto again = encode_message(*a);
    ASSERT_TRUE(again.ok()) << again.message();
    EXPECT_EQ(to_hex(*again), to_hex(part));
    alives.push_back(*a);
  }
  EXPECT_EQ(off, wire.size());
  EXPECT_EQ(alives[0].node, "a");
  EXPECT_EQ(alives[0].port, 7946);
  EXPECT_EQ(alives[0].incarnation, 1u);
  EXPECT_EQ(alives[0].vsn, kWkdVsn);
  EXPECT_EQ(alives[1].node, "b");
  EXPECT_EQ(alives[1].meta, (Bytes{0xff, 0x80}));
}

// ---- round trips

struct Samples {
  Ping ping{7, "target", kLocal, 7946, "me"};
  Ping bare_ping{300, "", {}, 0, ""};
  IndirectPing indirect{9, Bytes(16, 0xfe), 7000, "t", true, kLocal, 7946, "me"};
  Ack ack{70000, Bytes(200, 0x42)};
  Ack nil_ack{3, std::nullopt};
  Ack empty_ack{3, Bytes{}};
  Nack nack{0xffffffffu};
  ErrResp err{std::string(40, 'e')};
  Suspect suspect{4000000000u, "n", "accuser"};
  Dead dead{1, "n", "n"};
  Alive alive{2, "node", kLocal, 7946, Bytes{0xff, 0x80}, kWkdVsn};
  Alive alive_nil_meta{2, "node", Bytes(16, 1), 65535, std::nullopt, Vsn{1, 5, 2, 2, 5, 4}};
  Compress compress{0, Bytes(100000, 7)};
  PushPullHeader header{200, 70000, true};
  UserMsgHeader user_header{300};
  PushNodeState node{"n", kLocal, 7946, Bytes(512, 3), 5, NodeState::left, kWkdVsn};
};

template <class T, class Decode>
void expect_round_trip(const T& m, MsgType type, Decode decode) {
  for (IntStyle s : {IntStyle::legacy, IntStyle::v2}) {
    auto bytes = encode_message(m, s);
    ASSERT_TRUE(bytes.ok()) << bytes.message();
    ASSERT_FALSE(bytes->empty());
    EXPECT_EQ((*bytes)[0], static_cast<std::uint8_t>(type));
    auto back = decode(body_of(*bytes));
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(*back, m) << msg_type_name(type) << " " << msgpack::int_style_name(s);
  }
}

TEST(MemberlistRoundTrip, EveryMessageInBothStyles) {
  Samples s;
  auto ping = [](ByteView b) { return decode_ping(b); };
  expect_round_trip(s.ping, MsgType::ping, ping);
  expect_round_trip(s.bare_ping, MsgType::ping, ping);
  expect_round_trip(s.indirect, MsgType::indirect_ping,
                    [](ByteView b) { return decode_indirect_ping(b); });
  auto ack = [](ByteView b) { return decode_ack(b); };
  expect_round_trip(s.ack, MsgType::ack, ack);
  expect_round_trip(s.nil_ack, MsgType::ack, ack);
  expect_round_trip(s.empty_ack, MsgType::ack, ack);
  expect_round_trip(s.nack, MsgType::nack, [](ByteView b) { return decode_nack(b); });
  expect_round_trip(s.err, MsgType::err, [](ByteView b) { return decode_err_resp(b); });
  expect_round_trip(s.suspect, MsgType::suspect, [](ByteView b) { return decode_suspect(b); });
  expect_round_trip(s.dead, MsgType::dead, [](ByteView b) { return decode_dead(b); });
  auto alive = [](ByteView b) { return decode_alive(b); };
  expect_round_trip(s.alive, MsgType::alive, alive);
  expect_round_trip(s.alive_nil_meta, MsgType::alive, alive);
  expect_round_trip(s.compress, MsgType::compress, [](ByteView b) { return decode_compress(b); });
}

TEST(MemberlistRoundTrip, BodiesWithoutTypeByte) {
  Samples s;
  for (IntStyle style : {IntStyle::legacy, IntStyle::v2}) {
    Bytes out;
    msgpack::Writer w(out, style);
    ASSERT_TRUE(encode_body(s.header, w).ok());
    ASSERT_TRUE(encode_body(s.user_header, w).ok());
    ASSERT_TRUE(encode_body(s.node, w).ok());
    msgpack::Reader r(out);
    auto h = decode_push_pull_header(r);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(*h, s.header);
    auto u = decode_user_msg_header(r);
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(*u, s.user_header);
    auto n = decode_push_node_state(r);
    ASSERT_TRUE(n.ok()) << n.message();
    EXPECT_EQ(*n, s.node);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(MemberlistRoundTrip, GoIntFieldsFollowTheStyle) {
  Bytes legacy;
  msgpack::Writer wl(legacy, IntStyle::legacy);
  ASSERT_TRUE(encode_body(PushPullHeader{1, 585, true}, wl).ok());
  EXPECT_EQ(to_hex(legacy), "83a44a6f696ec3a54e6f64657301ac5573657253746174654c656ecd0249");
  Bytes v2;
  msgpack::Writer wv(v2, IntStyle::v2);
  ASSERT_TRUE(encode_body(PushPullHeader{1, 585, true}, wv).ok());
  EXPECT_EQ(to_hex(v2), "83a44a6f696ec3a54e6f64657301ac5573657253746174654c656ed10249");
}

TEST(MemberlistRoundTrip, PingOmitsEmptySourceFields) {
  auto b = encode_message(Ping{300, "a", {}, 0, ""});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(to_hex(*b), "0082a44e6f6465a161a55365714e6fcd012c");
  // Only the port present.
  auto p = encode_message(Ping{1, "a", {}, 9, ""});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[1], 0x83);
  auto back = decode_ping(body_of(*p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->source_port, 9);
}

TEST(MemberlistPushPull, WholeMessageRoundTripsAndCountsComeFromVectors) {
  PushPull pp;
  pp.join = true;
  pp.nodes.push_back(PushNodeState{"a", kLocal, 7946, Bytes{0xff, 0x80}, 1, NodeState::alive,
                                   kWkdVsn});
  pp.nodes.push_back(PushNodeState{"b", Bytes(16, 9), 7947, std::nullopt, 3, NodeState::dead,
                                   kWkdVsn});
  pp.user_state = Bytes(585, 0x02);
  for (IntStyle s : {IntStyle::legacy, IntStyle::v2}) {
    auto b = encode_message(pp, s);
    ASSERT_TRUE(b.ok()) << b.message();
    EXPECT_EQ((*b)[0], 0x06);
    auto h = decode_push_pull_header(body_of(*b));
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->nodes, 2);
    EXPECT_EQ(h->user_state_len, 585);
    auto back = decode_push_pull(body_of(*b));
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(*back, pp);
  }
}

TEST(MemberlistPushPull, RejectsInconsistentHeaders) {
  auto with_header = [](PushPullHeader h, std::size_t extra) {
    Bytes out;
    msgpack::Writer w(out);
    EXPECT_TRUE(encode_body(h, w).ok());
    out.resize(out.size() + extra, 0);
    return out;
  };
  EXPECT_EQ(decode_push_pull(with_header({-1, 0, false}, 0)).code(), Err::bad_length);
  EXPECT_EQ(decode_push_pull(with_header({0, -5, false}, 0)).code(), Err::bad_length);
  EXPECT_EQ(decode_push_pull(with_header({kMaxPushPullNodes + 1, 0, false}, 0)).code(),
            Err::oversized);
  EXPECT_EQ(decode_push_pull(with_header({0, kMaxUserStateBytes + 1, false}, 0)).code(),
            Err::oversized);
  EXPECT_EQ(decode_push_pull(with_header({1000, 0, false}, 10)).code(), Err::truncated);
  EXPECT_EQ(decode_push_pull(with_header({0, 10, false}, 9)).code(), Err::truncated);
  auto ok = decode_push_pull(with_header({0, 10, false}, 12));
  ASSERT_TRUE(ok.ok()) << "trailing bytes after the user state are ignored";
  EXPECT_EQ(ok->user_state.size(), 10u);
}

TEST(MemberlistStreamUser, HeaderThenPayload) {
  const Bytes payload(300, 0xab);
  const Bytes legacy = encode_stream_user_message(payload);
  EXPECT_EQ(to_hex(ByteView(legacy).first(16)), "0881aa557365724d73674c656ecd012c");
  const Bytes v2 = encode_stream_user_message(payload, IntStyle::v2);
  EXPECT_EQ(to_hex(ByteView(v2).first(16)), "0881aa557365724d73674c656ed1012c");
  msgpack::Reader r(body_of(legacy));
  auto h = decode_user_msg_header(r);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->user_msg_len, 300);
  EXPECT_EQ(Bytes(r.rest().begin(), r.rest().end()), payload);
}

// ---- tolerant decoding

TEST(MemberlistDecode, ArrayFormFollowsGoDeclarationOrder) {
  // alive{Incarnation, Node, Addr, Port, Meta, Vsn} as a positional array.
  Bytes built;
  msgpack::Writer w(built);
  w.array_header(6);
  w.uint(5);
  w.str("test");
  w.raw(kLocal);
  w.uint(7946);
  w.nil();
  const auto vb = vsn_bytes(kWkdVsn);
  w.raw(ByteView(vb.data(), vb.size()));
  auto a = decode_alive(built);
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(*a, (Alive{5, "test", kLocal, 7946, std::nullopt, kWkdVsn}));

  // ping{SeqNo, Node, SourceAddr, SourcePort, SourceNode} with a surplus element.
  Bytes pb;
  msgpack::Writer pw(pb);
  pw.array_header(6);
  pw.uint(42);
  pw.str("x");
  pw.raw(kLocal);
  pw.uint(1234);
  pw.str("src");
  pw.str("surplus");
  auto p = decode_ping(pb);
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(*p, (Ping{42, "x", kLocal, 1234, "src"}));
}

TEST(MemberlistDecode, UnknownKeysOfAnyTypeAreSkipped) {
  Bytes b;
  msgpack::Writer w(b);
  w.map_header(5);
  w.key("Zzz");
  w.map_header(1);
  w.key("k");
  w.array_header(2);
  w.nil();
  w.float64(2.0);
  w.key("SeqNo");
  w.uint(77);
  w.key("Extra");
  b.insert(b.end(), {0xd6, 0x01, 0, 0, 0, 0});  // fixext4
  w.key("Payload");
  w.raw(Bytes{1, 2});
  w.key("seqno");  // case matters: unknown
  w.uint(1);
  auto a = decode_ack(b);
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->seq_no, 77u);
  EXPECT_EQ(a->payload, (Bytes{1, 2}));
}

TEST(MemberlistDecode, AcceptsBinKeysBinStringsStr8AndSignedInts) {
  // {bin8 "SeqNo": d1 0100, "Node": str8 "abc"}
  Bytes in;
  in.push_back(0x82);
  in.insert(in.end(), {0xc4, 0x05, 'S', 'e', 'q', 'N', 'o', 0xd1, 0x01, 0x00});
  in.insert(in.end(), {0xa4, 'N', 'o', 'd', 'e', 0xd9, 0x03, 'a', 'b', 'c'});
  auto p = decode_ping(in);
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->seq_no, 256u);
  EXPECT_EQ(p->node, "abc");
}

TEST(MemberlistDecode, NilMeansAbsent) {
  // Ack with nil payload keeps nullopt; nil SeqNo is a missing field.
  auto a = decode_ack(hex("82a75061796c6f6164c0a55365714e6f01"));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->payload.has_value());
  auto missing = decode_ack(hex("82a75061796c6f6164c0a55365714e6fc0"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), Err::missing_field);
  EXPECT_NE(missing.message().find("SeqNo"), std::string::npos);
}

TEST(MemberlistDecode, TrailingBytesAreIgnored) {
  Bytes b = hex("81a55365714e6f05ffffff");
  auto n = decode_nack(b);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->seq_no, 5u);
}

TEST(MemberlistDecode, MetaOver512IsAcceptedOnInput) {
  Alive a{1, "n", kLocal, 1, Bytes(600, 1), kWkdVsn};
  // Build by hand since the encoder refuses it.
  Bytes b;
  msgpack::Writer w(b);
  w.map_header(6);
  w.key("Addr");
  w.raw(a.addr);
  w.key("Incarnation");
  w.uint(1);
  w.key("Meta");
  w.raw(*a.meta);
  w.key("Node");
  w.str("n");
  w.key("Port");
  w.uint(1);
  w.key("Vsn");
  const auto vb = vsn_bytes(kWkdVsn);
  w.raw(ByteView(vb.data(), vb.size()));
  auto back = decode_alive(b);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, a);
}

TEST(MemberlistDecode, DecodeMessageDispatchesOnTypeByte) {
  auto m = decode_message(hex(kNackHex));
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(std::holds_alternative<Nack>(*m));
  EXPECT_EQ(std::get<Nack>(*m).seq_no, 5u);
  auto p = decode_message(hex(kPingHex));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(std::holds_alternative<Ping>(*p));

  EXPECT_EQ(decode_message({}).code(), Err::truncated);
  EXPECT_EQ(decode_message(hex("0e80")).code(), Err::unknown_type);
  EXPECT_EQ(decode_message(hex("ff80")).code(), Err::unknown_type);
  EXPECT_EQ(decode_message(hex("0700")).code(), Err::unknown_type);  // framing
  EXPECT_TRUE(is_known_msg_type(244));
  EXPECT_FALSE(is_known_msg_type(14));
  EXPECT_STREQ(msg_type_name(MsgType::has_label), "has_label");
}

// ---- rejection reasons, one code each

TEST(MemberlistReject, EveryPrefixOfAMessageIsTruncated) {
  Samples s;
  const Bytes full = *encode_message(s.alive);
  for (std::size_t n = 1; n < full.size(); ++n) {
    auto r = decode_alive(ByteView(full).subspan(1, n - 1));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.code(), Err::truncated) << "prefix " << n << ": " << r.message();
  }
  const Bytes ind = *encode_message(s.indirect);
  for (std::size_t n = 1; n < ind.size(); ++n) {
    EXPECT_EQ(decode_indirect_ping(ByteView(ind).subspan(1, n - 1)).code(), Err::truncated) << n;
  }
}

TEST(MemberlistReject, InvalidMsgpackIsBadMsgpack) {
  EXPECT_EQ(decode_nack(hex("81a55365714e6fc1")).code(), Err::bad_msgpack);
  EXPECT_EQ(decode_nack(hex("c1")).code(), Err::bad_msgpack);
  // An unknown key whose value is nested past the depth limit.
  Bytes deep = hex("82a55365714e6f05a158");
  deep.insert(deep.end(), 40, 0x91);
  deep.push_back(0x00);
  EXPECT_EQ(decode_nack(deep).code(), Err::bad_msgpack);
}

TEST(MemberlistReject, IllTypedOrOutOfRangeFieldsAreBadField) {
  EXPECT_EQ(decode_nack(hex("81a55365714e6fa131")).code(), Err::bad_field);         // string
  EXPECT_EQ(decode_nack(hex("81a55365714e6fff")).code(), Err::bad_field);           // -1
  EXPECT_EQ(decode_nack(hex("81a55365714e6fcf0000000100000000")).code(),            // 2^32
            Err::bad_field);
  EXPECT_EQ(decode_nack(hex("a0")).code(), Err::bad_field);                         // not a struct
  EXPECT_EQ(decode_ack(hex("81a75061796c6f616405")).code(), Err::bad_field);        // payload int
  EXPECT_EQ(decode_indirect_ping(hex("83a55365714e6f01a6546172676574a47f000001a44e61636b02"))
                .code(),
            Err::bad_field);  // Nack = 2
  // Port 70000 into a uint16.
  Bytes b;
  msgpack::Writer w(b);
  w.map_header(2);
  w.key("SeqNo");
  w.uint(1);
  w.key("SourcePort");
  w.uint(70000);
  auto p = decode_ping(b);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), Err::bad_field);
  EXPECT_NE(p.message().find("SourcePort"), std::string::npos);
  // A map key that is not a string.
  EXPECT_EQ(decode_nack(hex("810105")).code(), Err::bad_field);
  // Address lengths other than 4 or 16.
  Alive bad_addr{1, "n", Bytes{1, 2, 3}, 1, std::nullopt, kWkdVsn};
  EXPECT_EQ(encode_message(bad_addr).code(), Err::bad_field);
  EXPECT_EQ(decode_alive(hex("83a441646472a3010203ab496e6361726e6174696f6e01a44e6f6465a16e"))
                .code(),
            Err::bad_field);
}

TEST(MemberlistReject, MissingRequiredFieldsAreMissingField) {
  // alive without Node
  auto a = decode_alive(hex("82a441646472a47f000001ab496e6361726e6174696f6e01"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.code(), Err::missing_field);
  EXPECT_NE(a.message().find("Node"), std::string::npos);
  EXPECT_EQ(decode_ping(hex("81a44e6f6465a161")).code(), Err::missing_field);
  EXPECT_EQ(decode_nack(hex("80")).code(), Err::missing_field);
  EXPECT_EQ(decode_suspect(hex("81a44e6f6465a161")).code(), Err::missing_field);
  EXPECT_EQ(decode_compress(hex("81a4416c676f00")).code(), Err::missing_field);
  EXPECT_EQ(decode_push_pull_header(hex("81a44a6f696ec3")).code(), Err::missing_field);
  EXPECT_EQ(decode_indirect_ping(hex("81a55365714e6f01")).code(), Err::missing_field);
  EXPECT_EQ(decode_nack(hex("90")).code(), Err::missing_field);  // empty array form
}

Bytes alive_with_vsn(ByteView vsn) {
  Bytes b;
  msgpack::Writer w(b);
  w.map_header(4);
  w.key("Addr");
  w.raw(kLocal);
  w.key("Incarnation");
  w.uint(1);
  w.key("Node");
  w.str("n");
  w.key("Vsn");
  w.raw(vsn);
  return b;
}

TEST(MemberlistReject, ShortVsnIsShortVsnBothWays) {
  for (std::size_t n = 1; n < kVsnSize; ++n) {
    const Bytes vsn(n, 1);
    auto a = decode_alive(alive_with_vsn(vsn));
    ASSERT_FALSE(a.ok()) << n;
    EXPECT_EQ(a.code(), Err::short_vsn) << n;
  }
  // Empty means "not given" and is accepted.
  auto empty = decode_alive(alive_with_vsn({}));
  ASSERT_TRUE(empty.ok()) << empty.message();
  EXPECT_FALSE(empty->vsn.has_value());
  // Longer than 6: the first six count.
  const Bytes seven{1, 5, 2, 2, 5, 5, 9};
  auto longer = decode_alive(alive_with_vsn(seven));
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->vsn, kWkdVsn);

  // The encoder never emits anything but 6 bytes.
  Alive a{1, "n", kLocal, 1, std::nullopt, std::nullopt};
  EXPECT_EQ(encode_message(a).code(), Err::short_vsn);
  PushNodeState s{"n", kLocal, 1, std::nullopt, 1, NodeState::alive, std::nullopt};
  Bytes out;
  msgpack::Writer w(out);
  EXPECT_EQ(encode_body(s, w).code(), Err::short_vsn);
  PushPull pp{false, {s}, {}};
  EXPECT_EQ(encode_message(pp).code(), Err::short_vsn);
}

TEST(MemberlistReject, InconsistentVsnIsBadVsnBothWays) {
  const Bytes zero_min{0, 5, 2, 2, 5, 5};
  const Bytes zero_max{1, 0, 2, 2, 5, 5};
  const Bytes inverted{5, 1, 2, 2, 5, 5};
  for (const Bytes& v : {zero_min, zero_max, inverted}) {
    EXPECT_EQ(decode_alive(alive_with_vsn(v)).code(), Err::bad_vsn) << to_hex(v);
  }
  Alive a{1, "n", kLocal, 1, std::nullopt, Vsn{3, 2, 2, 2, 5, 5}};
  EXPECT_EQ(encode_message(a).code(), Err::bad_vsn);
}

TEST(MemberlistReject, MetaOver512IsRefusedOnEncode) {
  Alive ok{1, "n", kLocal, 1, Bytes(kMetaMaxSize, 1), kWkdVsn};
  EXPECT_TRUE(encode_message(ok).ok());
  Alive big{1, "n", kLocal, 1, Bytes(kMetaMaxSize + 1, 1), kWkdVsn};
  auto r = encode_message(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Err::oversized);
  EXPECT_NE(r.message().find("513"), std::string::npos) << r.message();
  PushNodeState n{"n", kLocal, 1, Bytes(kMetaMaxSize + 1, 1), 1, NodeState::alive, kWkdVsn};
  Bytes out;
  msgpack::Writer w(out);
  EXPECT_EQ(encode_body(n, w).code(), Err::oversized);
}

}  // namespace
}  // namespace wkd::wire
