// Compress wrapper (type 9) encoding and decoding; see compress.hpp.
//
// Encoding compresses with lzw_compress and writes the two-field struct
// with the shared msgpack Writer (keys in Go's sorted order, Buf as a raw
// string). Decoding accepts what either Go codec (or a liberal writer) may
// send: the struct as a map or an array, keys in any order, unknown keys of
// any type skipped, Buf as str, bin, nil or an array of small ints, and any
// integer form for Algo. Only then is the algorithm checked and the buffer
// inflated under the caller's limit.
#include "wire/compress.hpp"

#include <string>
#include <string_view>

#include "wire/msgpack.hpp"

namespace wkd::wire {

namespace {

Status read_buf(msgpack::Reader& r, Bytes& out) {
  if (r.take_nil()) {
    out.clear();
    return {};
  }
  auto kind = r.peek_kind("Buf");
  if (!kind) return kind.status();
  if (*kind == msgpack::Kind::array) {
    auto bytes = r.read_bytes("Buf");
    if (!bytes) return bytes.status();
    out = std::move(bytes).value();
    return {};
  }
  auto raw = r.read_raw("Buf");
  if (!raw) return raw.status();
  out.assign(raw->begin(), raw->end());
  return {};
}

Status read_algo(msgpack::Reader& r, std::uint8_t& algo) {
  if (r.take_nil()) {
    algo = 0;
    return {};
  }
  auto v = r.read_uint("Algo", 0xff);
  if (!v) return v.status();
  algo = static_cast<std::uint8_t>(*v);
  return {};
}

}  // namespace

Result<Bytes> compress_message(ByteView message) {
  if (message.empty()) return fail(Err::empty_part, "refusing to compress an empty message");
  const Bytes packed = lzw_compress(message);
  Bytes out;
  out.reserve(packed.size() + 16);
  out.push_back(kCompressType);
  msgpack::Writer w(out);
  w.map_header(2);
  w.key("Algo");
  w.uint(kLzwAlgo);
  w.key("Buf");
  w.raw(packed);
  return out;
}

Result<CompressBody> parse_compress_body(ByteView body) {
  msgpack::Reader r(body);
  auto header = r.read_struct_header("compress");
  if (!header) return std::move(header).failure();
  CompressBody out;
  if (header->is_map) {
    for (std::uint32_t i = 0; i < header->count; ++i) {
      auto key = r.read_raw("compress key");
      if (!key) return std::move(key).failure();
      const std::string_view name = as_chars(*key);
      Status st;
      if (name == "Algo") {
        st = read_algo(r, out.algo);
      } else if (name == "Buf") {
        st = read_buf(r, out.buf);
      } else {
        st = r.skip(name);
      }
      if (!st) return std::move(st).failure();
    }
  } else {
    // Positional: Algo, Buf, then anything extra is skipped.
    for (std::uint32_t i = 0; i < header->count; ++i) {
      Status st = i == 0 ? read_algo(r, out.algo) : i == 1 ? read_buf(r, out.buf) : r.skip("compress");
      if (!st) return std::move(st).failure();
    }
  }
  out.size = r.offset();
  return out;
}

Result<Bytes> decompress_body(ByteView body, std::size_t max_output) {
  auto parsed = parse_compress_body(body);
  if (!parsed) return std::move(parsed).failure();
  if (parsed->algo != kLzwAlgo) {
    return fail(Err::bad_compression,
                "compression algorithm " + std::to_string(parsed->algo) + " is not LZW (0)");
  }
  return lzw_decompress(parsed->buf, max_output);
}

}  // namespace wkd::wire
