// LZW as Go's compress/lzw writes and reads it (LSB order, 8-bit literals).
//
// memberlist compresses with lzw.NewWriter(w, lzw.LSB, 8) (docs/wire.md §4.3),
// the GIF flavour of LZW:
//
//   * codes 0..255 are literal bytes, 256 is "clear", 257 is "end of data",
//     and the dictionary grows from code 258;
//   * codes are variable width, starting at 9 bits and packed least
//     significant bit first; the width grows to 10, 11 and 12 bits when the
//     next free code reaches 512, 1024 and 2048 (the code written after that
//     step already uses the new width);
//   * when the next free code would reach 4095 the writer emits a clear code
//     (still 12 bits wide) and starts again with an empty dictionary;
//   * Go >= 1.19 starts every stream with a clear code, ends it with the EOF
//     code and flushes the last partial byte.
//
// lzw_compress reproduces Go 1.19's output byte for byte. lzw_decompress
// accepts streams with or without the leading clear (older Go releases omit
// it), handles the "code equals the next free code" (KwKwK) case, honours a
// deferred clear (a full dictionary simply stops growing), and insists on the
// EOF code: Go's reader fails without it and memberlist drops such data.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire {

// memberlist HEAD refuses to inflate beyond this (maxDecompressedBytes).
inline constexpr std::size_t kDefaultDecompressLimit = std::size_t{40} << 20;

// Compresses `in` exactly as Go 1.19's compress/lzw (LSB, literal width 8).
Bytes lzw_compress(ByteView in);

// Inflates a Go-compatible LZW stream. Errors: Err::lzw_corrupt for a code
// that is not yet defined or a stream that ends without the EOF code,
// Err::decompress_limit when the output would exceed `max_output` bytes,
// Err::empty_part when the stream decodes to nothing (Debian serf 0.9.4
// panics on that, so it is never a valid message). Bytes after the EOF code
// are ignored, as Go does.
Result<Bytes> lzw_decompress(ByteView in, std::size_t max_output = kDefaultDecompressLimit);

}  // namespace wkd::wire
