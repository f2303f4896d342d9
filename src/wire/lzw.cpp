// LZW compressor and decompressor compatible with Go's compress/lzw
// (LSB bit order, 8-bit literals); see lzw.hpp for the stream format.
//
// Compressor. The dictionary maps (prefix code, next byte) to a code. It is
// kept in a small open-addressing hash table keyed by prefix << 8 | byte; a
// slot holds key << 12 | code, and 0 marks an empty slot (no dictionary code
// is 0). The greedy loop extends the current code while the dictionary has
// the extension; otherwise it emits the current code, bumps the next free
// code (which may widen the codes or, at 4095, emit a clear and wipe the
// table) and, unless the table was wiped, records the extension under the
// new free code. The order of these steps is what makes the output identical
// to Go's, including the clear that can precede the final EOF code.
//
// Decompressor. prefix[c] and suffix[c] describe code c as "code prefix[c]
// followed by byte suffix[c]"; prefix[c] < c always, so every chain ends at a
// literal. A code is expanded by walking its chain backwards into a scratch
// buffer. The next free code `hi` is defined one step late: it is filled in
// when the following code arrives, with that code's first byte, which is also
// why a code equal to `hi` (KwKwK) expands to the previous string plus its
// own first byte.
#include "wire/lzw.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

namespace wkd::wire {

namespace {

constexpr std::uint32_t kLiteralWidth = 8;
constexpr std::uint32_t kClearCode = 1u << kLiteralWidth;  // 256
constexpr std::uint32_t kEofCode = kClearCode + 1;          // 257
constexpr std::uint32_t kMaxWidth = 12;
constexpr std::uint32_t kMaxCode = (1u << kMaxWidth) - 1;  // 4095
constexpr std::uint32_t kNoCode = 0xffffffffu;

// Packs variable-width codes LSB first.
class BitWriter {
 public:
  explicit BitWriter(Bytes& out) : out_(out) {}

  void put(std::uint32_t code, std::uint32_t width) {
    acc_ |= code << count_;
    count_ += width;
    while (count_ >= 8) {
      out_.push_back(static_cast<std::uint8_t>(acc_));
      acc_ >>= 8;
      count_ -= 8;
    }
  }

  // Writes the final partial byte, if any.
  void flush() {
    if (count_ > 0) out_.push_back(static_cast<std::uint8_t>(acc_));
    acc_ = 0;
    count_ = 0;
  }

 private:
  Bytes& out_;
  std::uint32_t acc_ = 0;
  std::uint32_t count_ = 0;
};

class Compressor {
 public:
  // The dictionary never holds more entries than there are input bytes (one
  // per emitted code) nor more than a full 12-bit table, so a table of at
  // least twice that many slots stays at most half full: a small datagram
  // gets a small table to clear instead of the full 32 KiB.
  Compressor(Bytes& out, std::size_t input_size) : bits_(out) {
    std::uint32_t bits = 6;
    while (bits < kMaxTableBits && (std::size_t{1} << bits) < 2 * input_size) ++bits;
    shift_ = 32 - bits;
    mask_ = (std::size_t{1} << bits) - 1;
    table_.assign(mask_ + 1, 0u);
  }

  void run(ByteView in) {
    // Go 1.19 opens every stream with a clear code.
    bits_.put(kClearCode, width_);
    if (in.empty()) {
      finish();
      return;
    }
    // Locals, not members, in the loop: the output writes are byte stores,
    // which may alias anything, so members would be reloaded after each.
    std::uint32_t* const table = table_.data();
    const std::uint32_t shift = shift_;
    const std::size_t mask = mask_;
    std::uint32_t code = in[0];
    for (std::size_t i = 1; i < in.size(); ++i) {
      const std::uint32_t key = code << 8 | in[i];
      // The slot holding `key`, or the empty slot where it would go.
      std::size_t slot = (key * 0x9E3779B1u) >> shift;
      while (table[slot] != 0 && (table[slot] >> 12) != key) slot = (slot + 1) & mask;
      if (table[slot] != 0) {
        code = table[slot] & kMaxCode;
        continue;
      }
      bits_.put(code, width_);
      code = in[i];
      if (next_free()) continue;  // the dictionary was just wiped
      table[slot] = key << 12 | free_;
    }
    bits_.put(code, width_);
    (void)next_free();  // may emit a clear, exactly as Go's Close does
    finish();
  }

 private:
  static constexpr std::uint32_t kMaxTableBits = 13;  // 8192 slots for <= 3837 entries

  // Advances the next free code after a code was emitted. Returns true if
  // the dictionary filled up and was reset (a clear code was emitted).
  bool next_free() {
    ++free_;
    if (free_ == limit_) {
      ++width_;
      limit_ <<= 1;
    }
    if (free_ != kMaxCode) return false;
    bits_.put(kClearCode, width_);
    width_ = kLiteralWidth + 1;
    free_ = kEofCode;
    limit_ = 1u << width_;
    std::fill(table_.begin(), table_.end(), 0u);
    return true;
  }

  void finish() {
    bits_.put(kEofCode, width_);
    bits_.flush();
  }

  BitWriter bits_;
  std::uint32_t shift_ = 0;
  std::size_t mask_ = 0;
  std::vector<std::uint32_t> table_;
  std::uint32_t width_ = kLiteralWidth + 1;
  std::uint32_t free_ = kEofCode;  // last code in use; the next entry gets free_ + 1
  std::uint32_t limit_ = 1u << (kLiteralWidth + 1);
};

// Reads variable-width codes LSB first.
class BitReader {
 public:
  explicit BitReader(ByteView in) : in_(in) {}

  // False when the input ends before `width` more bits.
  bool get(std::uint32_t width, std::uint32_t& code) {
    while (count_ < width) {
      if (pos_ == in_.size()) return false;
      acc_ |= std::uint32_t{in_[pos_++]} << count_;
      count_ += 8;
    }
    code = acc_ & ((1u << width) - 1);
    acc_ >>= width;
    count_ -= width;
    return true;
  }

  std::size_t offset() const { return pos_; }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
  std::uint32_t acc_ = 0;
  std::uint32_t count_ = 0;
};

class Decompressor {
 public:
  Decompressor(ByteView in, std::size_t max_output) : bits_(in), max_output_(max_output) {}

  Result<Bytes> run(std::size_t input_size) {
    Bytes out;
    // Gossip compresses to about half: reserving for that avoids most
    // regrowth without trusting what the input claims.
    out.reserve(std::min(max_output_, input_size * 3));
    reset();
    for (;;) {
      std::uint32_t code = 0;
      if (!bits_.get(width_, code)) {
        return fail(Err::lzw_corrupt, "LZW data ends without the EOF code (after " +
                                          std::to_string(bits_.offset()) + " bytes)");
      }
      if (code == kClearCode) {
        reset();
        continue;
      }
      if (code == kEofCode) break;
      if (code > hi_) {
        return fail(Err::lzw_corrupt, "LZW code " + std::to_string(code) +
                                          " is not defined yet (next free code " +
                                          std::to_string(hi_) + ")");
      }
      // Expand `code` into scratch_, last byte first.
      std::size_t n = 0;
      std::uint32_t c = code;
      if (code == hi_ && last_ != kNoCode) {
        // KwKwK: the previous string followed by its own first byte.
        std::uint32_t head = last_;
        while (head >= kClearCode) head = prefix_[head];
        scratch_[n++] = static_cast<std::uint8_t>(head);
        c = last_;
      }
      while (c >= kClearCode) {
        scratch_[n++] = suffix_[c];
        c = prefix_[c];
      }
      scratch_[n++] = static_cast<std::uint8_t>(c);  // c is now the first byte
      if (n > max_output_ - out.size()) {
        return fail(Err::decompress_limit,
                    "LZW output exceeds the limit of " + std::to_string(max_output_) + " bytes");
      }
      for (std::size_t i = n; i-- > 0;) out.push_back(scratch_[i]);
      if (last_ != kNoCode) {
        prefix_[hi_] = static_cast<std::uint16_t>(last_);
        suffix_[hi_] = static_cast<std::uint8_t>(c);
      }
      last_ = code;
      ++hi_;
      if (hi_ >= limit_) {
        if (width_ == kMaxWidth) {
          // Dictionary full: stop adding codes until the writer clears.
          // Code hi_ (4095) stays defined, so it remains a valid input.
          last_ = kNoCode;
          --hi_;
        } else {
          ++width_;
          limit_ <<= 1;
        }
      }
    }
    if (out.empty()) return fail(Err::empty_part, "LZW data decodes to nothing");
    return out;
  }

 private:
  void reset() {
    width_ = kLiteralWidth + 1;
    limit_ = 1u << width_;
    hi_ = kEofCode;
    last_ = kNoCode;
  }

  BitReader bits_;
  std::size_t max_output_;
  // Not initialised up front (16 KiB of stores per datagram): an entry of
  // prefix_ and suffix_ is written when its code is defined, before any read
  // (codes above hi_ are refused), and scratch_ is written before it is read.
  std::array<std::uint16_t, 1u << kMaxWidth> prefix_;
  std::array<std::uint8_t, 1u << kMaxWidth> suffix_;
  std::array<std::uint8_t, 1u << kMaxWidth> scratch_;
  std::uint32_t width_ = kLiteralWidth + 1;
  std::uint32_t limit_ = 1u << (kLiteralWidth + 1);
  std::uint32_t hi_ = kEofCode;  // next code to be defined
  std::uint32_t last_ = kNoCode;  // previous code, or none after a clear / when full
};

}  // namespace

Bytes lzw_compress(ByteView in) {
  Bytes out;
  out.reserve(in.size() / 2 + 16);
  Compressor(out, in.size()).run(in);
  return out;
}

Result<Bytes> lzw_decompress(ByteView in, std::size_t max_output) {
  // The tables are 16 KiB; keep them off the caller's stack.
  auto dec = std::make_unique<Decompressor>(in, max_output);
  return dec->run(in.size());
}

}  // namespace wkd::wire
