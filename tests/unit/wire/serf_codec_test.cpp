// Serf codecs, tags and coordinates: captured messages re-encode byte for
// byte, every type round-trips in both int styles, and malformed input is
// refused with its own code.
#include "wire/serf_codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "wire/coordinate.hpp"
#include "wire/msgpack.hpp"
#include "wire/tags.hpp"

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

const Bytes kLocal{127, 0, 0, 1};

// Captured memberlist user messages (0x08 ‖ serf message), docs/wire.md §11.3.
constexpr const char* kJoinHex = "080182a54c54696d6501a44e6f6465a162";
constexpr const char* kLeaveHex = "080083a54c54696d6502a44e6f6465a162a55072756e65c2";
constexpr const char* kEventHex =
    "080384a24343c3a54c54696d6501a44e616d65a66465706c6f79a75061796c6f6164a568656c6c6f";
constexpr const char* kQueryHex =
    "08048ba441646472a47f000001a746696c74657273c0a5466c61677301a24944ce4ebc9070a54c54696d6501a44e"
    "616d65a6757074696d65a75061796c6f6164a27131a4506f7274cd1f0aab52656c6179466163746f7200aa536f75"
    "7263654e6f6465a161a754696d656f7574ce77359400";
constexpr const char* kResponseHex =
    "080585a5466c61677301a446726f6da161a24944ce4ebc9070a54c54696d6501a75061796c6f6164c0";

// Strips the 0x08 and decodes/re-encodes the serf message.
Bytes reencode(const Bytes& user_message, IntStyle style) {
  EXPECT_EQ(user_message.at(0), 0x08);
  auto m = decode_serf_message(ByteView(user_message).subspan(1));
  EXPECT_TRUE(m.ok()) << m.message();
  if (!m.ok()) return {};
  return std::visit(
      [&](const auto& msg) {
        auto b = encode_serf_message(msg, style);
        EXPECT_TRUE(b.ok()) << b.message();
        return b.ok() ? to_user_message(*b) : Bytes{};
      },
      *m);
}

TEST(SerfCapture, GossipMessagesReencodeIdentically) {
  for (const char* h : {kJoinHex, kLeaveHex, kEventHex, kQueryHex, kResponseHex}) {
    EXPECT_EQ(to_hex(reencode(hex(h), IntStyle::legacy)), h);
  }
}

TEST(SerfCapture, DecodedFieldsMatchTheCapture) {
  const Bytes q = hex(kQueryHex);
  auto query = decode_serf_query(ByteView(q).subspan(2));
  ASSERT_TRUE(query.ok()) << query.message();
  EXPECT_EQ(query->addr, kLocal);
  EXPECT_TRUE(query->filters.empty());
  EXPECT_EQ(query->flags, kQueryFlagAck);
  EXPECT_EQ(query->id, 0x4ebc9070u);
  EXPECT_EQ(query->ltime, 1u);
  EXPECT_EQ(query->name, "uptime");
  EXPECT_EQ(query->payload, to_bytes("q1"));
  EXPECT_EQ(query->port, 7946);
  EXPECT_EQ(query->relay_factor, 0);
  EXPECT_EQ(query->source_node, "a");
  EXPECT_EQ(query->timeout_ns, 2'000'000'000);

  // v2 differs only in the signed Timeout.
  const Bytes v2 = reencode(q, IntStyle::v2);
  std::string want = kQueryHex;
  want.replace(want.size() - 10, 2, "d2");
  EXPECT_EQ(to_hex(v2), want);

  const Bytes e = hex(kEventHex);
  auto ev = decode_serf_user_event(ByteView(e).subspan(2));
  ASSERT_TRUE(ev.ok());
  EXPECT_TRUE(ev->cc);
  EXPECT_EQ(ev->name, "deploy");
  EXPECT_EQ(ev->payload, to_bytes("hello"));

  const Bytes r = hex(kResponseHex);
  auto resp = decode_serf_query_response(ByteView(r).subspan(2));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->from, "a");
  EXPECT_FALSE(resp->payload.has_value());

  const Bytes l = hex(kLeaveHex);
  auto leave = decode_serf_leave(ByteView(l).subspan(2));
  ASSERT_TRUE(leave.ok());
  EXPECT_EQ(leave->ltime, 2u);
  EXPECT_FALSE(leave->prune);
}

// ---- round trips

template <class T, class Decode>
void expect_round_trip(const T& m, SerfType type, Decode decode) {
  for (IntStyle s : {IntStyle::legacy, IntStyle::v2}) {
    auto b = encode_serf_message(m, s);
    ASSERT_TRUE(b.ok()) << b.message();
    auto frame = split_serf_message(*b);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(frame->type, type);
    auto back = decode(frame->body);
    ASSERT_TRUE(back.ok()) << serf_type_name(type) << ": " << back.message();
    EXPECT_EQ(*back, m) << serf_type_name(type) << " " << msgpack::int_style_name(s);
  }
}

SerfQuery sample_query() {
  SerfQuery q;
  q.ltime = 1ull << 40;
  q.id = 0xdeadbeef;
  q.addr = Bytes(16, 0x20);
  q.port = 7946;
  q.source_node = "origin";
  q.filters = {NodeFilter{{"a", "b", std::string(40, 'c')}}, TagFilter{"role", "^web$"},
               UnknownFilter{7, Bytes{1, 2, 3}}};
  q.flags = kQueryFlagAck | kQueryFlagNoBroadcast;
  q.relay_factor = 3;
  q.timeout_ns = -1;  // signed: must survive
  q.name = "_serf_ping";
  q.payload = std::nullopt;
  return q;
}

SerfPushPull sample_push_pull() {
  SerfPushPull p;
  p.ltime = 9;
  p.status_ltimes = {{"a", 1}, {"b", 300}, {"c", 1ull << 33}};
  p.left_members = {"gone"};
  p.event_ltime = 4;
  p.events.assign(5, std::nullopt);
  p.events[2] = SerfEventSlot{2, {SerfEventEntry{"deploy", to_bytes("v1")},
                                  SerfEventEntry{"nothing", std::nullopt}}};
  p.query_ltime = 77;
  return p;
}

TEST(SerfRoundTrip, EveryTypeInBothStyles) {
  expect_round_trip(SerfLeave{5, "n", true}, SerfType::leave,
                    [](ByteView b) { return decode_serf_leave(b); });
  expect_round_trip(SerfJoin{1ull << 60, "n"}, SerfType::join,
                    [](ByteView b) { return decode_serf_join(b); });
  expect_round_trip(sample_push_pull(), SerfType::push_pull,
                    [](ByteView b) { return decode_serf_push_pull(b); });
  expect_round_trip(SerfPushPull{}, SerfType::push_pull,
                    [](ByteView b) { return decode_serf_push_pull(b); });
  expect_round_trip(SerfUserEvent{3, "ev", Bytes(300, 1), true}, SerfType::user_event,
                    [](ByteView b) { return decode_serf_user_event(b); });
  expect_round_trip(SerfUserEvent{3, "ev", std::nullopt, false}, SerfType::user_event,
                    [](ByteView b) { return decode_serf_user_event(b); });
  expect_round_trip(sample_query(), SerfType::query,
                    [](ByteView b) { return decode_serf_query(b); });
  expect_round_trip(SerfQueryResponse{8, 9, "me", 0, Bytes{0x06, 0xc0}}, SerfType::query_response,
                    [](ByteView b) { return decode_serf_query_response(b); });
  SerfMember member{"m", kLocal, 7946, {{"role", "web"}, {"dc", "x"}}, SerfMemberStatus::failed,
                    1, 5, 2, 2, 5, 4};
  expect_round_trip(SerfConflictResponse{member}, SerfType::conflict_response,
                    [](ByteView b) { return decode_serf_conflict_response(b); });
  expect_round_trip(SerfConflictResponse{}, SerfType::conflict_response,
                    [](ByteView b) { return decode_serf_conflict_response(b); });
  expect_round_trip(SerfKeyRequest{Bytes(32, 0x11)}, SerfType::key_request,
                    [](ByteView b) { return decode_serf_key_request(b); });
  expect_round_trip(SerfKeyResponse{{"a2V5MQ==", "a2V5Mg=="}, "ok", "a2V5MQ==", true},
                    SerfType::key_response, [](ByteView b) { return decode_serf_key_response(b); });
  expect_round_trip(SerfKeyResponse{{}, "failed", "", false}, SerfType::key_response,
                    [](ByteView b) { return decode_serf_key_response(b); });
  SerfRelay relay{SerfRelayHeader{kLocal, 7946, "", "dest"}, *encode_serf_message(SerfJoin{1, "b"})};
  expect_round_trip(relay, SerfType::relay, [](ByteView b) { return decode_serf_relay(b); });
}

TEST(SerfEncode, UnknownConflictMemberIs06C0) {
  auto b = encode_serf_message(SerfConflictResponse{});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(to_hex(*b), "06c0");
}

TEST(SerfEncode, EmptyKeysAndFiltersAreNilLeftMembersIsEmptyArray) {
  Bytes out;
  msgpack::Writer w(out);
  ASSERT_TRUE(encode_serf_body(SerfKeyResponse{{}, "", "", false}, w).ok());
  EXPECT_EQ(to_hex(ByteView(out).first(7)), "84a44b657973c0");
  SerfPushPull p;
  auto b = encode_serf_message(p);
  ASSERT_TRUE(b.ok());
  const std::string h = to_hex(*b);
  EXPECT_NE(h.find("ab4c6566744d656d6265727390"), std::string::npos) << h;  // LeftMembers 90
  EXPECT_NE(h.find("a64576656e747390"), std::string::npos) << h;            // Events 90
}

TEST(SerfEncode, PushPullMatchesTheCapturedUserState) {
  // The serf user state of the 681-byte capture: 512 nil event slots.
  SerfPushPull p;
  p.ltime = 1;
  p.event_ltime = 1;
  p.query_ltime = 1;
  p.events.assign(512, std::nullopt);
  p.status_ltimes = {{"b", 0}};
  auto b = encode_serf_message(p);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 585u);  // UserStateLen in the capture
  std::string want = "0286aa4576656e744c54696d6501a64576656e7473dc0200";
  for (int i = 0; i < 512; ++i) want += "c0";
  want += "a54c54696d6501ab4c6566744d656d6265727390aa51756572794c54696d6501ac5374617475734c54696d65"
          "7381a16200";
  EXPECT_EQ(to_hex(*b), want);
}

TEST(SerfFilters, EncodingOfEachFilterType) {
  auto node = encode_query_filter(NodeFilter{{"a", "b"}});
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(to_hex(*node), "0092a161a162");
  auto tag = encode_query_filter(TagFilter{"role", "web.*"});
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(to_hex(*tag), "0182a445787072a57765622e2aa3546167a4726f6c65");
  auto back = decode_query_filter(*tag);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<TagFilter>(*back), (TagFilter{"role", "web.*"}));
  auto unknown = decode_query_filter(hex("09ff"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(std::get<UnknownFilter>(*unknown), (UnknownFilter{9, Bytes{0xff}}));
  // Even an empty node list is a non-empty entry.
  auto empty_list = encode_query_filter(NodeFilter{});
  ASSERT_TRUE(empty_list.ok());
  EXPECT_EQ(to_hex(*empty_list), "0090");
}

Bytes query_with_filters(const std::string& filters_hex) {
  // {Addr, Filters, ID, LTime, Name}
  return hex("85a441646472a47f000001a746696c74657273" + filters_hex +
             "a2494401a54c54696d6501a44e616d65a171");
}

TEST(SerfReject, EmptyFilterEntryIsEmptyFilter) {
  auto ok = decode_serf_query(query_with_filters("91a3" "0091a0"));
  ASSERT_TRUE(ok.ok()) << ok.message();
  ASSERT_EQ(ok->filters.size(), 1u);
  EXPECT_EQ(std::get<NodeFilter>(ok->filters[0]).names, std::vector<std::string>{""});
  for (const char* f : {"91a0", "92a30091a0a0", "91c0", "91c400"}) {
    auto r = decode_serf_query(query_with_filters(f));
    ASSERT_FALSE(r.ok()) << f;
    EXPECT_EQ(r.code(), Err::empty_filter) << f;
  }
  EXPECT_EQ(decode_query_filter({}).code(), Err::empty_filter);
}

TEST(SerfReject, MalformedFilterBodiesAreRejected) {
  // node filter whose body is not an array
  EXPECT_EQ(decode_serf_query(query_with_filters("91a200" "05")).code(), Err::bad_field);
  // tag filter cut short
  EXPECT_EQ(decode_serf_query(query_with_filters("91a30182a4")).code(), Err::truncated);
}

TEST(SerfReject, UnknownAndMisplacedTypes) {
  auto r = split_serf_message(hex("0a80"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Err::unknown_type);
  EXPECT_EQ(decode_serf_message(hex("ff80")).code(), Err::unknown_type);
  for (const char* h : {"0280", "06c0", "0780", "0880"}) {
    EXPECT_EQ(decode_serf_message(hex(h)).code(), Err::unknown_type) << h;
  }
  EXPECT_EQ(decode_serf_message({}).code(), Err::truncated);
}

TEST(SerfReject, MissingIllTypedAndTruncated) {
  EXPECT_EQ(decode_serf_join(hex("81a44e6f6465a162")).code(), Err::missing_field);
  EXPECT_EQ(decode_serf_join(hex("82a54c54696d65ffa44e6f6465a162")).code(), Err::bad_field);
  EXPECT_EQ(decode_serf_leave(hex("83a54c54696d6502a44e6f6465a162a55072756e6505")).code(),
            Err::bad_field);
  EXPECT_EQ(decode_serf_query_response(hex("81a446726f6da161")).code(), Err::missing_field);
  const Bytes q = hex(kQueryHex);
  for (std::size_t n = 2; n < q.size(); ++n) {
    EXPECT_EQ(decode_serf_query(ByteView(q).subspan(2, n - 2)).code(), Err::truncated) << n;
  }
  // Query timeout that doesn't fit an int64.
  std::string big = kQueryHex;
  big.replace(big.size() - 10, 10, "cfffffffffffffffff");
  EXPECT_EQ(decode_serf_query(ByteView(hex(big)).subspan(2)).code(), Err::bad_field);
}

TEST(SerfRelay, HeaderMatchesGoAndInnerIsForwardedUntouched) {
  SerfRelayHeader h{kLocal, 7946, "", "a"};
  for (auto [style, want] :
       {std::pair{IntStyle::legacy,
                  "82a8446573744164647283a24950a47f000001a4506f7274cd1f0aa45a6f6e65a0a8446573744e"
                  "616d65a161"},
        std::pair{IntStyle::v2,
                  "82a8446573744164647283a24950a47f000001a4506f7274d11f0aa45a6f6e65a0a8446573744e"
                  "616d65a161"}}) {
    Bytes out;
    msgpack::Writer w(out, style);
    ASSERT_TRUE(encode_serf_body(h, w).ok());
    EXPECT_EQ(to_hex(out), want);
  }
  const Bytes response = hex(kResponseHex);
  const Bytes inner(response.begin() + 1, response.end());  // without the 0x08
  auto msg = encode_serf_message(SerfRelay{h, inner});
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ((*msg)[0], 0x09);
  auto back = decode_serf_relay(ByteView(*msg).subspan(1));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->inner, inner);
  EXPECT_EQ(back->header, h);
  // The inner message decodes as a query response.
  auto inner_msg = decode_serf_message(back->inner);
  ASSERT_TRUE(inner_msg.ok());
  EXPECT_TRUE(std::holds_alternative<SerfQueryResponse>(*inner_msg));

  // Relay without an inner message, or with an unknown inner type.
  Bytes no_inner;
  msgpack::Writer w(no_inner);
  ASSERT_TRUE(encode_serf_body(h, w).ok());
  EXPECT_EQ(decode_serf_relay(no_inner).code(), Err::truncated);
  no_inner.push_back(0x42);
  EXPECT_EQ(decode_serf_relay(no_inner).code(), Err::unknown_type);
  EXPECT_EQ(encode_serf_message(SerfRelay{h, {}}).code(), Err::truncated);
  // Port out of range for a UDP address.
  std::string bad = "82a8446573744164647283a24950a47f000001a4506f7274ce00010000a45a6f6e65a0a8446573"
                    "744e616d65a161";
  EXPECT_EQ(decode_serf_relay(hex(bad + "0180")).code(), Err::bad_field);
}

TEST(SerfConflict, MemberVectorAndNil) {
  const char* member_hex =
      "8ba441646472a47f000001ab44656c656761746543757205ab44656c65676174654d617805ab44656c65676174"
      "654d696e02a44e616d65a161a4506f7274cd1f0aab50726f746f636f6c43757202ab50726f746f636f6c4d6178"
      "05ab50726f746f636f6c4d696e01a653746174757301a45461677381a4726f6c65a3776562";
  auto m = decode_serf_conflict_response(hex(member_hex));
  ASSERT_TRUE(m.ok()) << m.message();
  ASSERT_TRUE(m->member.has_value());
  EXPECT_EQ(m->member->name, "a");
  EXPECT_EQ(m->member->status, SerfMemberStatus::alive);
  EXPECT_EQ(m->member->tags, (std::map<std::string, std::string>{{"role", "web"}}));
  EXPECT_EQ(m->member->delegate_cur, 5);
  EXPECT_EQ(m->member->protocol_min, 1);
  auto nil = decode_serf_conflict_response(hex("c0"));
  ASSERT_TRUE(nil.ok());
  EXPECT_FALSE(nil->member.has_value());
}

// ---- tags

TEST(SerfTags, EncodeSortsKeysAndDecodeInverts) {
  auto b = encode_tags({{"role", "web"}, {"dc", "x"}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(to_hex(*b), "ff82a26463a178a4726f6c65a3776562");
  auto none = encode_tags({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(to_hex(*none), "ff80");
  // Captured Go order (role first) decodes to the same map.
  auto t = decode_tags(hex("ff82a4726f6c65a3776562a26463a178"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (Tags{{"role", "web"}, {"dc", "x"}}));
}

TEST(SerfTags, LegacyRoleForm) {
  auto empty = decode_tags({});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, (Tags{{"role", ""}}));
  auto role = decode_tags(to_bytes("web"));
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(*role, (Tags{{"role", "web"}}));
}

TEST(SerfTags, MalformedAndOversized) {
  for (const char* h : {"ff", "ff81a1", "ff81a16105", "ffa0", "ffc1"}) {
    auto r = decode_tags(hex(h));
    ASSERT_FALSE(r.ok()) << h;
    EXPECT_EQ(r.code(), Err::bad_tags) << h;
  }
  Tags big{{"k", std::string(600, 'v')}};
  auto r = encode_tags(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Err::oversized);
  EXPECT_NE(r.message().find("607"), std::string::npos) << r.message();  // ff 81 a1 k da+2 600
  EXPECT_NE(r.message().find("512"), std::string::npos) << r.message();
  // Exactly at the limit is fine: ff 81 a1 6b da xxxx = 7 bytes + value.
  Tags edge{{"k", std::string(kMetaMaxSize - 7, 'v')}};
  auto e = encode_tags(edge);
  ASSERT_TRUE(e.ok()) << e.message();
  EXPECT_EQ(e->size(), kMetaMaxSize);
}

// ---- coordinates

constexpr const char* kInitialCoordinateHex =
    "0184aa41646a7573746d656e74cb0000000000000000a54572726f72cb3ff8000000000000a6486569676874cb3e"
    "e4f8b588e368f1a356656398cb0000000000000000cb0000000000000000cb0000000000000000cb000000000000"
    "0000cb0000000000000000cb0000000000000000cb0000000000000000cb0000000000000000";

TEST(Coordinate, InitialPayloadIs130ExactBytes) {
  auto b = encode_coordinate_payload(initial_coordinate());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->size(), 130u);
  EXPECT_EQ(to_hex(*b), kInitialCoordinateHex);
}

TEST(Coordinate, RoundTripsArbitraryValues) {
  Coordinate c{{0.001, -0.002, 1e-9, 0, 0.5, -0.5, 3, 4}, 0.8, -1e-4, 2e-5};
  auto b = encode_coordinate_payload(c);
  ASSERT_TRUE(b.ok());
  auto back = decode_coordinate_payload(*b);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, c);
}

TEST(Coordinate, AcceptsFloat32AndIntsAndArrayForm) {
  Bytes b{kPingPayloadVersion};
  msgpack::Writer w(b);
  w.array_header(4);  // Go declaration order: Vec, Error, Adjustment, Height
  w.array_header(8);
  for (int i = 0; i < 8; ++i) w.uint(static_cast<std::uint64_t>(i));
  b.insert(b.end(), {0xca, 0x3f, 0xc0, 0x00, 0x00});  // float32 1.5
  w.sint(-1);
  w.float64(1e-5);
  auto c = decode_coordinate_payload(b);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->vec[7], 7.0);
  EXPECT_EQ(c->error, 1.5);
  EXPECT_EQ(c->adjustment, -1.0);
}

TEST(Coordinate, RejectsBadPayloads) {
  EXPECT_EQ(decode_coordinate_payload({}).code(), Err::truncated);
  Bytes v2 = hex(kInitialCoordinateHex);
  v2[0] = 2;
  EXPECT_EQ(decode_coordinate_payload(v2).code(), Err::unknown_type);
  // Seven dimensions.
  Coordinate seven = initial_coordinate(7);
  EXPECT_EQ(encode_coordinate_payload(seven).code(), Err::bad_field);
  auto seven_bytes = encode_coordinate_payload(seven, 7);
  ASSERT_TRUE(seven_bytes.ok());
  EXPECT_EQ(decode_coordinate_payload(*seven_bytes).code(), Err::bad_field);
  EXPECT_TRUE(decode_coordinate_payload(*seven_bytes, 7).ok());
  // NaN and Inf, in the vector and in scalars, both directions.
  for (double bad : {std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    Coordinate c = initial_coordinate();
    c.vec[3] = bad;
    EXPECT_EQ(encode_coordinate_payload(c).code(), Err::bad_field);
    Bytes raw{kPingPayloadVersion};
    msgpack::Writer w(raw);
    ASSERT_TRUE(encode_coordinate_body(c, w).ok());
    EXPECT_EQ(decode_coordinate_payload(raw).code(), Err::bad_field);
    Coordinate h = initial_coordinate();
    h.height = bad;
    EXPECT_EQ(encode_coordinate_payload(h).code(), Err::bad_field);
  }
  // Missing Height.
  Bytes missing{kPingPayloadVersion};
  msgpack::Writer w(missing);
  w.map_header(3);
  w.key("Adjustment");
  w.float64(0);
  w.key("Error");
  w.float64(1.5);
  w.key("Vec");
  w.array_header(8);
  for (int i = 0; i < 8; ++i) w.float64(0);
  EXPECT_EQ(decode_coordinate_payload(missing).code(), Err::missing_field);
  // Vec element of the wrong type.
  Bytes s = hex(kInitialCoordinateHex);
  s[s.size() - 9] = 0xa8;  // last cb -> fixstr of 8
  EXPECT_EQ(decode_coordinate_payload(s).code(), Err::bad_field);
}

}  // namespace
}  // namespace wkd::wire
