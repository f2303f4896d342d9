// Compress wrapper (type 9) encoding and decoding; see compress.hpp.
//
// The msgpack side is the shared Compress codec (memberlist_codec.hpp): it
// writes the two-field map exactly as go-msgpack does and reads it as
// liberally as either Go codec would (map or array, keys in any order,
// unknown keys skipped, Buf as str or bin). This file adds the LZW step and
// the checks around it: only algorithm 0 exists, an empty message is never
// compressed, and inflation is bounded by the caller's limit.
#include "wire/compress.hpp"

#include <string>

#include "wire/memberlist_codec.hpp"
#include "wire/messages.hpp"

namespace wkd::wire {

Result<Bytes> compress_message(ByteView message) {
  if (message.empty()) return fail(Err::empty_part, "refusing to compress an empty message");
  Compress c;
  c.algo = kLzwAlgo;
  c.buf = lzw_compress(message);
  return encode_message(c);
}

Result<Bytes> decompress_body(ByteView body, std::size_t max_output) {
  auto parsed = decode_compress(body);
  if (!parsed) return std::move(parsed).failure();
  if (parsed->algo != kLzwAlgo) {
    return fail(Err::bad_compression,
                "compression algorithm " + std::to_string(parsed->algo) + " is not LZW (0)");
  }
  return lzw_decompress(parsed->buf, max_output);
}

}  // namespace wkd::wire
