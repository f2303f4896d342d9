// msgpack exactly as HashiCorp's go-msgpack writes and reads it.
//
// memberlist and serf encode every message body with a zero-value
// MsgpackHandle, which means the *old* msgpack spec: strings and byte slices
// are both "raw" (fixstr / str16 0xda / str32 0xdb; never str8 0xd9, never the
// bin family), structs are maps keyed by Go field name in byte-sorted order,
// and nil slices/maps/pointers are 0xc0 (docs/wire.md §2.1).
//
// The only encoder difference between the two Go codecs is how *signed* Go
// integers (int, int64, time.Duration) are written, hence IntStyle:
//   legacy  go-msgpack 0.5.x (memberlist <= 0.5.0, Debian serf 0.9.4):
//           a non-negative signed value uses the unsigned forms cc/cd/ce/cf.
//   v2      go-msgpack/v2 (memberlist >= 0.5.1, serf >= 0.10.2):
//           0..127 posfixint, then the signed forms d1/d2/d3.
// Unsigned values use the smallest unsigned form in both styles, and
// negatives use negfixint/d0..d3 in both.
//
// The Reader is deliberately more liberal than the Writer (docs/wire.md §2.2):
// it takes any str/bin form for strings and byte fields, any int form with a
// range check, nil as "absent", 0/1 as booleans and float32/ints as floats.
// Every read is bounds-checked; a short buffer is Err::truncated, a byte that
// is not valid msgpack (0xc1, or ext where a value is skipped past its end)
// is Err::bad_msgpack and a well-formed value of the wrong type or range is
// Err::bad_field. Messages name the field being read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire::msgpack {

// How signed Go integers are encoded (see the top of this file).
enum class IntStyle : std::uint8_t { legacy, v2 };

const char* int_style_name(IntStyle s) noexcept;

// Appends msgpack values to a caller-owned buffer. Never fails.
class Writer {
 public:
  explicit Writer(Bytes& out, IntStyle style = IntStyle::legacy) noexcept
      : out_(&out), style_(style) {}

  IntStyle style() const noexcept { return style_; }
  Bytes& out() noexcept { return *out_; }

  void nil();
  void boolean(bool v);
  // Go uint8/16/32/64: smallest unsigned form (posfixint, cc, cd, ce, cf).
  void uint(std::uint64_t v);
  // Go int/int64/time.Duration: form depends on style() (see above).
  void sint(std::int64_t v);
  void float64(double v);
  // Go string: raw (fixstr < 32, str16 0xda, str32 0xdb).
  void str(std::string_view s);
  // Go []byte: the same raw encoding as a string. Empty gives 0xa0.
  void raw(ByteView b);
  // Go []byte that may be nil: nil gives 0xc0, otherwise raw().
  void raw_or_nil(ByteView b, bool is_nil) {
    if (is_nil) {
      nil();
    } else {
      raw(b);
    }
  }
  // Headers: fix (< 16), 16-bit (0xdc / 0xde), 32-bit (0xdd / 0xdf).
  void array_header(std::uint32_t n);
  void map_header(std::uint32_t n);
  // A struct field name (identical to str(); reads better at call sites).
  void key(std::string_view name) { str(name); }

 private:
  void put_u8(std::uint8_t b) { out_->push_back(b); }
  void put_be64(std::uint64_t v);

  Bytes* out_;
  IntStyle style_;
};

// The family of the next value, as far as decoders care.
enum class Kind : std::uint8_t { nil, boolean, uint, sint, float32, float64, str, bin, array, map, ext };

const char* kind_name(Kind k) noexcept;

// How a struct arrived: as a map (count = number of key/value pairs) or as a
// positional array (count = number of elements).
struct StructHeader {
  bool is_map = true;
  std::uint32_t count = 0;
};

// Bounds-checked cursor over one buffer. Failed reads leave the position at
// the start of the offending value. Field names passed in are only used in
// error messages.
class Reader {
 public:
  // Nesting limit for skip(): deeper containers are Err::bad_msgpack.
  static constexpr int kMaxDepth = 32;

  explicit Reader(ByteView in) noexcept : in_(in) {}

  std::size_t offset() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  bool at_end() const noexcept { return pos_ >= in_.size(); }
  // The bytes not yet consumed.
  ByteView rest() const noexcept { return in_.subspan(pos_); }

  // Family of the next value without consuming it.
  Result<Kind> peek_kind(std::string_view field) const;
  // True (and consumed) if the next value is nil.
  bool take_nil() noexcept;

  // Skips one complete value of any type, iteratively.
  Status skip(std::string_view field);

  // The same, resumable: `pending` holds the values still to skip at each
  // open container level (start with {1}). On Err::truncated the position
  // stays after the last complete value and `pending` says what is left, so
  // a later call over the same bytes plus more, starting at that position,
  // goes on from there: a large value arriving in small pieces is read
  // once, not once per piece. `pending` is empty once the value is skipped.
  Status skip_resumable(std::vector<std::uint64_t>& pending, std::string_view field);

 private:
  Status skip_values(std::vector<std::uint64_t>& pending, std::string_view field);

 public:

  // Unsigned integer field of any int form, checked against [0, max].
  Result<std::uint64_t> read_uint(std::string_view field, std::uint64_t max = UINT64_MAX);
  // Signed integer field of any int form, checked against [min, max].
  Result<std::int64_t> read_int(std::string_view field, std::int64_t min = INT64_MIN,
                                std::int64_t max = INT64_MAX);
  // c2/c3, or fixint 0/1.
  Result<bool> read_bool(std::string_view field);
  // float32, float64 or any int.
  Result<double> read_float(std::string_view field);
  // Any str or bin form, as a view into the input.
  Result<ByteView> read_raw(std::string_view field);
  // read_raw() copied into a string.
  Result<std::string> read_str(std::string_view field);
  // []byte: any str/bin form, or an array of ints 0..255 (nil is the
  // caller's business: use take_nil() first).
  Result<Bytes> read_bytes(std::string_view field);
  Result<std::uint32_t> read_array_header(std::string_view field);
  Result<std::uint32_t> read_map_header(std::string_view field);
  // A struct as a map or an array.
  Result<StructHeader> read_struct_header(std::string_view field);

 private:
  Status need(std::size_t n, std::string_view field) const;
  // Reads any int form into a (negative, magnitude) pair.
  Status read_any_int(std::string_view field, bool& negative, std::uint64_t& magnitude);
  Result<std::uint32_t> read_container(std::string_view field, bool want_map);

  ByteView in_;
  std::size_t pos_ = 0;
};

}  // namespace wkd::wire::msgpack

namespace wkd::wire {
using msgpack::IntStyle;
using MsgpackWriter = msgpack::Writer;
using MsgpackReader = msgpack::Reader;
}  // namespace wkd::wire
