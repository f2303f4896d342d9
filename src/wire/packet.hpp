// The UDP packet pipeline: from messages to a datagram and back.
//
// A memberlist datagram is built in layers (docs/wire.md §1.1), innermost
// first:
//
//   1. one message, or a compound (type 7) of several — the primary message
//      followed by piggybacked broadcasts;
//   2. compress (type 9) when enabled and strictly shorter;
//   3. CRC header (type 12) when the peer is known to speak protocol >= 5;
//   4. encryption with the primary key when a keyring is in use (AAD = label);
//   5. label header (type 244) when a label is configured.
//
// The receiver undoes them in reverse: label (must match) -> decrypt (every
// key; with verify_incoming off, a datagram no key opens is read as
// plaintext) -> CRC (verified and stripped, top level only) -> then the
// message, where compound and compress may nest and are unwrapped
// recursively up to a nesting limit. CRC, label and encryption headers are
// only meaningful at the top; met inside they are rejected (Go drops them as
// unknown types).
//
// Rejections are counted per reason in the caller's DecodeCounters. Like
// memberlist, a bad part inside a compound drops only that part: the packet
// still yields its good messages, and the failure is counted. Failures of
// the packet as a whole (label, decryption, CRC, a bad top-level message)
// return the error, also counted.
//
// The encoder never produces any of the inputs that crash Debian serf 0.9.4
// (§13): it refuses empty messages, so there is no zero-length compound part,
// no bare CRC header and no compressed empty payload; compounds never exceed
// 255 parts (larger sets become several datagrams).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/rng.hpp"
#include "wire/compound.hpp"
#include "wire/crypto.hpp"
#include "wire/errors.hpp"
#include "wire/keyring.hpp"
#include "wire/label.hpp"
#include "wire/lzw.hpp"

namespace wkd::wire {

// ---- sizes for piggybacking and gossip (memberlist net.go / state.go) ----

// Config.UDPBufferSize: the send budget for one datagram.
inline constexpr std::size_t kUdpBufferSize = 1400;
// memberlist's receive buffer per datagram.
inline constexpr std::size_t kUdpReceiveBufferSize = 65536;
// Largest datagram the encoder will produce (IPv4 UDP payload limit).
inline constexpr std::size_t kMaxUdpDatagramSize = 65507;
// Per-broadcast overhead when asking the memberlist queue (u16 length).
inline constexpr std::size_t kBroadcastOverhead = kCompoundPartOverhead;
// Per-broadcast overhead for delegate (serf) broadcasts: u16 length plus
// the 0x08 user type byte memberlist prepends.
inline constexpr std::size_t kUserBroadcastOverhead = kCompoundPartOverhead + 1;
// Default limit on compound/compress wrappers around a message. Go peers
// produce at most two (compress around compound).
inline constexpr int kDefaultMaxNesting = 4;

// What a datagram's framing costs, given how it will be sent.
struct PacketBudget {
  std::string_view label;
  bool encrypted = false;
  EncryptionVersion encryption_version = EncryptionVersion::v1;
  std::size_t udp_buffer_size = kUdpBufferSize;
};

// Label header plus worst-case encryption overhead.
std::size_t packet_overhead(const PacketBudget& b) noexcept;

// Bytes left for broadcasts piggybacked on a primary message of
// `primary_size` bytes: UDPBufferSize - primary - compound header - label -
// encryption overhead, or 0 when nothing fits. Ask the broadcast queues for
// this many bytes with kBroadcastOverhead / kUserBroadcastOverhead per item.
std::size_t piggyback_budget(std::size_t primary_size, const PacketBudget& b) noexcept;

// Bytes available to a gossip datagram made only of broadcasts:
// UDPBufferSize - compound header - label - encryption overhead.
std::size_t gossip_budget(const PacketBudget& b) noexcept;

// ---- encoding ----

struct PacketEncodeOptions {
  bool compress = false;  // EnableCompression (kept only when strictly shorter)
  // Smaller payloads are sent as they are, without trying: LZW seldom
  // shortens a lone ping or ack, and trying costs more than the rest of the
  // send. 0 tries everything (memberlist's behaviour).
  std::size_t compress_min_size = 0;
  bool crc = false;       // the peer is a known node with PMax >= 5
  // Encrypt with the primary key when non-null and non-empty (the caller
  // applies GossipVerifyOutgoing).
  const Keyring* keyring = nullptr;
  EncryptionVersion encryption_version = EncryptionVersion::v1;
  std::string_view label;
};

// One datagram from 1..255 messages, each a complete [type][body]: sent bare
// when there is one, as a compound otherwise. The Rng supplies the nonce
// when encrypting. Errors: no messages or more than 255 (Err::bad_length), an
// empty message (Err::empty_part), a message starting with a framing-only
// type byte (10, 12, 244: Err::unknown_type), a message over 65535 bytes
// inside a compound or a datagram over kMaxUdpDatagramSize (Err::oversized),
// a label over 255 bytes (Err::bad_label), an empty keyring given for
// encryption (Err::key_not_installed).
Result<Bytes> encode_packet(std::span<const ByteView> messages, const PacketEncodeOptions& opts,
                            Rng& rng);
// As encode_packet for one message, taking it: with no compression, CRC,
// encryption or label, the message's own buffer becomes the datagram.
Result<Bytes> encode_single_packet(Bytes message, const PacketEncodeOptions& opts, Rng& rng);

// As encode_packet, for any number of messages: one datagram per group of up
// to 255, in order.
Result<std::vector<Bytes>> encode_packets(std::span<const ByteView> messages,
                                          const PacketEncodeOptions& opts, Rng& rng);

// ---- decoding ----

struct PacketDecodeOptions {
  // Decrypt when non-null and non-empty.
  const Keyring* keyring = nullptr;
  // GossipVerifyIncoming: when false, a datagram no key decrypts is read as
  // plaintext instead of being dropped.
  bool verify_incoming = true;
  std::string_view label;
  bool skip_inbound_label_check = false;
  // Total bytes all compress wrappers of one datagram may inflate to.
  std::size_t max_decompressed = kDefaultDecompressLimit;
  // Compound/compress wrappers allowed around a message.
  int max_nesting = kDefaultMaxNesting;
};

// One message found in a datagram: type byte first, never empty.
struct InnerMessage {
  ByteView bytes;
  std::uint8_t type() const noexcept { return bytes[0]; }
  ByteView body() const noexcept { return bytes.subspan(1); }
};

// The messages of one datagram, in order. The views point into the datagram
// passed to decode_packet (which must outlive this object) or into buffers
// owned here (decrypted or inflated data), so this type moves but does not
// copy.
struct DecodedPacket {
  DecodedPacket() = default;
  DecodedPacket(DecodedPacket&&) noexcept = default;
  DecodedPacket& operator=(DecodedPacket&&) noexcept = default;
  DecodedPacket(const DecodedPacket&) = delete;
  DecodedPacket& operator=(const DecodedPacket&) = delete;

  std::vector<InnerMessage> messages;
  std::size_t truncated_parts = 0;  // compound parts cut off by the end of the data
  std::size_t dropped_parts = 0;    // compound parts rejected (each counted by reason)
  bool labelled = false;
  bool encrypted = false;  // decrypted successfully
  bool had_crc = false;
  bool compressed = false;  // at least one compress wrapper

  // Buffers the views may point into. Internal.
  std::vector<Bytes> owned;
};

// Decodes one datagram. Errors (each also counted): Err::truncated for an
// empty datagram; the label errors (Err::bad_label, Err::label_mismatch); the
// decryption errors (Err::decrypt_failed, Err::bad_encryption_version,
// Err::truncated, Err::bad_padding) unless verify_incoming is off;
// Err::bad_crc; Err::empty_part for nothing after a header; and, for the
// top-level message, the compound and compress errors, Err::nested_too_deep
// and Err::unknown_type for a framing type out of place.
Result<DecodedPacket> decode_packet(ByteView datagram, const PacketDecodeOptions& opts,
                                    DecodeCounters& counters);

}  // namespace wkd::wire
