// msgpack writer and reader matching go-msgpack (see msgpack.hpp for the
// rules). The writer reproduces Go's byte choices exactly; the reader accepts
// every form either Go codec emits or accepts, and checks every length
// against the input before touching it.
#include "wire/msgpack.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <vector>

namespace wkd::wire::msgpack {

namespace {

// Format bytes (msgpack spec names).
constexpr std::uint8_t kNil = 0xc0;
constexpr std::uint8_t kNeverUsed = 0xc1;
constexpr std::uint8_t kFalse = 0xc2;
constexpr std::uint8_t kTrue = 0xc3;
constexpr std::uint8_t kBin8 = 0xc4;
constexpr std::uint8_t kBin16 = 0xc5;
constexpr std::uint8_t kBin32 = 0xc6;
constexpr std::uint8_t kExt8 = 0xc7;
constexpr std::uint8_t kExt16 = 0xc8;
constexpr std::uint8_t kExt32 = 0xc9;
constexpr std::uint8_t kFloat32 = 0xca;
constexpr std::uint8_t kFloat64 = 0xcb;
constexpr std::uint8_t kUint8 = 0xcc;
constexpr std::uint8_t kUint16 = 0xcd;
constexpr std::uint8_t kUint32 = 0xce;
constexpr std::uint8_t kUint64 = 0xcf;
constexpr std::uint8_t kInt8 = 0xd0;
constexpr std::uint8_t kInt16 = 0xd1;
constexpr std::uint8_t kInt32 = 0xd2;
constexpr std::uint8_t kInt64 = 0xd3;
constexpr std::uint8_t kFixExt1 = 0xd4;
constexpr std::uint8_t kFixExt16 = 0xd8;
constexpr std::uint8_t kStr8 = 0xd9;
constexpr std::uint8_t kStr16 = 0xda;
constexpr std::uint8_t kStr32 = 0xdb;
constexpr std::uint8_t kArray16 = 0xdc;
constexpr std::uint8_t kArray32 = 0xdd;
constexpr std::uint8_t kMap16 = 0xde;
constexpr std::uint8_t kMap32 = 0xdf;

std::uint64_t get_be64(const std::uint8_t* p) noexcept {
  return (std::uint64_t{get_be32(p)} << 32) | get_be32(p + 4);
}

std::string hex_byte(std::uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  s += kDigits[b >> 4];
  s += kDigits[b & 0x0f];
  return s;
}

std::string field_prefix(std::string_view field) {
  std::string s(field.empty() ? std::string_view("value") : field);
  s += ": ";
  return s;
}

// Kind of a format byte; false for 0xc1.
bool kind_of(std::uint8_t b, Kind& k) noexcept {
  if (b <= 0x7f) {
    k = Kind::uint;
  } else if (b <= 0x8f) {
    k = Kind::map;
  } else if (b <= 0x9f) {
    k = Kind::array;
  } else if (b <= 0xbf) {
    k = Kind::str;
  } else if (b >= 0xe0) {
    k = Kind::sint;
  } else {
    switch (b) {
      case kNil: k = Kind::nil; break;
      case kNeverUsed: return false;
      case kFalse:
      case kTrue: k = Kind::boolean; break;
      case kBin8:
      case kBin16:
      case kBin32: k = Kind::bin; break;
      case kFloat32: k = Kind::float32; break;
      case kFloat64: k = Kind::float64; break;
      case kUint8:
      case kUint16:
      case kUint32:
      case kUint64: k = Kind::uint; break;
      case kInt8:
      case kInt16:
      case kInt32:
      case kInt64: k = Kind::sint; break;
      case kStr8:
      case kStr16:
      case kStr32: k = Kind::str; break;
      case kArray16:
      case kArray32: k = Kind::array; break;
      case kMap16:
      case kMap32: k = Kind::map; break;
      default: k = Kind::ext; break;  // c7..c9, d4..d8
    }
  }
  return true;
}

}  // namespace

const char* int_style_name(IntStyle s) noexcept {
  return s == IntStyle::legacy ? "legacy" : "v2";
}

const char* kind_name(Kind k) noexcept {
  switch (k) {
    case Kind::nil: return "nil";
    case Kind::boolean: return "bool";
    case Kind::uint: return "uint";
    case Kind::sint: return "int";
    case Kind::float32: return "float32";
    case Kind::float64: return "float64";
    case Kind::str: return "str";
    case Kind::bin: return "bin";
    case Kind::array: return "array";
    case Kind::map: return "map";
    case Kind::ext: return "ext";
  }
  return "unknown";
}

// ---------------------------------------------------------------- Writer

void Writer::put_be64(std::uint64_t v) {
  put_be32(*out_, static_cast<std::uint32_t>(v >> 32));
  put_be32(*out_, static_cast<std::uint32_t>(v));
}

void Writer::nil() { put_u8(kNil); }

void Writer::boolean(bool v) { put_u8(v ? kTrue : kFalse); }

void Writer::uint(std::uint64_t v) {
  if (v <= 0x7f) {
    put_u8(static_cast<std::uint8_t>(v));
  } else if (v <= 0xff) {
    put_u8(kUint8);
    put_u8(static_cast<std::uint8_t>(v));
  } else if (v <= 0xffff) {
    put_u8(kUint16);
    put_be16(*out_, static_cast<std::uint16_t>(v));
  } else if (v <= 0xffffffffu) {
    put_u8(kUint32);
    put_be32(*out_, static_cast<std::uint32_t>(v));
  } else {
    put_u8(kUint64);
    put_be64(v);
  }
}

void Writer::sint(std::int64_t v) {
  if (v >= 0) {
    if (style_ == IntStyle::legacy || v <= 0x7f) {
      uint(static_cast<std::uint64_t>(v));
      return;
    }
    // v2: positive values above 127 take the smallest *signed* form that
    // holds them; d0 is never used for positives because 128..255 do not fit.
    if (v <= std::numeric_limits<std::int16_t>::max()) {
      put_u8(kInt16);
      put_be16(*out_, static_cast<std::uint16_t>(v));
    } else if (v <= std::numeric_limits<std::int32_t>::max()) {
      put_u8(kInt32);
      put_be32(*out_, static_cast<std::uint32_t>(v));
    } else {
      put_u8(kInt64);
      put_be64(static_cast<std::uint64_t>(v));
    }
    return;
  }
  if (v >= -32) {
    put_u8(static_cast<std::uint8_t>(static_cast<std::int8_t>(v)));
  } else if (v >= std::numeric_limits<std::int8_t>::min()) {
    put_u8(kInt8);
    put_u8(static_cast<std::uint8_t>(static_cast<std::int8_t>(v)));
  } else if (v >= std::numeric_limits<std::int16_t>::min()) {
    put_u8(kInt16);
    put_be16(*out_, static_cast<std::uint16_t>(static_cast<std::int16_t>(v)));
  } else if (v >= std::numeric_limits<std::int32_t>::min()) {
    put_u8(kInt32);
    put_be32(*out_, static_cast<std::uint32_t>(static_cast<std::int32_t>(v)));
  } else {
    put_u8(kInt64);
    put_be64(static_cast<std::uint64_t>(v));
  }
}

void Writer::float64(double v) {
  put_u8(kFloat64);
  put_be64(std::bit_cast<std::uint64_t>(v));
}

void Writer::str(std::string_view s) { raw(as_bytes(s)); }

void Writer::raw(ByteView b) {
  const std::size_t n = b.size();
  if (n < 32) {
    put_u8(static_cast<std::uint8_t>(0xa0 | n));
  } else if (n <= 0xffff) {
    put_u8(kStr16);
    put_be16(*out_, static_cast<std::uint16_t>(n));
  } else {
    put_u8(kStr32);
    put_be32(*out_, static_cast<std::uint32_t>(n));
  }
  append(*out_, b);
}

void Writer::array_header(std::uint32_t n) {
  if (n < 16) {
    put_u8(static_cast<std::uint8_t>(0x90 | n));
  } else if (n <= 0xffff) {
    put_u8(kArray16);
    put_be16(*out_, static_cast<std::uint16_t>(n));
  } else {
    put_u8(kArray32);
    put_be32(*out_, n);
  }
}

void Writer::map_header(std::uint32_t n) {
  if (n < 16) {
    put_u8(static_cast<std::uint8_t>(0x80 | n));
  } else if (n <= 0xffff) {
    put_u8(kMap16);
    put_be16(*out_, static_cast<std::uint16_t>(n));
  } else {
    put_u8(kMap32);
    put_be32(*out_, n);
  }
}

// ---------------------------------------------------------------- Reader

Status Reader::need(std::size_t n, std::string_view field) const {
  if (remaining() < n) {
    return fail(Err::truncated, field_prefix(field) + "needs " + std::to_string(n) +
                                    " bytes at offset " + std::to_string(pos_) + ", " +
                                    std::to_string(remaining()) + " left");
  }
  return {};
}

Result<Kind> Reader::peek_kind(std::string_view field) const {
  if (auto st = need(1, field); !st) return st.failure();
  Kind k{};
  if (!kind_of(in_[pos_], k)) {
    return fail(Err::bad_msgpack, field_prefix(field) + "invalid format byte 0xc1 at offset " +
                                      std::to_string(pos_));
  }
  return k;
}

bool Reader::take_nil() noexcept {
  if (!at_end() && in_[pos_] == kNil) {
    ++pos_;
    return true;
  }
  return false;
}

Status Reader::skip(std::string_view field) {
  const std::size_t start = pos_;
  std::vector<std::uint64_t> pending{1};
  Status st = skip_values(pending, field);
  if (!st) pos_ = start;
  return st;
}

Status Reader::skip_resumable(std::vector<std::uint64_t>& pending, std::string_view field) {
  return skip_values(pending, field);
}

Status Reader::skip_values(std::vector<std::uint64_t>& pending, std::string_view field) {
  // Values still to skip at each open container level. A map of n entries
  // contributes 2n values. Iterative, so hostile nesting cannot blow the stack.
  // On failure the position is left at the start of the value that could not
  // be read (skip() rewinds further, to where it began), and that value is
  // counted as still pending.
  std::size_t start = pos_;
  auto stop = [&](Status st) {
    pos_ = start;
    ++pending.back();
    return st;
  };
  while (!pending.empty()) {
    if (pending.back() == 0) {
      pending.pop_back();
      continue;
    }
    --pending.back();
    start = pos_;
    if (auto st = need(1, field); !st) return stop(std::move(st));
    const std::uint8_t b = in_[pos_];
    std::size_t header = 1;
    std::uint64_t payload = 0;   // bytes to jump over after the header
    std::uint64_t children = 0;  // nested values
    bool container = false;
    if (b <= 0x7f || b >= 0xe0 || b == kNil || b == kFalse || b == kTrue) {
      // single byte
    } else if (b <= 0x8f) {
      container = true;
      children = 2u * (b & 0x0fu);
    } else if (b <= 0x9f) {
      container = true;
      children = b & 0x0fu;
    } else if (b <= 0xbf) {
      payload = b & 0x1fu;
    } else {
      std::size_t len_bytes = 0;
      switch (b) {
        case kNeverUsed:
          return stop(fail(Err::bad_msgpack, field_prefix(field) + "invalid format byte 0xc1"));
        case kBin8:
        case kStr8: len_bytes = 1; break;
        case kBin16:
        case kStr16: len_bytes = 2; break;
        case kBin32:
        case kStr32: len_bytes = 4; break;
        case kExt8: len_bytes = 1; payload = 1; break;   // + type byte
        case kExt16: len_bytes = 2; payload = 1; break;
        case kExt32: len_bytes = 4; payload = 1; break;
        case kFloat32: payload = 4; break;
        case kFloat64: payload = 8; break;
        case kUint8:
        case kInt8: payload = 1; break;
        case kUint16:
        case kInt16: payload = 2; break;
        case kUint32:
        case kInt32: payload = 4; break;
        case kUint64:
        case kInt64: payload = 8; break;
        case kArray16: len_bytes = 2; container = true; break;
        case kArray32: len_bytes = 4; container = true; break;
        case kMap16: len_bytes = 2; container = true; break;
        case kMap32: len_bytes = 4; container = true; break;
        default:  // fixext 1/2/4/8/16: type byte + 2^k data bytes
          payload = 1 + (std::uint64_t{1} << (b - kFixExt1));
          break;
      }
      if (len_bytes != 0) {
        if (auto st = need(1 + len_bytes, field); !st) return stop(std::move(st));
        const std::uint8_t* p = in_.data() + pos_ + 1;
        const std::uint64_t len = len_bytes == 1 ? p[0] : len_bytes == 2 ? get_be16(p) : get_be32(p);
        header += len_bytes;
        if (container) {
          children = (b == kMap16 || b == kMap32) ? 2 * len : len;
        } else {
          payload += len;
        }
      }
    }
    if (auto st = need(header + payload, field); !st) return stop(std::move(st));
    pos_ += header + static_cast<std::size_t>(payload);
    if (container) {
      // Every child needs at least one byte: reject impossible counts early
      // (when resuming, more bytes may still come: that is "truncated" too).
      if (children > remaining()) {
        return stop(fail(Err::truncated, field_prefix(field) + "container at offset " +
                                             std::to_string(start) + " declares " +
                                             std::to_string(children) + " values, only " +
                                             std::to_string(in_.size() - start - header) + " bytes left"));
      }
      if (children != 0) {
        if (pending.size() > static_cast<std::size_t>(kMaxDepth)) {
          return stop(fail(Err::bad_msgpack,
                           field_prefix(field) + "nested deeper than " + std::to_string(kMaxDepth)));
        }
        pending.push_back(children);
      }
    }
  }
  return {};
}

Status Reader::read_any_int(std::string_view field, bool& negative, std::uint64_t& magnitude) {
  if (auto st = need(1, field); !st) return st;
  const std::uint8_t b = in_[pos_];
  negative = false;
  if (b <= 0x7f) {
    magnitude = b;
    pos_ += 1;
    return {};
  }
  if (b >= 0xe0) {
    negative = true;
    magnitude = static_cast<std::uint64_t>(-static_cast<std::int64_t>(static_cast<std::int8_t>(b)));
    pos_ += 1;
    return {};
  }
  std::size_t size = 0;
  switch (b) {
    case kUint8:
    case kInt8: size = 1; break;
    case kUint16:
    case kInt16: size = 2; break;
    case kUint32:
    case kInt32: size = 4; break;
    case kUint64:
    case kInt64: size = 8; break;
    default: {
      Kind k{};
      const bool valid = kind_of(b, k);
      return fail(valid ? Err::bad_field : Err::bad_msgpack,
                  field_prefix(field) + "expected an integer, got " +
                      (valid ? std::string(kind_name(k)) : std::string("invalid byte")) + " (" +
                      hex_byte(b) + ") at offset " + std::to_string(pos_));
    }
  }
  if (auto st = need(1 + size, field); !st) return st;
  const std::uint8_t* p = in_.data() + pos_ + 1;
  std::uint64_t raw = size == 1 ? p[0] : size == 2 ? get_be16(p) : size == 4 ? get_be32(p) : get_be64(p);
  if (b >= kInt8) {
    // Sign-extend from size bytes.
    const unsigned bits = static_cast<unsigned>(size * 8);
    std::int64_t v = 0;
    if (bits == 64) {
      v = static_cast<std::int64_t>(raw);
    } else {
      const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
      v = static_cast<std::int64_t>((raw ^ sign)) - static_cast<std::int64_t>(sign);
    }
    if (v < 0) {
      negative = true;
      magnitude = static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(v);
    } else {
      magnitude = static_cast<std::uint64_t>(v);
    }
  } else {
    magnitude = raw;
  }
  pos_ += 1 + size;
  return {};
}

Result<std::uint64_t> Reader::read_uint(std::string_view field, std::uint64_t max) {
  const std::size_t start = pos_;
  bool negative = false;
  std::uint64_t mag = 0;
  if (auto st = read_any_int(field, negative, mag); !st) return st.failure();
  if (negative || mag > max) {
    pos_ = start;
    return fail(Err::bad_field, field_prefix(field) + (negative ? "-" : "") + std::to_string(mag) +
                                    " is outside 0.." + std::to_string(max));
  }
  return mag;
}

Result<std::int64_t> Reader::read_int(std::string_view field, std::int64_t min, std::int64_t max) {
  const std::size_t start = pos_;
  bool negative = false;
  std::uint64_t mag = 0;
  if (auto st = read_any_int(field, negative, mag); !st) return st.failure();
  bool in_range = false;
  std::int64_t v = 0;
  if (negative) {
    // mag is at most 2^63 here (the most negative int64).
    const std::uint64_t min_mag = static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(min);
    if (min < 0 && mag <= min_mag) {
      v = static_cast<std::int64_t>(static_cast<std::uint64_t>(0) - mag);
      in_range = v <= max;
    }
  } else if (mag <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    v = static_cast<std::int64_t>(mag);
    in_range = v >= min && v <= max;
  }
  if (!in_range) {
    pos_ = start;
    return fail(Err::bad_field, field_prefix(field) + (negative ? "-" : "") + std::to_string(mag) +
                                    " is outside " + std::to_string(min) + ".." +
                                    std::to_string(max));
  }
  return v;
}

Result<bool> Reader::read_bool(std::string_view field) {
  if (auto st = need(1, field); !st) return st.failure();
  const std::uint8_t b = in_[pos_];
  if (b == kTrue || b == 0x01) {
    ++pos_;
    return true;
  }
  if (b == kFalse || b == 0x00) {
    ++pos_;
    return false;
  }
  return fail(Err::bad_field, field_prefix(field) + "expected a bool, got " + hex_byte(b) +
                                  " at offset " + std::to_string(pos_));
}

Result<double> Reader::read_float(std::string_view field) {
  if (auto st = need(1, field); !st) return st.failure();
  const std::uint8_t b = in_[pos_];
  if (b == kFloat64) {
    if (auto st = need(9, field); !st) return st.failure();
    const double v = std::bit_cast<double>(get_be64(in_.data() + pos_ + 1));
    pos_ += 9;
    return v;
  }
  if (b == kFloat32) {
    if (auto st = need(5, field); !st) return st.failure();
    const float v = std::bit_cast<float>(get_be32(in_.data() + pos_ + 1));
    pos_ += 5;
    return static_cast<double>(v);
  }
  bool negative = false;
  std::uint64_t mag = 0;
  if (auto st = read_any_int(field, negative, mag); !st) {
    if (st.code() == Err::bad_field) {
      return fail(Err::bad_field, field_prefix(field) + "expected a float, got " + hex_byte(b) +
                                      " at offset " + std::to_string(pos_));
    }
    return st.failure();
  }
  const double d = static_cast<double>(mag);
  return negative ? -d : d;
}

Result<ByteView> Reader::read_raw(std::string_view field) {
  if (auto st = need(1, field); !st) return st.failure();
  const std::uint8_t b = in_[pos_];
  std::size_t header = 1;
  std::size_t len = 0;
  std::size_t len_bytes = 0;
  if (b >= 0xa0 && b <= 0xbf) {
    len = b & 0x1fu;
  } else if (b == kStr8 || b == kBin8) {
    len_bytes = 1;
  } else if (b == kStr16 || b == kBin16) {
    len_bytes = 2;
  } else if (b == kStr32 || b == kBin32) {
    len_bytes = 4;
  } else {
    Kind k{};
    const bool valid = kind_of(b, k);
    return fail(valid ? Err::bad_field : Err::bad_msgpack,
                field_prefix(field) + "expected a string, got " +
                    (valid ? std::string(kind_name(k)) : std::string("invalid byte")) + " (" +
                    hex_byte(b) + ") at offset " + std::to_string(pos_));
  }
  if (len_bytes != 0) {
    if (auto st = need(1 + len_bytes, field); !st) return st.failure();
    const std::uint8_t* p = in_.data() + pos_ + 1;
    len = len_bytes == 1 ? p[0] : len_bytes == 2 ? get_be16(p) : get_be32(p);
    header += len_bytes;
  }
  if (auto st = need(header + len, field); !st) return st.failure();
  ByteView v = in_.subspan(pos_ + header, len);
  pos_ += header + len;
  return v;
}

Result<std::string> Reader::read_str(std::string_view field) {
  auto r = read_raw(field);
  if (!r) return std::move(r).failure();
  return to_string(*r);
}

Result<Bytes> Reader::read_bytes(std::string_view field) {
  if (!at_end()) {
    Kind k{};
    if (kind_of(in_[pos_], k) && k == Kind::array) {
      const std::size_t start = pos_;
      auto n = read_array_header(field);
      if (!n) return std::move(n).failure();
      Bytes out;
      out.reserve(*n);
      for (std::uint32_t i = 0; i < *n; ++i) {
        auto v = read_uint(field, 0xff);
        if (!v) {
          pos_ = start;
          return std::move(v).failure();
        }
        out.push_back(static_cast<std::uint8_t>(*v));
      }
      return out;
    }
  }
  auto r = read_raw(field);
  if (!r) return std::move(r).failure();
  return Bytes(r->begin(), r->end());
}

Result<std::uint32_t> Reader::read_container(std::string_view field, bool want_map) {
  if (auto st = need(1, field); !st) return st.failure();
  const std::uint8_t b = in_[pos_];
  const std::uint8_t fix_lo = want_map ? 0x80 : 0x90;
  const std::uint8_t b16 = want_map ? kMap16 : kArray16;
  const std::uint8_t b32 = want_map ? kMap32 : kArray32;
  std::size_t header = 1;
  std::uint32_t n = 0;
  if (b >= fix_lo && b <= fix_lo + 0x0f) {
    n = b & 0x0fu;
  } else if (b == b16) {
    if (auto st = need(3, field); !st) return st.failure();
    n = get_be16(in_.data() + pos_ + 1);
    header = 3;
  } else if (b == b32) {
    if (auto st = need(5, field); !st) return st.failure();
    n = get_be32(in_.data() + pos_ + 1);
    header = 5;
  } else {
    Kind k{};
    const bool valid = kind_of(b, k);
    return fail(valid ? Err::bad_field : Err::bad_msgpack,
                field_prefix(field) + "expected " + (want_map ? "a map" : "an array") + ", got " +
                    (valid ? std::string(kind_name(k)) : std::string("invalid byte")) + " (" +
                    hex_byte(b) + ") at offset " + std::to_string(pos_));
  }
  // Each entry needs at least one byte (two for a map entry): a count the
  // input cannot possibly hold is truncation, caught before anyone reserves.
  const std::uint64_t min_bytes = want_map ? 2ull * n : n;
  if (min_bytes > remaining() - header) {
    return fail(Err::truncated, field_prefix(field) + (want_map ? "map" : "array") + " of " +
                                    std::to_string(n) + " entries at offset " +
                                    std::to_string(pos_) + " exceeds the " +
                                    std::to_string(remaining() - header) + " bytes left");
  }
  pos_ += header;
  return n;
}

Result<std::uint32_t> Reader::read_array_header(std::string_view field) {
  return read_container(field, false);
}

Result<std::uint32_t> Reader::read_map_header(std::string_view field) {
  return read_container(field, true);
}

Result<StructHeader> Reader::read_struct_header(std::string_view field) {
  if (auto st = need(1, field); !st) return st.failure();
  const std::uint8_t b = in_[pos_];
  const bool is_array = (b >= 0x90 && b <= 0x9f) || b == kArray16 || b == kArray32;
  auto n = read_container(field, !is_array);
  if (!n) return std::move(n).failure();
  return StructHeader{!is_array, *n};
}

}  // namespace wkd::wire::msgpack
