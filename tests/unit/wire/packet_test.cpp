// The UDP pipeline: captured datagrams decode to the right messages, every
// layer round-trips in the right order, each rejection has its own code and
// is counted, and the encoder reproduces serf's bytes and never emits the
// forms that crash serf 0.9.4.
#include "wire/packet.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/compress.hpp"
#include "wire/crc32.hpp"

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

// §14 vectors.
constexpr std::string_view kGossipPacket =
    "0c352dca4a07020049003b0486a441646472a47f000001ab496e6361726e6174696f6e01a44d657461b0ff82a4"
    "726f6c65a3776562a26463a178a44e6f6465a161a4506f7274cd1f0aa356736ea60105020205050486a4416464"
    "72a47f000001ab496e6361726e6174696f6e01a44d657461a2ff80a44e6f6465a162a4506f7274cd1f0ba35673"
    "6ea6010502020505";
constexpr std::string_view kPing =
    "0085a44e6f6465a161a55365714e6f01aa536f7572636541646472a47f000001aa536f757263654e6f6465a162"
    "aa536f75726365506f7274cd1f0b";
constexpr std::string_view kAck =
    "0282a75061796c6f6164da00820184aa41646a7573746d656e74cb0000000000000000a54572726f72cb3ff8"
    "000000000000a6486569676874cb3ee4f8b588e368f1a356656398cb0000000000000000cb00000000000000"
    "00cb0000000000000000cb0000000000000000cb0000000000000000cb0000000000000000cb000000000000"
    "0000cb0000000000000000a55365714e6f01";
constexpr std::string_view kCompressedAck =
    "0982a4416c676f00a3427566da00620005083a05254c1e366fc290d10640500042aa82905153670e9d3665dc"
    "d05906a0a3c78ea58ac891f346ceb21ff83e763485a44c9a336836fa2087af16a27168e28db252660c268e2a"
    "3b020d3a5465d18f473d26151a9469d35253cac471f2264040";
constexpr std::string_view kEncryptedDatagram =
    "01bfeac012944dae5f22c34cb8977266ab2602be414546a7a761c366fcd7d801c5b426a13271099c27d96c4f1a"
    "620e491b90ec7cf1e24a870b8b53cb916fca838633e5a9aa3fa7635982f0544e15cdcf6b586e95fac172d6ff4c"
    "f0249e1a8d1fac20e3e2ea60ed309e2286d61c3b3de2f81129635955e252faf1347e016cf3c656b5342b06ce44"
    "85a9f1cb6beb05a22a12585eb4b0f33207654f10ed1444d46f535da71df56a599b58df708b";
constexpr std::string_view kNack = "0b81a55365714e6f05";

Bytes test_key() {
  Bytes k(16);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i);
  return k;
}

Keyring ring_with(const Bytes& key) {
  Keyring r;
  EXPECT_TRUE(r.install(key));
  return r;
}

// The two alives inside the captured gossip packet.
std::vector<Bytes> captured_alives() {
  const Bytes p = hex(kGossipPacket);
  return {Bytes(p.begin() + 11, p.begin() + 11 + 73), Bytes(p.begin() + 84, p.end())};
}

std::vector<ByteView> views(const std::vector<Bytes>& v) { return {v.begin(), v.end()}; }

std::vector<std::uint8_t> types_of(const DecodedPacket& p) {
  std::vector<std::uint8_t> t;
  for (const auto& m : p.messages) t.push_back(m.type());
  return t;
}

// ---- decoding captured traffic ----

TEST(WirePacket, DecodesCapturedGossip) {
  const Bytes dgram = hex(kGossipPacket);
  DecodeCounters counters;
  auto p = decode_packet(dgram, {}, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_TRUE(p->had_crc);
  EXPECT_FALSE(p->encrypted);
  EXPECT_FALSE(p->compressed);
  ASSERT_EQ(types_of(*p), (std::vector<std::uint8_t>{4, 4}));
  const auto alives = captured_alives();
  EXPECT_EQ(Bytes(p->messages[0].bytes.begin(), p->messages[0].bytes.end()), alives[0]);
  EXPECT_EQ(Bytes(p->messages[1].bytes.begin(), p->messages[1].bytes.end()), alives[1]);
  EXPECT_EQ(p->messages[1].body().size(), 58u);
  EXPECT_EQ(counters.total(), 0u);
}

TEST(WirePacket, DecodesBarePingAndNack) {
  DecodeCounters counters;
  const Bytes ping = hex(kPing);
  auto p = decode_packet(ping, {}, counters);
  ASSERT_TRUE(p) << p.message();
  ASSERT_EQ(types_of(*p), (std::vector<std::uint8_t>{0}));
  EXPECT_EQ(p->messages[0].bytes.size(), 59u);
  EXPECT_FALSE(p->had_crc);
  const Bytes nack = hex(kNack);
  auto n = decode_packet(nack, {}, counters);
  ASSERT_TRUE(n);
  EXPECT_EQ(types_of(*n), (std::vector<std::uint8_t>{11}));
}

TEST(WirePacket, DecodesCapturedCompressedAck) {
  DecodeCounters counters;
  const Bytes dgram = hex(kCompressedAck);
  auto p = decode_packet(dgram, {}, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_TRUE(p->compressed);
  ASSERT_EQ(p->messages.size(), 1u);
  EXPECT_EQ(to_hex(p->messages[0].bytes), kAck);
}

TEST(WirePacket, DecodesCapturedEncryptedDatagram) {
  const Keyring ring = ring_with(test_key());
  PacketDecodeOptions opts;
  opts.keyring = &ring;
  DecodeCounters counters;
  const Bytes dgram = hex(kEncryptedDatagram);
  auto p = decode_packet(dgram, opts, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_TRUE(p->encrypted);
  EXPECT_TRUE(p->had_crc);
  EXPECT_EQ(types_of(*p), (std::vector<std::uint8_t>{4, 4}));
  EXPECT_EQ(counters.total(), 0u);
}

TEST(WirePacket, WrongKeyIsCountedAsDecryptFailed) {
  Bytes other = test_key();
  other[0] ^= 0xff;
  const Keyring ring = ring_with(other);
  PacketDecodeOptions opts;
  opts.keyring = &ring;
  DecodeCounters counters;
  const Bytes dgram = hex(kEncryptedDatagram);
  auto p = decode_packet(dgram, opts, counters);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.code(), Err::decrypt_failed);
  EXPECT_EQ(counters[Err::decrypt_failed], 1u);
  EXPECT_EQ(counters.total(), 1u);
}

TEST(WirePacket, PlaintextWithKeyringDependsOnVerifyIncoming) {
  const Keyring ring = ring_with(test_key());
  PacketDecodeOptions opts;
  opts.keyring = &ring;
  DecodeCounters counters;
  const Bytes dgram = hex(kGossipPacket);
  // 0x0c is not an encryption version: rejected while verifying.
  EXPECT_EQ(decode_packet(dgram, opts, counters).code(), Err::bad_encryption_version);
  const Bytes ping = hex(kPing);
  // 0x00 reads as version 0: long enough, but no key authenticates it.
  EXPECT_EQ(decode_packet(ping, opts, counters).code(), Err::decrypt_failed);
  EXPECT_EQ(counters.total(), 2u);
  opts.verify_incoming = false;
  auto p = decode_packet(dgram, opts, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_FALSE(p->encrypted);
  EXPECT_EQ(types_of(*p), (std::vector<std::uint8_t>{4, 4}));
  EXPECT_EQ(counters.total(), 2u);
}

// ---- encoding ----

TEST(WirePacket, EncoderReproducesCapturedGossip) {
  Rng rng(1);
  const auto alives = captured_alives();
  PacketEncodeOptions opts;
  opts.crc = true;
  auto out = encode_packet(views(alives), opts, rng);
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(to_hex(*out), kGossipPacket);
}

TEST(WirePacket, EncoderReproducesCapturedCompressedAck) {
  Rng rng(1);
  const Bytes ack = hex(kAck);
  const std::vector<ByteView> one{ack};
  PacketEncodeOptions opts;
  opts.compress = true;
  auto out = encode_packet(one, opts, rng);
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(to_hex(*out), kCompressedAck);
}

TEST(WirePacket, CompressesOnlyWhenStrictlyShorter) {
  Rng rng(1);
  const Bytes nack = hex(kNack);
  const std::vector<ByteView> one{nack};
  PacketEncodeOptions opts;
  opts.compress = true;
  auto out = encode_packet(one, opts, rng);
  ASSERT_TRUE(out);
  EXPECT_EQ(to_hex(*out), kNack);  // compressing 9 bytes only makes them longer
}

// The single-message encoder that takes its message gives the bytes of
// encode_packet under every layer, and refuses what it refuses.
TEST(WirePacket, SinglePacketEncoderMatchesEncodePacket) {
  const Keyring ring = ring_with(test_key());
  const Bytes ack = hex(kAck);
  const std::vector<ByteView> one{ack};
  for (int layers = 0; layers < 16; ++layers) {
    PacketEncodeOptions opts;
    opts.compress = (layers & 1) != 0;
    opts.crc = (layers & 2) != 0;
    opts.keyring = (layers & 4) != 0 ? &ring : nullptr;
    opts.label = (layers & 8) != 0 ? "dc1" : "";
    Rng r1(5), r2(5);  // the same nonce when encrypting
    auto want = encode_packet(one, opts, r1);
    auto got = encode_single_packet(ack, opts, r2);
    ASSERT_TRUE(want && got) << layers;
    EXPECT_EQ(to_hex(*got), to_hex(*want)) << layers;
  }
  Rng rng(1);
  EXPECT_EQ(to_hex(*encode_single_packet(ack, {}, rng)), kAck);  // no layers: the message itself
  EXPECT_EQ(encode_single_packet(Bytes{}, {}, rng).code(), Err::empty_part);
  EXPECT_EQ(encode_single_packet(Bytes{12, 0, 0}, {}, rng).code(), Err::unknown_type);
  Keyring empty_ring;
  PacketEncodeOptions enc;
  enc.keyring = &empty_ring;
  EXPECT_EQ(encode_single_packet(ack, enc, rng).code(), Err::key_not_installed);
  EXPECT_EQ(encode_single_packet(Bytes(70000, 8), {}, rng).code(), Err::oversized);
}

TEST(WirePacket, LayersAreAppliedInMemberlistOrder) {
  Rng rng(77);
  const Keyring ring = ring_with(test_key());
  const auto alives = captured_alives();
  const Bytes ack = hex(kAck);
  std::vector<ByteView> msgs = views(alives);
  msgs.push_back(ack);
  PacketEncodeOptions opts;
  opts.compress = true;
  opts.crc = true;
  opts.keyring = &ring;
  opts.label = "dc1";
  auto out = encode_packet(msgs, opts, rng);
  ASSERT_TRUE(out) << out.message();
  // Outermost: label header.
  ASSERT_GT(out->size(), 5u);
  EXPECT_EQ(to_hex(ByteView(*out).first(5)), "f403646331");
  // Then an encrypted blob (AAD = label) holding CRC(compress(compound)).
  auto plain = decrypt(ring, ByteView(*out).subspan(5), as_bytes("dc1"));
  ASSERT_TRUE(plain) << plain.message();
  ASSERT_TRUE(has_crc_header(*plain));
  auto inner = strip_crc(*plain);
  ASSERT_TRUE(inner);
  EXPECT_EQ((*inner)[0], kCompressType);
  auto compound = decompress_body(inner->subspan(1));
  ASSERT_TRUE(compound);
  EXPECT_EQ((*compound)[0], kCompoundType);
  EXPECT_EQ((*compound)[1], 3);

  PacketDecodeOptions dopts;
  dopts.keyring = &ring;
  dopts.label = "dc1";
  DecodeCounters counters;
  auto p = decode_packet(*out, dopts, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_TRUE(p->labelled && p->encrypted && p->had_crc && p->compressed);
  ASSERT_EQ(types_of(*p), (std::vector<std::uint8_t>{4, 4, 2}));
  EXPECT_EQ(to_hex(p->messages[2].bytes), kAck);
  EXPECT_EQ(counters.total(), 0u);
}

TEST(WirePacket, VersionZeroEncryptionRoundTrips) {
  Rng rng(5);
  const Keyring ring = ring_with(test_key());
  const Bytes ping = hex(kPing);
  const std::vector<ByteView> one{ping};
  PacketEncodeOptions opts;
  opts.keyring = &ring;
  opts.encryption_version = EncryptionVersion::v0_padded;
  auto out = encode_packet(one, opts, rng);
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)[0], 0);
  EXPECT_EQ(out->size(), 1u + 12 + 64 + 16);  // 59 padded to 64
  PacketDecodeOptions dopts;
  dopts.keyring = &ring;
  DecodeCounters counters;
  auto p = decode_packet(*out, dopts, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_EQ(to_hex(p->messages.at(0).bytes), kPing);
}

TEST(WirePacket, EncodePacketsSplitsBeyond255) {
  Rng rng(1);
  std::vector<Bytes> msgs;
  for (int i = 0; i < 300; ++i) msgs.push_back(Bytes{8, static_cast<std::uint8_t>(i), 0x55});
  EXPECT_EQ(encode_packet(views(msgs), {}, rng).code(), Err::bad_length);
  auto out = encode_packets(views(msgs), {}, rng);
  ASSERT_TRUE(out) << out.message();
  ASSERT_EQ(out->size(), 2u);
  std::size_t next = 0;
  for (const Bytes& d : *out) {
    EXPECT_EQ(d[0], kCompoundType);
    DecodeCounters counters;
    auto p = decode_packet(d, {}, counters);
    ASSERT_TRUE(p);
    for (const auto& m : p->messages) EXPECT_EQ(m.bytes[1], static_cast<std::uint8_t>(next++));
  }
  EXPECT_EQ(next, 300u);
}

TEST(WirePacket, EncoderRefusesCrashForms) {
  Rng rng(1);
  const Bytes ping = hex(kPing);
  const Bytes empty;
  const std::vector<ByteView> with_empty{ping, empty};
  const std::vector<ByteView> just_empty{empty};
  PacketEncodeOptions opts;
  opts.crc = true;
  opts.compress = true;
  EXPECT_EQ(encode_packet(with_empty, opts, rng).code(), Err::empty_part);
  EXPECT_EQ(encode_packet(just_empty, opts, rng).code(), Err::empty_part);
  EXPECT_EQ(encode_packet({}, opts, rng).code(), Err::bad_length);
  // Framing-only types would be misread at the top of a datagram.
  for (std::uint8_t t : {std::uint8_t{10}, std::uint8_t{12}, std::uint8_t{0xf4}}) {
    const Bytes m{t, 0, 0, 0, 0, 0};
    const std::vector<ByteView> one{m};
    EXPECT_EQ(encode_packet(one, {}, rng).code(), Err::unknown_type) << int(t);
  }
  Keyring empty_ring;
  PacketEncodeOptions enc;
  enc.keyring = &empty_ring;
  const std::vector<ByteView> one{ping};
  EXPECT_EQ(encode_packet(one, enc, rng).code(), Err::key_not_installed);
  PacketEncodeOptions long_label;
  const std::string label(256, 'x');
  long_label.label = label;
  EXPECT_EQ(encode_packet(one, long_label, rng).code(), Err::bad_label);
  const Bytes huge(70000, 8);
  const std::vector<ByteView> big{huge};
  EXPECT_EQ(encode_packet(big, {}, rng).code(), Err::oversized);
}

TEST(WirePacket, BudgetHelpersFollowMemberlist) {
  EXPECT_EQ(piggyback_budget(59, {}), 1400u - 59 - 2);
  PacketBudget b;
  b.label = "dc1";
  b.encrypted = true;
  EXPECT_EQ(packet_overhead(b), 5u + 29u);
  EXPECT_EQ(piggyback_budget(59, b), 1400u - 59 - 2 - 5 - 29);
  EXPECT_EQ(gossip_budget(b), 1400u - 2 - 5 - 29);
  b.encryption_version = EncryptionVersion::v0_padded;
  EXPECT_EQ(gossip_budget(b), 1400u - 2 - 5 - 45);
  EXPECT_EQ(piggyback_budget(1399, {}), 0u);
  EXPECT_EQ(gossip_budget({}), 1398u);
  EXPECT_EQ(kUserBroadcastOverhead, 3u);
  EXPECT_EQ(kBroadcastOverhead, 2u);
}

// ---- rejections ----

struct Rejection {
  const char* name;
  std::string_view datagram;
  Err code;
};

TEST(WirePacket, EachRejectionHasItsOwnCodeAndIsCounted) {
  const std::vector<Rejection> cases{
      {"empty datagram", "", Err::truncated},
      {"zero-length compound part", "07010000", Err::empty_part},
      {"bare CRC header", "0c00000000", Err::empty_part},
      {"bad CRC", "0c0000000100", Err::bad_crc},
      {"label with zero length", "f40000", Err::bad_label},
      {"label cut short", "f405616263", Err::bad_label},
      {"nothing after label", "f40161", Err::label_mismatch},
      {"compound table cut short", "070300010001", Err::truncated},
      {"compress inflating to nothing",
       "0982a4416c676f00a3427566a3000302", Err::empty_part},
      {"compress of unknown algorithm", "0982a4416c676f01a3427566a400c30404", Err::bad_compression},
      {"compress without EOF", "0982a4416c676f00a3427566a200c3", Err::lzw_corrupt},
      {"compress with broken msgpack", "0982a4416c676f00a3427566da00ff00", Err::truncated},
      {"encryption type on UDP", "0a0000000100", Err::unknown_type},
      {"CRC header after CRC header", "0c" "03d21a1c" "0c00000000", Err::unknown_type},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Bytes dgram = hex(c.datagram);
    DecodeCounters counters;
    auto p = decode_packet(dgram, {}, counters);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.code(), c.code) << err_name(p.code()) << ": " << p.message();
    EXPECT_EQ(counters[c.code], 1u);
    EXPECT_EQ(counters.total(), 1u);
  }
}

TEST(WirePacket, LabelMustMatchConfiguration) {
  Rng rng(1);
  const Bytes ping = hex(kPing);
  const std::vector<ByteView> one{ping};
  PacketEncodeOptions eopts;
  eopts.label = "blue";
  auto dgram = encode_packet(one, eopts, rng);
  ASSERT_TRUE(dgram);
  DecodeCounters counters;
  PacketDecodeOptions opts;
  opts.label = "green";
  EXPECT_EQ(decode_packet(*dgram, opts, counters).code(), Err::label_mismatch);
  EXPECT_EQ(decode_packet(ping, opts, counters).code(), Err::label_mismatch);
  opts.label = "";
  EXPECT_EQ(decode_packet(*dgram, opts, counters).code(), Err::label_mismatch);
  EXPECT_EQ(counters[Err::label_mismatch], 3u);
  opts.label = "blue";
  auto ok = decode_packet(*dgram, opts, counters);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->labelled);
  opts.skip_inbound_label_check = true;
  EXPECT_EQ(decode_packet(*dgram, opts, counters).code(), Err::bad_label);
  EXPECT_TRUE(decode_packet(ping, opts, counters));
}

TEST(WirePacket, LabelIsTheEncryptionAad) {
  Rng rng(2);
  const Keyring ring = ring_with(test_key());
  const Bytes ping = hex(kPing);
  const std::vector<ByteView> one{ping};
  PacketEncodeOptions eopts;
  eopts.keyring = &ring;
  eopts.label = "blue";
  auto dgram = encode_packet(one, eopts, rng);
  ASSERT_TRUE(dgram);
  // Same ciphertext with the label header swapped for another one of the
  // same length: the label check passes but authentication does not.
  Bytes forged = *dgram;
  forged[2] = 'B';
  PacketDecodeOptions opts;
  opts.keyring = &ring;
  opts.label = "Blue";
  DecodeCounters counters;
  EXPECT_EQ(decode_packet(forged, opts, counters).code(), Err::decrypt_failed);
}

TEST(WirePacket, BadInnerPartsAreDroppedAndCounted) {
  // compound[ping, CRC-wrapped nack, label-wrapped nack, nack]: CRC and label
  // are only recognised at the top, so two parts are dropped.
  const Bytes ping = hex(kPing);
  const Bytes nack = hex(kNack);
  auto crc_nack = add_crc(nack);
  ASSERT_TRUE(crc_nack);
  auto label_nack = add_label(nack, "x");
  ASSERT_TRUE(label_nack);
  const std::vector<ByteView> parts{ping, *crc_nack, *label_nack, nack};
  auto compound = encode_compound(parts);
  ASSERT_TRUE(compound);
  DecodeCounters counters;
  auto p = decode_packet(*compound, {}, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_EQ(types_of(*p), (std::vector<std::uint8_t>{0, 11}));
  EXPECT_EQ(p->dropped_parts, 2u);
  EXPECT_EQ(counters[Err::unknown_type], 2u);
  EXPECT_EQ(counters.total(), 2u);
}

TEST(WirePacket, TruncatedCompoundKeepsCompleteParts) {
  const Bytes ping = hex(kPing);
  const Bytes nack = hex(kNack);
  const std::vector<ByteView> parts{nack, ping, nack};
  auto compound = encode_compound(parts);
  ASSERT_TRUE(compound);
  const ByteView cut = ByteView(*compound).first(compound->size() - 20);
  DecodeCounters counters;
  auto p = decode_packet(cut, {}, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_EQ(types_of(*p), (std::vector<std::uint8_t>{11}));
  EXPECT_EQ(p->truncated_parts, 2u);
  EXPECT_EQ(counters[Err::truncated], 1u);
}

TEST(WirePacket, NestingIsLimited) {
  // Wrap a nack in k compounds of one part each.
  auto wrap = [](int k) {
    Bytes m = hex(kNack);
    for (int i = 0; i < k; ++i) {
      const std::vector<ByteView> one{m};
      m = encode_compound(one).value();
    }
    return m;
  };
  PacketDecodeOptions opts;
  opts.max_nesting = 3;
  DecodeCounters counters;
  const Bytes ok = wrap(3);
  auto p = decode_packet(ok, opts, counters);
  ASSERT_TRUE(p) << p.message();
  EXPECT_EQ(types_of(*p), (std::vector<std::uint8_t>{11}));
  const Bytes deep = wrap(4);
  auto q = decode_packet(deep, opts, counters);
  // The innermost compound is a part of the third: it is dropped and counted.
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->messages.empty());
  EXPECT_EQ(counters[Err::nested_too_deep], 1u);
  opts.max_nesting = 0;
  EXPECT_EQ(decode_packet(ok, opts, counters).code(), Err::nested_too_deep);
}

TEST(WirePacket, DecompressionBudgetIsPerDatagram) {
  // compound[compress(600 bytes), compress(600 bytes)] with a 1000-byte
  // budget: the first inflates, the second exceeds what is left.
  const Bytes user(600, 8);
  auto c = compress_message(user);
  ASSERT_TRUE(c);
  const std::vector<ByteView> parts{*c, *c};
  auto compound = encode_compound(parts);
  ASSERT_TRUE(compound);
  PacketDecodeOptions opts;
  opts.max_decompressed = 1000;
  DecodeCounters counters;
  auto p = decode_packet(*compound, opts, counters);
  ASSERT_TRUE(p) << p.message();
  ASSERT_EQ(p->messages.size(), 1u);
  EXPECT_EQ(p->messages[0].bytes.size(), 600u);
  EXPECT_EQ(counters[Err::decompress_limit], 1u);
}

TEST(WirePacket, ViewsSurviveMovingTheResult) {
  DecodeCounters counters;
  const Bytes dgram = hex(kCompressedAck);
  auto p = decode_packet(dgram, {}, counters);
  ASSERT_TRUE(p);
  DecodedPacket moved = std::move(p).value();
  std::vector<DecodedPacket> many;
  many.push_back(std::move(moved));
  many.emplace_back();
  many.emplace_back();  // force reallocation
  EXPECT_EQ(to_hex(many[0].messages.at(0).bytes), kAck);
}

}  // namespace
}  // namespace wkd::wire
