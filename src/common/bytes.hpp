// Byte buffers and views used across every layer.
//
// Owned bytes are a std::vector<std::uint8_t>; borrowed bytes are a
// std::span<const std::uint8_t>. Helpers here convert strings to views and
// read/write big-endian integers, which is all the framing code needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wkd {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string_view as_chars(ByteView b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline std::string to_string(ByteView b) { return std::string(as_chars(b)); }

inline void append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }

inline void put_be16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

inline void put_be32(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

inline std::uint16_t get_be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

inline std::uint32_t get_be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Lower-case hex, for logs and tests.
std::string to_hex(ByteView b);
// Parses hex (whitespace ignored); returns false on an odd count or a non-hex digit.
bool from_hex(std::string_view hex, Bytes& out);

}  // namespace wkd
