// Network addresses as plain values: an IPv4 or IPv6 address and a port.
//
// The pure layers name peers by Address and never touch a socket, so the
// text forms ("127.0.0.1:7946", "[::1]:7946") are parsed and printed here
// without the C library's socket headers. The wire carries the IP as 4 or
// 16 raw bytes (memberlist's net.IP); Address keeps whichever length it was
// given, because memberlist compares address bytes exactly and an IPv4
// address in its 16-byte mapped form is a different address to it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace wkd {

struct Address {
  std::array<std::uint8_t, 16> ip{};
  std::uint8_t ip_len = 0;  // 0 (unset), 4 or 16
  std::uint16_t port = 0;

  static Address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) noexcept;
  // From wire bytes: 4 or 16 bytes, else nullopt.
  static std::optional<Address> from_bytes(ByteView ip, std::uint16_t port) noexcept;

  ByteView ip_bytes() const noexcept { return {ip.data(), ip_len}; }
  bool is_set() const noexcept { return ip_len != 0; }
  bool is_v4() const noexcept { return ip_len == 4; }
  // An IPv4 address, or an IPv6 IPv4-mapped one (::ffff:a.b.c.d).
  bool is_v4_or_mapped() const noexcept;
  // The 4-byte form of a mapped address; itself otherwise.
  Address unmapped() const noexcept;

  // "1.2.3.4" or "2001:db8::1" (RFC 5952 shortest form; mapped as ::ffff:1.2.3.4).
  std::string ip_string() const;
  // "1.2.3.4:7946" or "[2001:db8::1]:7946".
  std::string to_string() const;

  friend bool operator==(const Address& a, const Address& b) noexcept {
    return a.ip_len == b.ip_len && a.port == b.port && a.ip == b.ip;
  }
  friend bool operator!=(const Address& a, const Address& b) noexcept { return !(a == b); }
  friend bool operator<(const Address& a, const Address& b) noexcept;
};

// Parses an IP literal: dotted IPv4 or IPv6 (with :: and an embedded IPv4
// tail). No zone ids, no host names.
std::optional<Address> parse_ip(std::string_view text) noexcept;

// Parses "ip:port" or "[ipv6]:port". With default_port set, a missing port
// is allowed ("ip" or "[ipv6]" or a bare IPv6 literal). Port 0 is allowed.
std::optional<Address> parse_address(std::string_view text, std::optional<std::uint16_t> default_port = {}) noexcept;

// Splits "host:port" / "[v6]:port" / "host" into host and port without
// resolving the host (for seeds given as names). nullopt on a malformed port
// or brackets.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<HostPort> split_host_port(std::string_view text, std::uint16_t default_port) noexcept;

struct AddressHash {
  std::size_t operator()(const Address& a) const noexcept;
};

}  // namespace wkd
