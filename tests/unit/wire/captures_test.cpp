// Replays the real serf 0.9.4 captures (tests/data/captures, WKD_CAPTURES_DIR)
// through the packet and stream decoders: every UDP datagram and every TCP
// stream must decode, the datagrams must yield the message types (and key
// fields) the decoded dumps show, the encoder must rebuild each plaintext
// datagram byte for byte, and the encrypted capture must open with key
// 00 01 .. 0f and with no other key.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "support/pcap.hpp"
#include "wire/compress.hpp"
#include "wire/keyring.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/packet.hpp"
#include "wire/serf_codec.hpp"
#include "wire/stream.hpp"

namespace wkd::wire {
namespace {

using testsupport::Capture;

std::string capture_path(const std::string& name, const std::string& file) {
  return std::string(WKD_CAPTURES_DIR) + "/" + name + "/" + file;
}

Capture load(const std::string& name) {
  Capture c;
  std::string error;
  EXPECT_TRUE(testsupport::read_pcap(capture_path(name, "cap.pcap"), c, error)) << error;
  return c;
}

Keyring capture_keyring(std::uint8_t start = 0) {
  Bytes key(16);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(start + i);
  Keyring ring;
  EXPECT_TRUE(ring.install(key));
  return ring;
}

// ---- dump.txt ----

struct DumpLeaf {
  std::string name;  // "ping", "alive", "user", ...
  std::string serf;  // for user messages: "join", "userEvent", ...
  std::string text;  // the decoded line (plus the serf body line)
};

struct DumpEntry {
  bool udp = false;
  std::string src, dst;
  Bytes bytes;
  std::vector<DumpLeaf> leaves;
};

const std::map<std::string, std::uint8_t>& leaf_types() {
  static const std::map<std::string, std::uint8_t> kTypes{
      {"ping", 0}, {"indirectPing", 1}, {"ack", 2},  {"suspect", 3},
      {"alive", 4}, {"dead", 5},        {"user", 8}, {"nack", 11}};
  return kTypes;
}

const std::map<std::string, SerfType>& serf_types() {
  static const std::map<std::string, SerfType> kTypes{{"leave", SerfType::leave},
                                                      {"join", SerfType::join},
                                                      {"userEvent", SerfType::user_event},
                                                      {"query", SerfType::query},
                                                      {"queryResp", SerfType::query_response}};
  return kTypes;
}

std::vector<DumpEntry> read_dump(const std::string& name) {
  std::ifstream in(capture_path(name, "dump.txt"));
  EXPECT_TRUE(in) << "no dump for " << name;
  std::vector<DumpEntry> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '[') {
      // "[0.099] UDP 127.0.0.1:7946 -> 127.0.0.1:7947 len=143"
      DumpEntry e;
      const auto p1 = line.find("] ") + 2;
      e.udp = line.compare(p1, 3, "UDP") == 0;
      const auto s = p1 + 4;
      const auto arrow = line.find(" -> ", s);
      e.src = line.substr(s, arrow - s);
      const auto d = arrow + 4;
      e.dst = line.substr(d, line.find(' ', d) - d);
      out.push_back(std::move(e));
      continue;
    }
    EXPECT_FALSE(out.empty()) << line;
    if (out.empty()) continue;
    DumpEntry& e = out.back();
    const auto first = line.find_first_not_of(' ');
    const bool hex_line = first == 4 && line.size() > 10 && line[8] == ' ' && line[9] == ' ';
    if (hex_line) {
      Bytes row;
      EXPECT_TRUE(from_hex(line.substr(10, 48), row)) << line;
      append(e.bytes, row);
      continue;
    }
    const std::string rest = line.substr(first);
    const std::string word = rest.substr(0, rest.find_first_of(" ="));
    if (word == "body" && !e.leaves.empty()) {
      e.leaves.back().text += " " + rest;
    } else if (leaf_types().count(word) != 0) {
      DumpLeaf leaf{word, "", rest};
      if (word == "user") leaf.serf = rest.substr(rest.rfind(' ') + 1);
      e.leaves.push_back(std::move(leaf));
    } else {
      EXPECT_TRUE(word == "hasCrc" || word == "compound" || word == "compress") << line;
    }
  }
  return out;
}

// The value of b'key' in a Python-repr dict line: the bytes of b'...' or
// the literal (digits, True, None...).
std::optional<std::string> field(const std::string& text, const std::string& key) {
  const std::string pat = "b'" + key + "': ";
  const auto at = text.find(pat);
  if (at == std::string::npos) return std::nullopt;
  const auto v = at + pat.size();
  if (text.compare(v, 2, "b'") == 0) return text.substr(v + 2, text.find('\'', v + 2) - v - 2);
  return text.substr(v, text.find_first_of(",}", v) - v);
}

// Compares a decoded memberlist message with the dump's view of it.
void check_fields(const InnerMessage& m, const DumpLeaf& leaf) {
  SCOPED_TRACE(leaf.text.substr(0, 160));
  auto num = [&](const char* k) { return std::stoull(field(leaf.text, k).value_or("-1")); };
  auto str = [&](const char* k) { return field(leaf.text, k).value_or("<absent>"); };
  if (leaf.name == "user") {
    auto frame = split_serf_message(m.body());
    ASSERT_TRUE(frame) << frame.message();
    ASSERT_EQ(serf_types().count(leaf.serf), 1u) << leaf.serf;
    EXPECT_EQ(frame->type, serf_types().at(leaf.serf));
    auto msg = decode_serf_message(m.body());
    ASSERT_TRUE(msg) << msg.message();
    std::visit(
        [&](const auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (!std::is_same_v<T, SerfRelay>) {
            EXPECT_EQ(s.ltime, num("LTime"));
          }
          if constexpr (std::is_same_v<T, SerfJoin> || std::is_same_v<T, SerfLeave>) {
            EXPECT_EQ(s.node, str("Node"));
          }
          if constexpr (std::is_same_v<T, SerfUserEvent>) {
            EXPECT_EQ(s.name, str("Name"));
          }
          if constexpr (std::is_same_v<T, SerfQuery> || std::is_same_v<T, SerfQueryResponse>) {
            EXPECT_EQ(s.id, num("ID"));
          }
        },
        *msg);
    return;
  }
  auto decoded = decode_message(m.bytes);
  ASSERT_TRUE(decoded) << decoded.message();
  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, Ping>) {
          EXPECT_EQ(d.seq_no, num("SeqNo"));
          EXPECT_EQ(d.node, str("Node"));
          EXPECT_EQ(d.source_node, str("SourceNode"));
          EXPECT_EQ(d.source_port, num("SourcePort"));
        } else if constexpr (std::is_same_v<T, IndirectPing>) {
          EXPECT_EQ(d.seq_no, num("SeqNo"));
          EXPECT_EQ(d.node, str("Node"));
          EXPECT_EQ(d.nack, str("Nack") == "True");
        } else if constexpr (std::is_same_v<T, Ack> || std::is_same_v<T, Nack>) {
          EXPECT_EQ(d.seq_no, num("SeqNo"));
        } else if constexpr (std::is_same_v<T, Alive>) {
          EXPECT_EQ(d.node, str("Node"));
          EXPECT_EQ(d.incarnation, num("Incarnation"));
          EXPECT_EQ(d.port, num("Port"));
        } else if constexpr (std::is_same_v<T, Suspect> || std::is_same_v<T, Dead>) {
          EXPECT_EQ(d.node, str("Node"));
          EXPECT_EQ(d.from, str("From"));
          EXPECT_EQ(d.incarnation, num("Incarnation"));
        } else {
          ADD_FAILURE() << "unexpected message in a datagram";
        }
      },
      *decoded);
}

// Decodes one TCP flow in 7-byte chunks; returns its messages.
std::vector<StreamMessage> decode_flow(const testsupport::TcpFlow& flow,
                                       const Keyring* ring, DecodeCounters& counters) {
  StreamDecodeOptions o;
  o.keyring = ring;
  o.counters = &counters;
  StreamDecoder d(flow.from_dialer ? StreamRole::acceptor : StreamRole::dialer, o);
  std::vector<StreamMessage> out;
  const ByteView data(flow.data);
  for (std::size_t at = 0; at < data.size(); at += 7) {
    auto step = d.feed(data.subspan(at, std::min<std::size_t>(7, data.size() - at)));
    EXPECT_TRUE(step) << flow.src.to_string() << " -> " << flow.dst.to_string() << ": "
                      << step.message();
    if (!step) return out;
    while (step && step->status == StreamStatus::message) {
      out.push_back(std::move(step->message));
      step = d.next();
    }
  }
  EXPECT_TRUE(d.finish()) << "stream ends mid-message";
  return out;
}

// Stream messages must be well-formed memberlist messages.
void check_stream_message(const StreamMessage& m) {
  switch (m.type()) {
    case 6: {
      auto pp = decode_push_pull(m.body());
      ASSERT_TRUE(pp) << pp.message();
      EXPECT_FALSE(pp->nodes.empty());
      ASSERT_FALSE(pp->user_state.empty());
      EXPECT_EQ(pp->user_state[0], 2);  // serf push/pull state
      EXPECT_TRUE(decode_serf_push_pull(ByteView(pp->user_state).subspan(1)));
      break;
    }
    case 0:
    case 2: {
      auto d = decode_message(m.bytes);
      EXPECT_TRUE(d) << d.message();
      break;
    }
    default:
      ADD_FAILURE() << "unexpected stream message type " << int(m.type());
  }
}

// ---- tests ----

TEST(WireCaptures, PcapFilesParse) {
  for (const char* name : {"plain", "comp", "enc", "fail", "py"}) {
    SCOPED_TRACE(name);
    const Capture c = load(name);
    EXPECT_EQ(c.link_type, 1u);  // Ethernet, as tcpdump writes for lo
    EXPECT_GE(c.udp.size(), 20u);
    EXPECT_GE(c.tcp.size(), 2u);
    EXPECT_EQ(c.skipped, 0u);
    for (const auto& f : c.tcp) EXPECT_EQ(f.gaps, 0u);
  }
}

class WireCaptureWithDump : public ::testing::TestWithParam<const char*> {};

TEST_P(WireCaptureWithDump, DatagramsMatchTheDump) {
  const Capture c = load(GetParam());
  const auto dump = read_dump(GetParam());
  std::vector<const DumpEntry*> udp;
  for (const auto& e : dump) {
    if (e.udp) udp.push_back(&e);
  }
  ASSERT_EQ(udp.size(), c.udp.size());
  std::size_t messages = 0;
  for (std::size_t i = 0; i < c.udp.size(); ++i) {
    const auto& d = c.udp[i];
    const DumpEntry& e = *udp[i];
    SCOPED_TRACE("datagram " + std::to_string(i) + " " + e.src + " -> " + e.dst);
    EXPECT_EQ(d.src.to_string(), e.src);
    EXPECT_EQ(d.dst.to_string(), e.dst);
    ASSERT_EQ(d.payload, e.bytes);
    DecodeCounters counters;
    auto p = decode_packet(d.payload, {}, counters);
    ASSERT_TRUE(p) << err_name(p.code()) << ": " << p.message();
    EXPECT_EQ(counters.total(), 0u);
    EXPECT_EQ(p->truncated_parts, 0u);
    ASSERT_EQ(p->messages.size(), e.leaves.size());
    for (std::size_t k = 0; k < e.leaves.size(); ++k) {
      EXPECT_EQ(p->messages[k].type(), leaf_types().at(e.leaves[k].name)) << k;
      check_fields(p->messages[k], e.leaves[k]);
    }
    messages += p->messages.size();
  }
  EXPECT_GT(messages, c.udp.size());
}

TEST_P(WireCaptureWithDump, EncoderRebuildsEveryDatagram) {
  const Capture c = load(GetParam());
  const bool compression = std::string(GetParam()) == "comp";
  Rng rng(1);
  for (std::size_t i = 0; i < c.udp.size(); ++i) {
    SCOPED_TRACE("datagram " + std::to_string(i));
    DecodeCounters counters;
    auto p = decode_packet(c.udp[i].payload, {}, counters);
    ASSERT_TRUE(p) << p.message();
    std::vector<ByteView> msgs;
    for (const auto& m : p->messages) msgs.push_back(m.bytes);
    PacketEncodeOptions o;
    o.crc = p->had_crc;
    o.compress = compression;
    auto again = encode_packet(msgs, o, rng);
    ASSERT_TRUE(again) << again.message();
    EXPECT_EQ(to_hex(*again), to_hex(c.udp[i].payload));
  }
}

TEST_P(WireCaptureWithDump, StreamsMatchTheDumpAndDecode) {
  const Capture c = load(GetParam());
  const auto dump = read_dump(GetParam());
  std::size_t checked = 0;
  for (const auto& e : dump) {
    if (e.udp) continue;
    SCOPED_TRACE(e.src + " -> " + e.dst);
    const testsupport::TcpFlow* flow = nullptr;
    for (const auto& f : c.tcp) {
      if (f.src.to_string() == e.src && f.dst.to_string() == e.dst) flow = &f;
    }
    ASSERT_NE(flow, nullptr);
    EXPECT_EQ(flow->data, e.bytes);
    DecodeCounters counters;
    const auto msgs = decode_flow(*flow, nullptr, counters);
    EXPECT_EQ(counters.total(), 0u);
    ASSERT_EQ(msgs.size(), 1u);
    check_stream_message(msgs[0]);
    ++checked;
  }
  EXPECT_GE(checked, 2u);
}

INSTANTIATE_TEST_SUITE_P(Captures, WireCaptureWithDump, ::testing::Values("plain", "comp", "fail"),
                         [](const auto& param_info) { return std::string(param_info.param); });

TEST(WireCaptures, CompressedBuffersAreByteExactGoLzw) {
  // Every compress wrapper serf sent (UDP and TCP) is what compress_message
  // produces for the inflated message.
  const Capture c = load("comp");
  std::size_t wrappers = 0;
  auto check = [&](ByteView wrapped) {
    auto inflated = decompress_body(wrapped.subspan(1));
    ASSERT_TRUE(inflated) << inflated.message();
    auto again = compress_message(*inflated);
    ASSERT_TRUE(again);
    EXPECT_EQ(to_hex(*again), to_hex(wrapped));
    ++wrappers;
  };
  for (const auto& d : c.udp) {
    if (d.payload[0] == kCompressType) check(d.payload);
  }
  for (const auto& f : c.tcp) {
    if (!f.data.empty() && f.data[0] == kCompressType) check(f.data);
  }
  EXPECT_GE(wrappers, 3u);
}

TEST(WireCaptures, EncryptedCaptureOpensWithItsKey) {
  const Capture c = load("enc");
  const Keyring ring = capture_keyring();
  PacketDecodeOptions o;
  o.keyring = &ring;
  std::set<std::uint8_t> types;
  for (std::size_t i = 0; i < c.udp.size(); ++i) {
    SCOPED_TRACE("datagram " + std::to_string(i));
    DecodeCounters counters;
    auto p = decode_packet(c.udp[i].payload, o, counters);
    ASSERT_TRUE(p) << err_name(p.code()) << ": " << p.message();
    EXPECT_TRUE(p->encrypted);
    EXPECT_EQ(counters.total(), 0u);
    EXPECT_FALSE(p->messages.empty());
    for (const auto& m : p->messages) {
      types.insert(m.type());
      if (m.type() == 8) {
        EXPECT_TRUE(decode_serf_message(m.body())) << "serf message";
      } else {
        EXPECT_TRUE(decode_message(m.bytes)) << "type " << int(m.type());
      }
    }
  }
  // The same scenario as the plain run: gossip, probes and serf traffic.
  for (std::uint8_t t : {0, 2, 4, 5, 8}) EXPECT_EQ(types.count(t), 1u) << int(t);
  std::size_t streams = 0;
  for (const auto& f : c.tcp) {
    if (f.data.empty()) continue;
    SCOPED_TRACE(f.src.to_string() + " -> " + f.dst.to_string());
    EXPECT_EQ(f.data[0], kEncryptType);
    DecodeCounters counters;
    const auto msgs = decode_flow(f, &ring, counters);
    EXPECT_EQ(counters.total(), 0u);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_TRUE(msgs[0].encrypted);
    check_stream_message(msgs[0]);
    ++streams;
  }
  EXPECT_EQ(streams, 2u);
}

TEST(WireCaptures, EncryptedCaptureWithAnyOtherKeyFailsEveryDatagram) {
  const Capture c = load("enc");
  const Keyring wrong = capture_keyring(1);
  PacketDecodeOptions o;
  o.keyring = &wrong;
  DecodeCounters counters;
  for (const auto& d : c.udp) EXPECT_FALSE(decode_packet(d.payload, o, counters));
  EXPECT_EQ(counters[Err::decrypt_failed], c.udp.size());
  EXPECT_EQ(counters.total(), c.udp.size());
  // And without any keyring the blobs are not mistaken for messages that
  // decode: version byte 1 reads as an indirect ping with a garbage body.
  for (const auto& d : c.udp) {
    DecodeCounters none;
    auto p = decode_packet(d.payload, {}, none);
    if (p) {
      for (const auto& m : p->messages) EXPECT_FALSE(decode_message(m.bytes));
    }
  }
  DecodeCounters tcp_counters;
  for (const auto& f : c.tcp) {
    if (f.data.empty()) continue;
    StreamDecodeOptions so;
    so.keyring = &wrong;
    so.counters = &tcp_counters;
    StreamDecoder d(f.from_dialer ? StreamRole::acceptor : StreamRole::dialer, so);
    EXPECT_EQ(d.feed(f.data).code(), Err::decrypt_failed);
  }
  EXPECT_EQ(tcp_counters[Err::decrypt_failed], 2u);
}

TEST(WireCaptures, IndependentNodeCaptureDecodes) {
  // py/: a Python node built from the docs/wire.md layouts talking to serf.
  const Capture c = load("py");
  std::set<std::uint8_t> types;
  for (std::size_t i = 0; i < c.udp.size(); ++i) {
    SCOPED_TRACE("datagram " + std::to_string(i));
    DecodeCounters counters;
    auto p = decode_packet(c.udp[i].payload, {}, counters);
    ASSERT_TRUE(p) << err_name(p.code()) << ": " << p.message();
    EXPECT_EQ(counters.total(), 0u);
    for (const auto& m : p->messages) {
      types.insert(m.type());
      if (m.type() == 8) {
        EXPECT_TRUE(decode_serf_message(m.body()));
      } else {
        EXPECT_TRUE(decode_message(m.bytes)) << "type " << int(m.type());
      }
    }
  }
  for (std::uint8_t t : {0, 2, 5, 8}) EXPECT_EQ(types.count(t), 1u) << int(t);
  std::size_t streams = 0;
  for (const auto& f : c.tcp) {
    if (f.data.empty()) continue;
    DecodeCounters counters;
    const auto msgs = decode_flow(f, nullptr, counters);
    EXPECT_EQ(counters.total(), 0u);
    ASSERT_EQ(msgs.size(), 1u);
    check_stream_message(msgs[0]);
    ++streams;
  }
  EXPECT_EQ(streams, 2u);
}

}  // namespace
}  // namespace wkd::wire
