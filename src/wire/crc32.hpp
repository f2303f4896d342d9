// CRC-32/IEEE and the memberlist "hasCrc" packet header (type 12).
//
// memberlist protects gossip datagrams sent to peers that advertise protocol
// PMax >= 5 with a checksum header (docs/wire.md §4.2):
//
//   0x0C | crc32:u32 BE | payload...
//
// The checksum is the zlib/Ethernet CRC-32 (reflected polynomial 0xEDB88320,
// initial value and final xor 0xFFFFFFFF) over everything after the 5-byte
// header. The header is added after compression and before encryption, and a
// receiver only recognises it at the very top of a datagram, never inside a
// compound or inside decompressed data. A bare header with nothing after it
// crashes Debian serf 0.9.4 (§13), so add_crc refuses an empty payload and
// strip_crc rejects one.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire {

inline constexpr std::uint8_t kCrcType = 12;
inline constexpr std::size_t kCrcHeaderSize = 5;

// CRC-32/IEEE of data. Pass a previous result as `crc` to continue a running
// checksum over several pieces: crc32(b, crc32(a)) == crc32(a ++ b).
std::uint32_t crc32(ByteView data, std::uint32_t crc = 0) noexcept;

// True if the packet starts with a complete CRC header (type 12 and at least
// five bytes), which is exactly when memberlist checks one.
bool has_crc_header(ByteView packet) noexcept;

// [0x0C][crc32(payload) BE][payload]. An empty payload is Err::empty_part.
Result<Bytes> add_crc(ByteView payload);

// Verifies and removes the header; returns the payload as a view into
// `packet`. No header (or a shorter one) is Err::truncated, a wrong checksum
// Err::bad_crc and an empty payload Err::empty_part.
Result<ByteView> strip_crc(ByteView packet);

}  // namespace wkd::wire
