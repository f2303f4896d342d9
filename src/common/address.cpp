#include "common/address.hpp"

#include <algorithm>
#include <cstring>

namespace wkd {

namespace {

std::optional<std::uint32_t> parse_uint(std::string_view s, std::uint32_t max) noexcept {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

bool parse_v4(std::string_view s, std::uint8_t* out) noexcept {
  for (int i = 0; i < 4; ++i) {
    std::size_t dot = s.find('.');
    std::string_view part = (i < 3) ? s.substr(0, dot) : s;
    if (i < 3 && dot == std::string_view::npos) return false;
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    auto v = parse_uint(part, 255);
    if (!v) return false;
    out[i] = static_cast<std::uint8_t>(*v);
    if (i < 3) s.remove_prefix(dot + 1);
  }
  return true;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_v6(std::string_view s, std::uint8_t* out) noexcept {
  std::uint16_t groups[8] = {};
  int n = 0;
  int gap = -1;  // index where "::" was seen
  if (s.size() >= 2 && s.substr(0, 2) == "::") {
    gap = 0;
    s.remove_prefix(2);
    if (s.empty()) {
      std::memset(out, 0, 16);
      return true;
    }
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (!s.empty()) {
    if (n >= 8) return false;
    std::size_t colon = s.find(':');
    std::string_view part = s.substr(0, colon);
    if (part.find('.') != std::string_view::npos) {
      // Embedded IPv4 tail: must be last, takes two groups.
      if (colon != std::string_view::npos || n > 6) return false;
      std::uint8_t v4[4];
      if (!parse_v4(part, v4)) return false;
      groups[n++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[n++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      s = {};
      break;
    }
    if (part.empty() || part.size() > 4) return false;
    std::uint32_t v = 0;
    for (char c : part) {
      int d = hex_digit(c);
      if (d < 0) return false;
      v = v << 4 | static_cast<std::uint32_t>(d);
    }
    groups[n++] = static_cast<std::uint16_t>(v);
    if (colon == std::string_view::npos) {
      s = {};
      break;
    }
    s.remove_prefix(colon + 1);
    if (!s.empty() && s[0] == ':') {
      if (gap >= 0) return false;
      gap = n;
      s.remove_prefix(1);
      if (s.empty()) break;
    } else if (s.empty()) {
      return false;  // trailing single colon
    }
  }
  std::uint16_t full[8] = {};
  if (gap >= 0) {
    if (n > 7) return false;
    int tail = n - gap;
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  } else {
    if (n != 8) return false;
    std::copy(groups, groups + 8, full);
  }
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(full[i]);
  }
  return true;
}

constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

Address Address::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) noexcept {
  Address r;
  r.ip[0] = a;
  r.ip[1] = b;
  r.ip[2] = c;
  r.ip[3] = d;
  r.ip_len = 4;
  r.port = port;
  return r;
}

std::optional<Address> Address::from_bytes(ByteView ip, std::uint16_t port) noexcept {
  if (ip.size() != 4 && ip.size() != 16) return std::nullopt;
  Address r;
  std::copy(ip.begin(), ip.end(), r.ip.begin());
  r.ip_len = static_cast<std::uint8_t>(ip.size());
  r.port = port;
  return r;
}

bool Address::is_v4_or_mapped() const noexcept {
  return ip_len == 4 || (ip_len == 16 && std::memcmp(ip.data(), kMappedPrefix, 12) == 0);
}

Address Address::unmapped() const noexcept {
  if (ip_len == 16 && std::memcmp(ip.data(), kMappedPrefix, 12) == 0) {
    return v4(ip[12], ip[13], ip[14], ip[15], port);
  }
  return *this;
}

std::string Address::ip_string() const {
  if (ip_len == 4) {
    return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
           std::to_string(ip[3]);
  }
  if (ip_len != 16) return "";
  if (std::memcmp(ip.data(), kMappedPrefix, 12) == 0) return "::ffff:" + unmapped().ip_string();
  std::uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>(ip[2 * i] << 8 | ip[2 * i + 1]);
  // Longest run of zero groups (length >= 2) becomes "::".
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (!s.empty() && s.back() != ':') s += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int d = (g[i] >> shift) & 15;
      if (d != 0 || started || shift == 0) {
        s += kHex[d];
        started = true;
      }
    }
  }
  return s;
}

std::string Address::to_string() const {
  if (ip_len == 16) return "[" + ip_string() + "]:" + std::to_string(port);
  return ip_string() + ":" + std::to_string(port);
}

bool operator<(const Address& a, const Address& b) noexcept {
  if (a.ip_len != b.ip_len) return a.ip_len < b.ip_len;
  int c = std::memcmp(a.ip.data(), b.ip.data(), a.ip_len);
  if (c != 0) return c < 0;
  return a.port < b.port;
}

std::optional<Address> parse_ip(std::string_view text) noexcept {
  Address r;
  if (text.find(':') != std::string_view::npos) {
    if (!parse_v6(text, r.ip.data())) return std::nullopt;
    r.ip_len = 16;
    return r;
  }
  if (!parse_v4(text, r.ip.data())) return std::nullopt;
  r.ip_len = 4;
  return r;
}

std::optional<HostPort> split_host_port(std::string_view text, std::uint16_t default_port) noexcept {
  HostPort hp;
  hp.port = default_port;
  if (text.empty()) return std::nullopt;
  if (text[0] == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    hp.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      auto p = parse_uint(rest.substr(1), 65535);
      if (!p) return std::nullopt;
      hp.port = static_cast<std::uint16_t>(*p);
    }
    return hp;
  }
  std::size_t first = text.find(':');
  if (first != std::string_view::npos && text.find(':', first + 1) != std::string_view::npos) {
    hp.host = std::string(text);  // bare IPv6 literal, no port
    return hp;
  }
  if (first == std::string_view::npos) {
    hp.host = std::string(text);
    return hp;
  }
  if (first == 0) return std::nullopt;
  auto p = parse_uint(text.substr(first + 1), 65535);
  if (!p) return std::nullopt;
  hp.host = std::string(text.substr(0, first));
  hp.port = static_cast<std::uint16_t>(*p);
  return hp;
}

std::optional<Address> parse_address(std::string_view text, std::optional<std::uint16_t> default_port) noexcept {
  bool has_port = false;
  if (!text.empty() && text[0] == '[') {
    has_port = text.find("]:") != std::string_view::npos;
  } else {
    std::size_t first = text.find(':');
    has_port = first != std::string_view::npos && text.find(':', first + 1) == std::string_view::npos;
  }
  if (!has_port && !default_port) return std::nullopt;
  auto hp = split_host_port(text, default_port.value_or(0));
  if (!hp) return std::nullopt;
  auto ip = parse_ip(hp->host);
  if (!ip) return std::nullopt;
  ip->port = hp->port;
  return ip;
}

std::size_t AddressHash::operator()(const Address& a) const noexcept {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::size_t i = 0; i < a.ip_len; ++i) h = (h ^ a.ip[i]) * 1099511628211ULL;
  h = (h ^ a.port) * 1099511628211ULL;
  return static_cast<std::size_t>(h);
}

}  // namespace wkd
