// UDP datagram encoding and decoding; see packet.hpp for the layering.
//
// Decoding is split in two. decode_packet handles what may only appear at
// the top of a datagram: the label header (checked against the configured
// label, and used as AAD), decryption, and the CRC header. It then hands the
// remaining message to an Unpacker, which walks compound and compress
// wrappers depth first, appending every leaf message to the result in wire
// order. A failure inside a compound part drops that part only (counted by
// reason, as memberlist logs and moves on); a failure of the top-level
// message fails the datagram. Inflated and decrypted bytes are kept in the
// result so the message views stay valid, and all compress wrappers of a
// datagram share one inflation budget, so nesting cannot multiply it.
//
// Encoding applies the layers in send order and checks its inputs first, so
// nothing that would crash an old Go peer can come out.
#include "wire/packet.hpp"

#include <algorithm>
#include <string>

#include "wire/compress.hpp"
#include "wire/crc32.hpp"

namespace wkd::wire {

namespace {

// Types that are framing headers only valid at the top of a datagram (or,
// for encryption, only on streams).
bool is_top_level_only(std::uint8_t type) noexcept {
  return type == kEncryptType || type == kCrcType || type == kLabelType;
}

std::size_t saturating_sub(std::size_t a, std::size_t b) noexcept { return a > b ? a - b : 0; }

Status check_messages(std::span<const ByteView> messages) {
  if (messages.empty()) return fail(Err::bad_length, "a datagram needs at least one message");
  if (messages.size() > kMaxCompoundParts) {
    return fail(Err::bad_length, std::to_string(messages.size()) +
                                     " messages do not fit one compound; use encode_packets");
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].empty()) {
      return fail(Err::empty_part, "message " + std::to_string(i) + " is empty");
    }
    if (is_top_level_only(messages[i][0])) {
      return fail(Err::unknown_type, "message " + std::to_string(i) + " starts with framing type " +
                                         std::to_string(messages[i][0]));
    }
  }
  return {};
}

// Walks compound and compress wrappers, collecting leaf messages.
class Unpacker {
 public:
  Unpacker(const PacketDecodeOptions& opts, DecodeCounters& counters, DecodedPacket& out)
      : opts_(opts), counters_(counters), out_(out), inflate_budget_(opts.max_decompressed) {}

  // Unwraps one message found `depth` wrappers deep. A failure means the
  // message (and everything inside it) is dropped; the caller counts it.
  Status unwrap(ByteView msg, int depth) {
    if (msg.empty()) return fail(Err::empty_part, "empty message");
    const std::uint8_t type = msg[0];
    if (type == kCompoundType || type == kCompressType) {
      if (depth >= opts_.max_nesting) {
        return fail(Err::nested_too_deep, "more than " + std::to_string(opts_.max_nesting) +
                                              " compound/compress wrappers");
      }
      return type == kCompoundType ? unwrap_compound(msg.subspan(1), depth + 1)
                                   : unwrap_compress(msg.subspan(1), depth + 1);
    }
    if (is_top_level_only(type)) {
      return fail(Err::unknown_type,
                  "framing type " + std::to_string(type) + " inside a datagram's payload");
    }
    out_.messages.push_back(InnerMessage{msg});
    return {};
  }

 private:
  Status unwrap_compound(ByteView body, int depth) {
    auto parts = decode_compound(body);
    if (!parts) return parts.status();
    if (parts->truncated != 0) {
      out_.truncated_parts += parts->truncated;
      counters_.count(Err::truncated);
    }
    for (ByteView part : parts->parts) {
      if (auto st = unwrap(part, depth); !st) {
        counters_.count(st.code());
        ++out_.dropped_parts;
      }
    }
    return {};
  }

  Status unwrap_compress(ByteView body, int depth) {
    auto inflated = decompress_body(body, inflate_budget_);
    if (!inflated) return inflated.status();
    inflate_budget_ -= inflated->size();
    out_.compressed = true;
    out_.owned.push_back(std::move(inflated).value());
    return unwrap(out_.owned.back(), depth);
  }

  const PacketDecodeOptions& opts_;
  DecodeCounters& counters_;
  DecodedPacket& out_;
  std::size_t inflate_budget_;
};

}  // namespace

std::size_t packet_overhead(const PacketBudget& b) noexcept {
  return label_overhead(b.label) + (b.encrypted ? encryption_overhead(b.encryption_version) : 0);
}

std::size_t piggyback_budget(std::size_t primary_size, const PacketBudget& b) noexcept {
  return saturating_sub(b.udp_buffer_size,
                        primary_size + kCompoundHeaderOverhead + packet_overhead(b));
}

std::size_t gossip_budget(const PacketBudget& b) noexcept {
  return saturating_sub(b.udp_buffer_size, kCompoundHeaderOverhead + packet_overhead(b));
}

namespace {

// Compression, CRC, encryption and label around a datagram's payload (its
// one message or its compound), in memberlist's order.
Result<Bytes> wrap_payload(Bytes payload, const PacketEncodeOptions& opts, Rng& rng) {
  if (opts.compress && payload.size() >= opts.compress_min_size) {
    auto packed = compress_message(payload);
    if (!packed) return packed;
    if (packed->size() < payload.size()) payload = std::move(packed).value();
  }
  if (opts.crc) {
    auto with_crc = add_crc(payload);
    if (!with_crc) return with_crc;
    payload = std::move(with_crc).value();
  }
  if (opts.keyring != nullptr) {
    auto blob = encrypt(*opts.keyring, opts.encryption_version, rng, payload, as_bytes(opts.label));
    if (!blob) return blob;
    payload = std::move(blob).value();
  }
  if (!opts.label.empty()) {
    auto labelled = add_label(payload, opts.label);
    if (!labelled) return labelled;
    payload = std::move(labelled).value();
  }
  if (payload.size() > kMaxUdpDatagramSize) {
    return fail(Err::oversized, "datagram of " + std::to_string(payload.size()) +
                                    " bytes exceeds the UDP limit");
  }
  return payload;
}

Status check_options(const PacketEncodeOptions& opts) {
  if (auto st = validate_label(opts.label); !st) return st;
  if (opts.keyring != nullptr && opts.keyring->empty()) {
    return fail(Err::key_not_installed, "encryption requested with an empty keyring");
  }
  return {};
}

}  // namespace

Result<Bytes> encode_packet(std::span<const ByteView> messages, const PacketEncodeOptions& opts,
                            Rng& rng) {
  if (auto st = check_messages(messages); !st) return std::move(st).failure();
  if (auto st = check_options(opts); !st) return std::move(st).failure();
  if (messages.size() == 1) return wrap_payload(Bytes(messages[0].begin(), messages[0].end()), opts, rng);
  auto compound = encode_compound(messages);
  if (!compound) return compound;
  return wrap_payload(std::move(compound).value(), opts, rng);
}

Result<Bytes> encode_single_packet(Bytes message, const PacketEncodeOptions& opts, Rng& rng) {
  const ByteView one(message);
  if (auto st = check_messages(std::span<const ByteView>(&one, 1)); !st) return std::move(st).failure();
  if (auto st = check_options(opts); !st) return std::move(st).failure();
  return wrap_payload(std::move(message), opts, rng);
}

Result<std::vector<Bytes>> encode_packets(std::span<const ByteView> messages,
                                          const PacketEncodeOptions& opts, Rng& rng) {
  if (messages.empty()) return fail(Err::bad_length, "no messages to send");
  std::vector<Bytes> out;
  for (std::size_t at = 0; at < messages.size(); at += kMaxCompoundParts) {
    const std::size_t n = std::min(kMaxCompoundParts, messages.size() - at);
    auto one = encode_packet(messages.subspan(at, n), opts, rng);
    if (!one) return std::move(one).failure();
    out.push_back(std::move(one).value());
  }
  return out;
}

Result<DecodedPacket> decode_packet(ByteView datagram, const PacketDecodeOptions& opts,
                                    DecodeCounters& counters) {
  auto reject = [&counters](Failure<Err> f) -> Result<DecodedPacket> {
    counters.count(f.code);
    return f;
  };
  if (datagram.empty()) return reject(fail(Err::truncated, "empty datagram"));

  auto accepted = accept_label(datagram, opts.label, opts.skip_inbound_label_check);
  if (!accepted) return reject(std::move(accepted).failure());
  DecodedPacket out;
  out.labelled = accepted->rest.size() != datagram.size();
  ByteView buf = accepted->rest;
  if (buf.empty()) return reject(fail(Err::empty_part, "nothing after the label header"));

  if (opts.keyring != nullptr && !opts.keyring->empty()) {
    auto plain = decrypt(*opts.keyring, buf, as_bytes(accepted->label));
    if (plain) {
      out.encrypted = true;
      out.owned.push_back(std::move(plain).value());
      buf = out.owned.back();
      if (buf.empty()) return reject(fail(Err::empty_part, "decrypts to nothing"));
    } else if (opts.verify_incoming) {
      return reject(std::move(plain).failure());
    }
    // verify_incoming off: read the datagram as plaintext.
  }

  if (has_crc_header(buf)) {
    auto payload = strip_crc(buf);
    if (!payload) return reject(std::move(payload).failure());
    out.had_crc = true;
    buf = *payload;
  }

  Unpacker unpacker(opts, counters, out);
  if (auto st = unpacker.unwrap(buf, 0); !st) return reject(std::move(st).failure());
  return out;
}

}  // namespace wkd::wire
