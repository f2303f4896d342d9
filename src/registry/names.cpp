#include "registry/names.hpp"

#include <array>
#include <utility>

#include "common/address.hpp"
#include "registry/semver.hpp"

namespace wkd::registry {

namespace {

Failure<Err> bad(std::string_view field, const std::string& what, Err code = Err::invalid_argument) {
  return fail(code, std::string(field) + ": " + what);
}

// The value, quoted for a message: at most 64 characters, non-printable
// bytes as \xNN.
std::string quote(std::string_view text) {
  static const char* const kHex = "0123456789abcdef";
  std::string out = "\"";
  const std::size_t n = text.size() < 64 ? text.size() : 64;
  for (std::size_t i = 0; i < n; ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
      out += "\\x";
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  out += text.size() > n ? "\"..." : "\"";
  return out;
}

bool is_lower_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) noexcept { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

bool has_control(std::string_view text) noexcept {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// A DNS name: labels of 1-63 letters, digits and hyphens, not starting or
// ending with a hyphen; the last one not all digits.
bool is_dns_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxHost) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    const std::string_view label = name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) {
      // An all-digit last label reads as a broken IPv4 address (RFC 3696 §2).
      return label.find_first_not_of("0123456789") != std::string_view::npos;
    }
    start = dot + 1;
  }
}

// The length of the UTF-8 sequence at text[i], 0 if it is malformed.
std::size_t utf8_sequence(std::string_view text, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2;
    cp = b0 & 0x1fu;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3;
    cp = b0 & 0x0fu;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (text.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3fu);
  }
  static constexpr std::array<std::uint32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

Result<std::uint16_t> parse_port_text(std::string_view field, std::string_view text) {
  if (text.empty() || text.size() > 5) return bad(field, "the port " + quote(text) + " is not 1-65535");
  std::uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad(field, "the port " + quote(text) + " is not a number");
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535) return bad(field, "the port " + quote(text) + " is not 1-65535");
  return static_cast<std::uint16_t>(v);
}

Status check_url_host(std::string_view field, std::string_view host, bool bracketed) {
  if (bracketed) {
    auto ip = parse_ip(host);
    if (!ip || ip->is_v4()) return bad(field, "the host [" + std::string(host.substr(0, 64)) + "] is not an IPv6 address");
    return {};
  }
  if (host.empty()) return bad(field, "the URL has no host");
  if (!parse_ip(host) && !is_dns_name(host)) return bad(field, "the host " + quote(host) + " is not a DNS name or IP address");
  return {};
}

}  // namespace

bool is_reserved_service_name(std::string_view name) noexcept {
  return name == "status" || name == "health" || name == "register" || name == "dependencies";
}

bool is_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Status check_service_name(std::string_view field, std::string_view name) {
  if (name.empty()) return bad(field, "is empty; a service name is 1-63 characters [a-z0-9-]");
  if (name.size() > kMaxServiceName) {
    return bad(field, quote(name) + " is " + std::to_string(name.size()) + " characters long; the limit is 63");
  }
  for (char c : name) {
    if (!is_lower_alnum(c) && c != '-') {
      return bad(field, quote(name) + " has " + quote(std::string_view(&c, 1)) +
                            "; a service name is lower-case letters, digits and '-'");
    }
  }
  if (name.front() == '-' || name.back() == '-') {
    return bad(field, quote(name) + " starts or ends with '-'");
  }
  if (is_reserved_service_name(name)) {
    return bad(field, quote(name) + " is reserved (status, health, register and dependencies are REST API paths)");
  }
  return {};
}

Status check_instance_id(std::string_view field, std::string_view id) {
  if (id.empty()) return bad(field, "is empty; an instance id is 1-128 visible ASCII characters without '/'");
  if (id.size() > kMaxInstanceId) {
    return bad(field, quote(id) + " is " + std::to_string(id.size()) + " characters long; the limit is 128");
  }
  for (char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '/') return bad(field, quote(id) + " contains '/'");
    if (c <= 0x20 || c >= 0x7f) return bad(field, quote(id) + " contains a space, control or non-ASCII byte");
  }
  return {};
}

Status check_host(std::string_view field, std::string_view host) {
  if (host.empty()) return bad(field, "is empty");
  if (host.size() > kMaxHost) return bad(field, "is " + std::to_string(host.size()) + " characters long; the limit is 253");
  if (parse_ip(host) || is_dns_name(host)) return {};
  return bad(field, quote(host) + " is neither an IP address nor a DNS name (letters, digits, '-' and '.')");
}

Status check_port(std::string_view field, std::int64_t port) {
  if (port < 1 || port > 65535) return bad(field, std::to_string(port) + " is out of range 1-65535");
  return {};
}

Status check_protocol(std::string_view field, std::string_view protocol) {
  const bool ok_len = !protocol.empty() && protocol.size() <= kMaxProtocol;
  bool ok = ok_len && protocol.front() >= 'a' && protocol.front() <= 'z';
  for (char c : protocol) ok = ok && (is_lower_alnum(c) || c == '+' || c == '.' || c == '-');
  if (!ok) return bad(field, quote(protocol) + " is not a lower-case token [a-z][a-z0-9+.-]{0,31} (http, grpc, tcp, ...)");
  return {};
}

Status check_label(std::string_view field, std::string_view label) {
  if (label.empty()) return {};
  bool ok = label.size() <= kMaxLabel && is_alnum(label.front());
  for (char c : label) ok = ok && (is_alnum(c) || c == '.' || c == '_' || c == '-');
  if (!ok) return bad(field, quote(label) + " is not 1-64 characters [A-Za-z0-9._-] starting with a letter or digit");
  return {};
}

Status check_weight(std::string_view field, std::int64_t weight) {
  if (weight < 0) return bad(field, std::to_string(weight) + " is negative");
  if (weight > kMaxWeight) return bad(field, std::to_string(weight) + " is over the limit of 10000");
  return {};
}

Status check_tags(std::string_view field, const std::set<std::string>& tags) {
  if (tags.size() > kMaxTags) {
    return bad(field, std::to_string(tags.size()) + " tags; the limit is 64", Err::too_large);
  }
  for (const auto& t : tags) {
    if (t.empty()) return bad(field, "a tag is empty");
    if (t.size() > kMaxTag) return bad(field, "the tag " + quote(t) + " is over 128 bytes", Err::too_large);
    if (!is_utf8(t) || has_control(t)) return bad(field, "the tag " + quote(t) + " is not UTF-8 text without control characters");
  }
  return {};
}

Status check_metadata(std::string_view field, const std::map<std::string, std::string>& metadata) {
  std::size_t total = 0;
  for (const auto& [k, v] : metadata) {
    if (k.empty()) return bad(field, "a key is empty");
    if (k.size() > kMaxMetadataKey) return bad(field, "the key " + quote(k) + " is over 128 bytes", Err::too_large);
    if (!is_utf8(k) || has_control(k)) return bad(field, "the key " + quote(k) + " is not UTF-8 text without control characters");
    if (!is_utf8(v) || v.find('\0') != std::string::npos) {
      return bad(field, "the value of " + quote(k) + " is not UTF-8 text without NUL");
    }
    total += k.size() + v.size();
  }
  if (total > kMaxMetadataBytes) {
    return bad(field, "keys and values take " + std::to_string(total) + " bytes; the limit is 65536", Err::too_large);
  }
  return {};
}

Result<Url> parse_url(std::string_view field, std::string_view url) {
  if (url.size() > kMaxUrl) return bad(field, "is " + std::to_string(url.size()) + " bytes long; the limit is 2048", Err::too_large);
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return bad(field, quote(url) + " has a space, control or non-ASCII byte (percent-encode it)");
  }
  Url u;
  const std::size_t sep = url.find("://");
  std::string scheme(url.substr(0, sep == std::string_view::npos ? 0 : sep));
  for (char& c : scheme) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (scheme != "http" && scheme != "https") return bad(field, quote(url) + " does not start with http:// or https://");
  u.scheme = scheme;
  const std::string_view after = url.substr(sep + 3);
  const std::size_t auth_end = after.find_first_of("/?#");
  const std::string_view authority = after.substr(0, auth_end == std::string_view::npos ? after.size() : auth_end);
  u.rest = std::string(after.substr(authority.size()));
  if (authority.find('@') != std::string_view::npos) return bad(field, "credentials in the URL are refused");
  std::string_view host = authority, port;
  const bool bracketed = !authority.empty() && authority.front() == '[';
  if (bracketed) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad(field, "the host has '[' without ']'");
    host = authority.substr(1, close - 1);
    const std::string_view tail = authority.substr(close + 1);
    if (!tail.empty() && tail.front() != ':') return bad(field, "unexpected text after the host's ']'");
    if (!tail.empty()) port = tail.substr(1);
    if (tail == ":") return bad(field, "the port after ':' is empty");
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return bad(field, "the port after ':' is empty");
  }
  if (auto st = check_url_host(field, host, bracketed); !st) return std::move(st).failure();
  u.host = std::string(host);
  if (!port.empty()) {
    auto p = parse_port_text(field, port);
    if (!p) return std::move(p).failure();
    u.port = *p;
  }
  return u;
}

Status check_url(std::string_view field, std::string_view url) {
  if (url.empty()) return {};
  return parse_url(field, url).status();
}

Status check_version(std::string_view field, std::string_view version) {
  if (version.empty()) return {};
  auto v = semver::parse(version);
  if (!v) return bad(field, quote(version) + " is not semver 2.0.0: " + v.message(), v.code());
  return {};
}

}  // namespace wkd::registry
