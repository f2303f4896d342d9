// CRC-32/IEEE, slicing-by-8, with tables built at compile time; plus the
// memberlist CRC header (see crc32.hpp for the format).
//
// Slicing-by-8 processes eight input bytes per step with eight 256-entry
// tables: table[0] is the classic byte-at-a-time table for the reflected
// polynomial, and table[k][b] is the CRC of byte b followed by k zero bytes,
// so the contributions of eight bytes can be looked up independently and
// xor-ed together. The tail is finished one byte at a time.
#include "wire/crc32.hpp"

#include <array>
#include <string>

namespace wkd::wire {

namespace {

constexpr std::uint32_t kPolynomial = 0xEDB88320u;

using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr CrcTables make_tables() {
  CrcTables t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t c = b;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][b] = c;
  }
  for (std::size_t k = 1; k < t.size(); ++k) {
    for (std::uint32_t b = 0; b < 256; ++b) {
      const std::uint32_t prev = t[k - 1][b];
      t[k][b] = (prev >> 8) ^ t[0][prev & 0xffu];
    }
  }
  return t;
}

constexpr CrcTables kTables = make_tables();

}  // namespace

std::uint32_t crc32(ByteView data, std::uint32_t crc) noexcept {
  std::uint32_t c = ~crc;
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  while (n >= 8) {
    const std::uint32_t lo = c ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                  std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
    c = kTables[7][lo & 0xffu] ^ kTables[6][(lo >> 8) & 0xffu] ^ kTables[5][(lo >> 16) & 0xffu] ^
        kTables[4][lo >> 24] ^ kTables[3][p[4]] ^ kTables[2][p[5]] ^ kTables[1][p[6]] ^
        kTables[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = (c >> 8) ^ kTables[0][(c ^ *p++) & 0xffu];
  return ~c;
}

bool has_crc_header(ByteView packet) noexcept {
  return packet.size() >= kCrcHeaderSize && packet[0] == kCrcType;
}

Result<Bytes> add_crc(ByteView payload) {
  if (payload.empty()) {
    return fail(Err::empty_part, "refusing to add a CRC header to an empty payload");
  }
  Bytes out;
  out.reserve(kCrcHeaderSize + payload.size());
  out.push_back(kCrcType);
  put_be32(out, crc32(payload));
  append(out, payload);
  return out;
}

Result<ByteView> strip_crc(ByteView packet) {
  if (!has_crc_header(packet)) {
    return fail(Err::truncated, "CRC header needs 5 bytes starting with 0x0c, got " +
                                    std::to_string(packet.size()) + " bytes");
  }
  const ByteView payload = packet.subspan(kCrcHeaderSize);
  if (payload.empty()) return fail(Err::empty_part, "CRC header with nothing after it");
  const std::uint32_t want = get_be32(packet.data() + 1);
  const std::uint32_t got = crc32(payload);
  if (want != got) {
    return fail(Err::bad_crc, "CRC header says " + to_hex(packet.subspan(1, 4)) +
                                  ", payload of " + std::to_string(payload.size()) +
                                  " bytes has a different checksum");
  }
  return payload;
}

}  // namespace wkd::wire
