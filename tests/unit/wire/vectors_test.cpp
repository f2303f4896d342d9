// Go-produced vectors, read at test time from tests/data/captures:
//  * govec_vectors.txt: every value re-encodes to the exact bytes of the
//    matching Go codec (legacy = go-msgpack 0.5.5 "old", v2 = v2.1.5), and
//    each style's bytes decode and re-encode into the other style;
//  * */dump.txt: every plain memberlist and serf message captured between
//    real Debian serf agents decodes and re-encodes byte for byte (the
//    compound/CRC framing is peeled off by hand here; compressed packets are
//    left to the framing tests).
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/rng.hpp"
#include "wire/coordinate.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/msgpack.hpp"
#include "wire/serf_codec.hpp"
#include "wire/tags.hpp"

namespace wkd::wire {
namespace {

using msgpack::Reader;
using msgpack::Writer;

const std::string kCaptures = WKD_CAPTURES_DIR;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- govec_vectors.txt

struct GoVector {
  std::string name;
  Bytes old_bytes;  // go-msgpack 0.5.5
  Bytes v2_bytes;   // go-msgpack/v2
};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// "== name [SAME]" then " old: <hex>" and " v2 : <hex>".
std::vector<GoVector> load_go_vectors() {
  std::vector<GoVector> out;
  std::istringstream in(read_file(kCaptures + "/govec_vectors.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("== ", 0) == 0) {
      const auto end = line.find(' ', 3);
      out.push_back(GoVector{line.substr(3, end == std::string::npos ? end : end - 3), {}, {}});
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos || out.empty()) continue;
    const std::string tag = trim(std::string_view(line).substr(0, colon));
    if (tag != "old" && tag != "v2") continue;
    Bytes b;
    EXPECT_TRUE(from_hex(trim(std::string_view(line).substr(colon + 1)), b)) << line;
    (tag == "old" ? out.back().old_bytes : out.back().v2_bytes) = b;
  }
  return out;
}

// Decode `in` and re-encode it in `style`.
using Codec = std::function<Result<Bytes>(ByteView in, IntStyle style)>;

template <class Decode>
Codec body_codec(Decode decode) {
  return [decode](ByteView in, IntStyle style) -> Result<Bytes> {
    auto m = decode(in);
    if (!m) return std::move(m).failure();
    Bytes out;
    Writer w(out, style);
    if (auto st = encode_body(*m, w); !st) return std::move(st).failure();
    return out;
  };
}

template <class Decode>
Codec serf_body_codec(Decode decode) {
  return [decode](ByteView in, IntStyle style) -> Result<Bytes> {
    auto m = decode(in);
    if (!m) return std::move(m).failure();
    Bytes out;
    Writer w(out, style);
    if (auto st = encode_serf_body(*m, w); !st) return std::move(st).failure();
    return out;
  };
}

const std::map<std::string, Codec>& codecs() {
  static const std::map<std::string, Codec> table = [] {
    std::map<std::string, Codec> t;
    auto ping = body_codec([](ByteView b) { return decode_ping(b); });
    auto ack = body_codec([](ByteView b) { return decode_ack(b); });
    auto alive = body_codec([](ByteView b) { return decode_alive(b); });
    auto header = body_codec([](ByteView b) { return decode_push_pull_header(b); });
    auto user = body_codec([](ByteView b) { return decode_user_msg_header(b); });
    auto conflict = serf_body_codec([](ByteView b) { return decode_serf_conflict_response(b); });
    auto sint = [](ByteView in, IntStyle style) -> Result<Bytes> {
      Reader r(in);
      auto v = r.read_int("int");
      if (!v) return std::move(v).failure();
      Bytes out;
      Writer(out, style).sint(*v);
      return out;
    };
    t["ping"] = ping;
    t["ping-noSource"] = ping;
    t["indirect"] = body_codec([](ByteView b) { return decode_indirect_ping(b); });
    t["ack-nil"] = ack;
    t["ack-empty"] = ack;
    t["ack-40"] = ack;
    t["nack"] = body_codec([](ByteView b) { return decode_nack(b); });
    t["err"] = body_codec([](ByteView b) { return decode_err_resp(b); });
    t["suspect"] = body_codec([](ByteView b) { return decode_suspect(b); });
    t["alive"] = alive;
    t["alive-nilmeta-ip16"] = alive;
    t["dead"] = body_codec([](ByteView b) { return decode_dead(b); });
    t["pphdr"] = header;
    t["pphdr-big"] = header;
    t["userMsgHeader"] = user;
    t["userMsgHeader-300"] = user;
    t["pushNodeState"] = body_codec([](ByteView b) { return decode_push_node_state(b); });
    t["compress"] = body_codec([](ByteView b) { return decode_compress(b); });
    t["query"] = serf_body_codec([](ByteView b) { return decode_serf_query(b); });
    t["relayHeader"] = [](ByteView in, IntStyle style) -> Result<Bytes> {
      Reader r(in);
      auto h = decode_serf_relay_header(r);
      if (!h) return std::move(h).failure();
      Bytes out;
      Writer w(out, style);
      if (auto st = encode_serf_body(*h, w); !st) return std::move(st).failure();
      return out;
    };
    t["member"] = conflict;
    t["nil-member"] = conflict;
    t["tags-empty"] = [](ByteView in, IntStyle) -> Result<Bytes> {
      Bytes meta{kTagMagicByte};
      append(meta, in);
      auto tags = decode_tags(meta);
      if (!tags) return std::move(tags).failure();
      auto b = encode_tags(*tags);
      if (!b) return std::move(b).failure();
      return Bytes(b->begin() + 1, b->end());
    };
    t["int-neg"] = sint;
    t["int-200"] = sint;
    t["int64-2e9"] = sint;
    t["uint-200"] = [](ByteView in, IntStyle style) -> Result<Bytes> {
      Reader r(in);
      auto v = r.read_uint("uint");
      if (!v) return std::move(v).failure();
      Bytes out;
      Writer(out, style).uint(*v);
      return out;
    };
    t["str-40"] = [](ByteView in, IntStyle style) -> Result<Bytes> {
      Reader r(in);
      auto v = r.read_str("str");
      if (!v) return std::move(v).failure();
      Bytes out;
      Writer(out, style).str(*v);
      return out;
    };
    // serf LeftMembers: an empty []string.
    t["strslice-empty"] = [](ByteView in, IntStyle style) -> Result<Bytes> {
      Bytes user_state{static_cast<std::uint8_t>(SerfType::push_pull)};
      Writer w(user_state, style);
      w.map_header(2);
      w.key("LTime");
      w.uint(1);
      w.key("LeftMembers");
      append(user_state, in);
      auto pp = decode_serf_push_pull(ByteView(user_state).subspan(1));
      if (!pp) return std::move(pp).failure();
      if (!pp->left_members.empty()) return fail(Err::bad_field, "expected no left members");
      auto again = encode_serf_message(*pp, style);
      if (!again) return std::move(again).failure();
      const std::string h = to_hex(*again);
      const std::string key = "ab4c6566744d656d62657273";  // "LeftMembers"
      const auto at = h.find(key);
      if (at == std::string::npos) return fail(Err::missing_field, "LeftMembers");
      Bytes out;
      out.push_back((*again)[(at + key.size()) / 2]);
      return out;
    };
    // serf query Filters: nil [][]byte.
    t["bytes-slices-nil"] = [](ByteView in, IntStyle style) -> Result<Bytes> {
      SerfQuery q;
      q.addr = {127, 0, 0, 1};
      Reader r(in);
      if (!r.take_nil()) return fail(Err::bad_field, "expected nil");
      Bytes out;
      Writer w(out, style);
      if (auto st = encode_serf_body(q, w); !st) return std::move(st).failure();
      const std::string h = to_hex(out);
      const std::string key = "a746696c74657273";  // "Filters"
      const auto at = h.find(key);
      if (at == std::string::npos) return fail(Err::missing_field, "Filters");
      return Bytes{out[(at + key.size()) / 2]};
    };
    return t;
  }();
  return table;
}

TEST(GoVectors, FileIsPresentAndComplete) {
  const auto vectors = load_go_vectors();
  ASSERT_GE(vectors.size(), 30u) << "could not read " << kCaptures << "/govec_vectors.txt";
  for (const auto& v : vectors) {
    EXPECT_FALSE(v.old_bytes.empty()) << v.name;
    EXPECT_FALSE(v.v2_bytes.empty()) << v.name;
    EXPECT_TRUE(codecs().count(v.name)) << "no codec for vector " << v.name;
  }
}

TEST(GoVectors, EachStyleReproducesItsGoCodec) {
  const auto vectors = load_go_vectors();
  ASSERT_FALSE(vectors.empty());
  std::size_t diff_count = 0;
  for (const auto& v : vectors) {
    auto it = codecs().find(v.name);
    if (it == codecs().end()) continue;  // reported above
    const Codec& codec = it->second;
    if (v.old_bytes != v.v2_bytes) ++diff_count;
    auto legacy = codec(v.old_bytes, IntStyle::legacy);
    ASSERT_TRUE(legacy.ok()) << v.name << ": " << legacy.message();
    EXPECT_EQ(to_hex(*legacy), to_hex(v.old_bytes)) << v.name << " (legacy)";
    auto v2 = codec(v.v2_bytes, IntStyle::v2);
    ASSERT_TRUE(v2.ok()) << v.name << ": " << v2.message();
    EXPECT_EQ(to_hex(*v2), to_hex(v.v2_bytes)) << v.name << " (v2)";
    // Either Go codec's output decodes into the other style's bytes.
    auto cross_old = codec(v.v2_bytes, IntStyle::legacy);
    ASSERT_TRUE(cross_old.ok()) << v.name;
    EXPECT_EQ(to_hex(*cross_old), to_hex(v.old_bytes)) << v.name << " (v2 -> legacy)";
    auto cross_v2 = codec(v.old_bytes, IntStyle::v2);
    ASSERT_TRUE(cross_v2.ok()) << v.name;
    EXPECT_EQ(to_hex(*cross_v2), to_hex(v.v2_bytes)) << v.name << " (legacy -> v2)";
  }
  EXPECT_GE(diff_count, 7u) << "the DIFF vectors must be exercised";
}

// ---- captured packets

struct Packet {
  std::string header;
  bool tcp = false;
  Bytes bytes;
};

bool is_hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// "[0.099] UDP a -> b len=143" starts a packet; "    0010  64 72 ...  ascii"
// rows carry its bytes (16 per row, hex in columns 10..57).
std::vector<Packet> load_dump(const std::string& dir) {
  std::vector<Packet> out;
  std::istringstream in(read_file(kCaptures + "/" + dir + "/dump.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '[') {
      const bool udp = line.find("] UDP ") != std::string::npos;
      const bool tcp = line.find("] TCP ") != std::string::npos;
      if (udp || tcp) out.push_back(Packet{line, tcp, {}});
      continue;
    }
    const bool row = line.size() > 12 && line.rfind("    ", 0) == 0 && is_hex_digit(line[4]) &&
                     is_hex_digit(line[5]) && is_hex_digit(line[6]) && is_hex_digit(line[7]) &&
                     line[8] == ' ' && line[9] == ' ';
    if (!row || out.empty()) continue;
    std::istringstream cols(line.substr(10, 48));
    std::string tok;
    while (cols >> tok) {
      if (tok.size() != 2 || !is_hex_digit(tok[0]) || !is_hex_digit(tok[1])) break;
      Bytes b;
      EXPECT_TRUE(from_hex(tok, b)) << line;
      append(out.back().bytes, b);
    }
  }
  return out;
}

struct Tally {
  std::map<std::string, int> seen;
  int skipped_compressed = 0;
};

void check_serf(ByteView serf_message, Tally& tally, const std::string& where) {
  auto m = decode_serf_message(serf_message);
  ASSERT_TRUE(m.ok()) << where << ": " << m.message();
  auto again = std::visit([](const auto& x) { return encode_serf_message(x); }, *m);
  ASSERT_TRUE(again.ok()) << where;
  EXPECT_EQ(to_hex(*again), to_hex(serf_message)) << where;
  ++tally.seen[std::string("serf.") + serf_type_name(static_cast<SerfType>(serf_message[0]))];
}

void check_message(ByteView part, Tally& tally, const std::string& where) {
  ASSERT_FALSE(part.empty()) << where;
  const auto type = static_cast<MsgType>(part[0]);
  if (type == MsgType::user) {
    check_serf(part.subspan(1), tally, where);
    return;
  }
  if (type == MsgType::compress) {
    ++tally.skipped_compressed;
    return;
  }
  if (type == MsgType::push_pull) {
    auto pp = decode_push_pull(part.subspan(1));
    ASSERT_TRUE(pp.ok()) << where << ": " << pp.message();
    auto again = encode_message(*pp);
    ASSERT_TRUE(again.ok()) << where;
    EXPECT_EQ(to_hex(*again), to_hex(part)) << where;
    for (const auto& n : pp->nodes) EXPECT_EQ(n.vsn, kWkdVsn) << where;
    // The user state is serf's: 0x02 ‖ messagePushPull.
    auto frame = split_serf_message(pp->user_state);
    ASSERT_TRUE(frame.ok()) << where;
    ASSERT_EQ(frame->type, SerfType::push_pull) << where;
    auto state = decode_serf_push_pull(frame->body);
    ASSERT_TRUE(state.ok()) << where << ": " << state.message();
    EXPECT_EQ(state->events.size(), 512u) << where;
    auto state_again = encode_serf_message(*state);
    ASSERT_TRUE(state_again.ok());
    EXPECT_EQ(to_hex(*state_again), to_hex(pp->user_state)) << where;
    ++tally.seen["push_pull"];
    return;
  }
  auto m = decode_message(part);
  ASSERT_TRUE(m.ok()) << where << ": " << m.message() << " in " << to_hex(part);
  auto again = std::visit([](const auto& x) { return encode_message(x); }, *m);
  ASSERT_TRUE(again.ok()) << where;
  EXPECT_EQ(to_hex(*again), to_hex(part)) << where;
  if (const auto* ack = std::get_if<Ack>(&*m); ack && ack->payload && !ack->payload->empty()) {
    auto c = decode_coordinate_payload(*ack->payload);
    ASSERT_TRUE(c.ok()) << where << ": " << c.message();
    auto c_again = encode_coordinate_payload(*c);
    ASSERT_TRUE(c_again.ok());
    EXPECT_EQ(*c_again, *ack->payload) << where;
    ++tally.seen["coordinate"];
  }
  ++tally.seen[msg_type_name(type)];
}

// Peels CRC and compound framing by hand (the framing code has its own tests).
void check_packet(const Packet& p, Tally& tally) {
  ByteView b = p.bytes;
  ASSERT_FALSE(b.empty()) << p.header;
  if (b[0] == static_cast<std::uint8_t>(MsgType::has_crc)) {
    ASSERT_GE(b.size(), 5u) << p.header;
    b = b.subspan(5);
  }
  if (b[0] != static_cast<std::uint8_t>(MsgType::compound)) {
    check_message(b, tally, p.header);
    return;
  }
  ASSERT_GE(b.size(), 2u) << p.header;
  const std::size_t count = b[1];
  ASSERT_GE(b.size(), 2 + 2 * count) << p.header;
  std::size_t off = 2 + 2 * count;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t len = get_be16(&b[2 + 2 * i]);
    ASSERT_LE(off + len, b.size()) << p.header;
    check_message(b.subspan(off, len), tally, p.header + " part " + std::to_string(i));
    off += len;
  }
}

TEST(CodecCaptures, EveryPlainMessageReencodesIdentically) {
  Tally tally;
  std::size_t packets = 0;
  for (const char* dir : {"plain", "fail", "comp"}) {
    const auto dump = load_dump(dir);
    ASSERT_FALSE(dump.empty()) << "could not read " << dir << "/dump.txt";
    for (const auto& p : dump) {
      ++packets;
      check_packet(p, tally);
    }
  }
  EXPECT_GT(packets, 100u);
  // Every message kind the captures contain was seen and checked.
  for (const char* kind :
       {"ping", "indirect_ping", "ack", "nack", "alive", "suspect", "dead", "push_pull",
        "coordinate", "serf.join", "serf.leave", "serf.user_event", "serf.query",
        "serf.query_response"}) {
    EXPECT_GT(tally.seen[kind], 0) << kind;
  }
  EXPECT_GT(tally.skipped_compressed, 0);
}

// The plain (not compressed) messages of every capture, framing peeled off.
std::vector<Bytes> captured_messages() {
  std::vector<Bytes> out;
  for (const char* dir : {"plain", "fail"}) {
    for (const auto& p : load_dump(dir)) {
      ByteView b = p.bytes;
      if (!b.empty() && b[0] == static_cast<std::uint8_t>(MsgType::has_crc) && b.size() >= 5) {
        b = b.subspan(5);
      }
      if (b.size() < 2 || b[0] != static_cast<std::uint8_t>(MsgType::compound)) {
        if (!b.empty() && b[0] != static_cast<std::uint8_t>(MsgType::compress)) {
          out.emplace_back(b.begin(), b.end());
        }
        continue;
      }
      const std::size_t count = b[1];
      std::size_t off = 2 + 2 * count;
      for (std::size_t i = 0; i < count && 2 + 2 * i + 1 < b.size(); ++i) {
        const std::size_t len = get_be16(&b[2 + 2 * i]);
        if (off + len > b.size()) break;
        out.emplace_back(b.begin() + static_cast<std::ptrdiff_t>(off),
                         b.begin() + static_cast<std::ptrdiff_t>(off + len));
        off += len;
      }
    }
  }
  return out;
}

// Decodes `in` as whatever its type byte says; on success re-encodes and
// decodes again, which must give the same value. Returns the failure code
// (or nullopt on success).
std::optional<Err> decode_stable(ByteView in) {
  if (in.empty()) return Err::truncated;
  if (in[0] == static_cast<std::uint8_t>(MsgType::user)) {
    auto m = decode_serf_message(in.subspan(1));
    if (!m) return m.code();
    auto again = std::visit([](const auto& x) { return encode_serf_message(x); }, *m);
    if (!again) return again.code();  // e.g. a decoded relay whose inner is odd
    auto m2 = decode_serf_message(*again);
    EXPECT_TRUE(m2.ok()) << to_hex(in);
    if (m2.ok()) {
      EXPECT_TRUE(*m2 == *m) << to_hex(in);
    }
    return std::nullopt;
  }
  if (in[0] == static_cast<std::uint8_t>(MsgType::push_pull)) {
    auto pp = decode_push_pull(in.subspan(1));
    if (!pp) return pp.code();
    auto again = encode_message(*pp);
    if (!again) return again.code();  // e.g. an over-long meta is accepted, not re-sent
    auto pp2 = decode_push_pull(ByteView(*again).subspan(1));
    EXPECT_TRUE(pp2.ok()) << to_hex(in);
    if (pp2.ok()) {
      EXPECT_TRUE(*pp2 == *pp) << to_hex(in);
    }
    return std::nullopt;
  }
  auto m = decode_message(in);
  if (!m) return m.code();
  auto again = std::visit([](const auto& x) { return encode_message(x); }, *m);
  if (!again) return again.code();
  auto m2 = decode_message(*again);
  EXPECT_TRUE(m2.ok()) << to_hex(in);
  if (m2.ok()) {
    EXPECT_TRUE(*m2 == *m) << to_hex(in);
  }
  return std::nullopt;
}

TEST(CodecCaptures, CorruptedMessagesFailCleanlyOrRoundTrip) {
  const auto seeds = captured_messages();
  ASSERT_GT(seeds.size(), 100u);
  Rng rng(0x5eed);
  std::size_t decoded = 0;
  std::size_t rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes m = seeds[rng.below(seeds.size())];
    const auto edits = 1 + rng.below(4);
    for (std::uint64_t e = 0; e < edits && m.size() > 1; ++e) {
      const std::size_t at = 1 + rng.below(m.size() - 1);  // keep the type byte
      switch (rng.below(4)) {
        case 0: m[at] = static_cast<std::uint8_t>(rng.next()); break;
        case 1: m.resize(at); break;
        case 2: m[at] ^= static_cast<std::uint8_t>(1u << rng.below(8)); break;
        default: m.insert(m.begin() + static_cast<std::ptrdiff_t>(at),
                          static_cast<std::uint8_t>(rng.next()));
      }
    }
    const auto code = decode_stable(m);
    if (code) {
      ASSERT_LT(static_cast<std::size_t>(*code), kErrCount);
      ++rejected;
    } else {
      ++decoded;
    }
  }
  // Both outcomes must actually happen, or the test isn't probing anything.
  EXPECT_GT(decoded, 1000u);
  EXPECT_GT(rejected, 1000u);
}

}  // namespace
}  // namespace wkd::wire
