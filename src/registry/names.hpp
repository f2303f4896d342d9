// The field rules of a registration, one function per rule. Each refusal
// names the field as the REST API spells it ("serviceName: ...") and says
// what was wrong; the limits are the constants below (docs/registry.md
// lists them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "registry/errors.hpp"

namespace wkd::registry {

// Service names: one DNS label, [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?, so they
// can be DNS and DNS-SD names later. "status", "health", "register" and
// "dependencies" are reserved (paths of the REST API).
inline constexpr std::size_t kMaxServiceName = 63;
// Instance ids: 1-128 visible ASCII characters (0x21-0x7E) other than '/'.
inline constexpr std::size_t kMaxInstanceId = 128;
// Hosts: an IPv4 or IPv6 literal (no brackets) or a DNS name of letters,
// digits and hyphens, labels of 1-63, the last not all digits, 253
// characters in all.
inline constexpr std::size_t kMaxHost = 253;
// Protocols: a lowercase token [a-z][a-z0-9+.-]{0,31} (the shape of a URI
// scheme): http, https, grpc, tcp, udp, or whatever the service speaks.
inline constexpr std::size_t kMaxProtocol = 32;
// Region and zone: empty (not given) or [A-Za-z0-9][A-Za-z0-9._-]{0,63}.
inline constexpr std::size_t kMaxLabel = 64;
// Weight: 0 (never preferred) to 10000; 100 by default.
inline constexpr std::int64_t kDefaultWeight = 100;
inline constexpr std::int64_t kMaxWeight = 10000;
// Tags: at most 64, each 1-128 bytes of UTF-8 without control characters.
inline constexpr std::size_t kMaxTags = 64;
inline constexpr std::size_t kMaxTag = 128;
// Metadata: keys 1-128 bytes of UTF-8 without control characters; values
// UTF-8 without NUL; at most 64 KiB of keys and values together.
inline constexpr std::size_t kMaxMetadataKey = 128;
inline constexpr std::size_t kMaxMetadataBytes = 64 * 1024;
// URLs: http:// or https://, a host (name, IPv4, or [IPv6]), an optional
// port 1-65535, then a path/query of visible ASCII; 2048 bytes in all.
inline constexpr std::size_t kMaxUrl = 2048;

bool is_reserved_service_name(std::string_view name) noexcept;
// Well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool is_utf8(std::string_view text) noexcept;

Status check_service_name(std::string_view field, std::string_view name);
Status check_instance_id(std::string_view field, std::string_view id);
Status check_host(std::string_view field, std::string_view host);
Status check_port(std::string_view field, std::int64_t port);
Status check_protocol(std::string_view field, std::string_view protocol);
Status check_label(std::string_view field, std::string_view label);
Status check_weight(std::string_view field, std::int64_t weight);
Status check_tags(std::string_view field, const std::set<std::string>& tags);
Status check_metadata(std::string_view field, const std::map<std::string, std::string>& metadata);
// Empty is accepted (not given).
Status check_url(std::string_view field, std::string_view url);
// Empty is accepted (unversioned); otherwise strict semver 2.0.0.
Status check_version(std::string_view field, std::string_view version);

// The parts of a URL that check_url accepts.
struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without brackets
  std::uint16_t port = 0;  // 0: the scheme's default
  std::string rest;    // path, query and fragment, "" or starting with '/', '?' or '#'
};
Result<Url> parse_url(std::string_view field, std::string_view url);

}  // namespace wkd::registry
