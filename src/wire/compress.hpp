// The compress wrapper (type 9): an LZW-compressed message.
//
// memberlist compresses a message (often a compound) into (docs/wire.md §4.3)
//
//   0x09 | msgpack {Algo: uint8 = 0, Buf: []byte = lzw(message)}
//
// written by go-msgpack as the map `82 a4"Algo" 00 a3"Buf" <raw Buf>`. The
// only algorithm is 0 (LZW, see lzw.hpp); anything else is rejected. The
// inflated bytes are a complete message starting with its own type byte.
// Over UDP the sender keeps the compressed form only when it is strictly
// shorter; on streams it always compresses when compression is enabled.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "wire/errors.hpp"
#include "wire/lzw.hpp"

namespace wkd::wire {

inline constexpr std::uint8_t kCompressType = 9;
inline constexpr std::uint8_t kLzwAlgo = 0;

// [0x09][{Algo: 0, Buf: lzw(message)}]. An empty message is Err::empty_part
// (it would inflate to nothing, which crashes Debian serf).
Result<Bytes> compress_message(ByteView message);

// Parses and inflates the body after the 0x09 type byte (the msgpack object;
// bytes after it are ignored). Errors: those of the Compress decoder in
// memberlist_codec.hpp (Err::truncated, Err::bad_msgpack, Err::bad_field,
// Err::missing_field), Algo != 0 (Err::bad_compression), and those of
// lzw_decompress (Err::lzw_corrupt, Err::decompress_limit, Err::empty_part).
Result<Bytes> decompress_body(ByteView body, std::size_t max_output = kDefaultDecompressLimit);

}  // namespace wkd::wire
