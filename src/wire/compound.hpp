// The compound message (type 7): several messages in one datagram.
//
// memberlist piggybacks gossip on pings and acks and batches gossip into one
// datagram with this layout (docs/wire.md §4.1):
//
//   0x07 | count:u8 | len_1:u16 BE | ... | len_count:u16 BE | msg_1 | ... | msg_count
//
// Each part is a complete message with its own type byte. The count is one
// byte, so a compound holds at most 255 parts; larger sets are split into
// several compounds as memberlist HEAD does (0.2.2 would let the count wrap).
//
// Decoding follows memberlist: if the buffer ends early, the complete parts
// are returned together with the number of parts that were cut off. A
// zero-length part is rejected outright: it makes Debian serf 0.9.4 panic
// (§13), so it is never legitimate, and the encoder refuses to produce one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire {

inline constexpr std::uint8_t kCompoundType = 7;
// Type byte + count byte.
inline constexpr std::size_t kCompoundHeaderOverhead = 2;
// The u16 length of each part.
inline constexpr std::size_t kCompoundPartOverhead = 2;
inline constexpr std::size_t kMaxCompoundParts = 255;
inline constexpr std::size_t kMaxCompoundPartSize = 0xffff;

// Size of the compound holding parts whose sizes sum to `payload`.
constexpr std::size_t compound_size(std::size_t parts, std::size_t payload) noexcept {
  return kCompoundHeaderOverhead + parts * kCompoundPartOverhead + payload;
}

// One compound of 1..255 parts, type byte included. Errors: no parts or more
// than 255 (Err::bad_length), an empty part (Err::empty_part), a part longer
// than 65535 bytes (Err::oversized).
Result<Bytes> encode_compound(std::span<const ByteView> parts);

// As many compounds as needed, 255 parts each, in order. A final chunk of a
// single part is still wrapped in a compound, so the caller can always tell
// how the parts were grouped; use encode_packets() in packet.hpp to get the
// memberlist behaviour of sending a lone message bare.
Result<std::vector<Bytes>> encode_compounds(std::span<const ByteView> parts);

struct CompoundParts {
  std::vector<ByteView> parts;  // views into the decoded buffer
  std::size_t truncated = 0;    // parts announced but cut off by the end of the buffer
};

// Splits a compound body (the bytes after the 0x07 type byte). Errors: no
// count byte or a length table cut short (Err::truncated), a zero-length
// part (Err::empty_part). Bytes after the last part are ignored, as
// memberlist ignores them.
Result<CompoundParts> decode_compound(ByteView body);

}  // namespace wkd::wire
