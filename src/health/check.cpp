#include "health/check.hpp"

#include <array>
#include <charconv>
#include <set>

#include "registry/names.hpp"

namespace wkd::health {

namespace {

using registry::invalid;
using std::chrono::hours;
using std::chrono::milliseconds;

constexpr std::array<const char*, 6> kKindNames = {"http", "tcp", "grpc", "ttl", "script", "alias"};
constexpr std::uint32_t kMaxThreshold = 1000;

std::string ms_text(Duration d) { return std::to_string(to_ms(d)) + " ms"; }

Status check_range(const char* field, Duration d, Duration lo, Duration hi) {
  if (d < lo || d > hi) {
    return invalid(std::string(field) + ": " + ms_text(d) + " is out of range " + ms_text(lo) + " - " + ms_text(hi));
  }
  return {};
}

Status check_threshold(const char* field, std::uint32_t v, bool zero_ok) {
  if ((v == 0 && !zero_ok) || v > kMaxThreshold) {
    return invalid(std::string(field) + ": " + std::to_string(v) + " is out of range " + (zero_ok ? "0" : "1") +
                   "-1000");
  }
  return {};
}

// host:port with a port 1-65535; the host as the registry's rules say.
Status check_host_port(const char* field, std::string_view target) {
  const auto colon = target.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return invalid(std::string(field) + ": expected host:port");
  std::string_view host = target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (auto st = registry::check_host(field, host); !st) return st;
  const std::string_view port = target.substr(colon + 1);
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc() || end != port.data() + port.size() || v < 1 || v > 65535) {
    return invalid(std::string(field) + ": the port '" + std::string(port) + "' is not 1-65535");
  }
  return {};
}

// host:port, or http(s)://host:port with nothing after the authority
// (the check's path is the health service's).
Status check_grpc_target(std::string_view target) {
  if (target.empty()) return invalid("target: a gRPC server is required (host:port or http(s)://host:port)");
  if (target.find("://") == std::string_view::npos) return check_host_port("target", target);
  auto url = registry::parse_url("target", target);
  if (!url) return std::move(url).failure();
  if (url->port == 0) return invalid("target: a gRPC URL names its port (http(s)://host:port)");
  if (!url->rest.empty() && url->rest != "/") {
    return invalid("target: a gRPC URL has no path, query or fragment ('" + url->rest + "')");
  }
  return {};
}

Status check_target(const CheckSpec& s) {
  switch (s.kind) {
    case CheckKind::http:
      if (s.target.empty()) return invalid("target: a URL is required");
      return registry::check_url("target", s.target);
    case CheckKind::grpc: return check_grpc_target(s.target);
    case CheckKind::tcp: return check_host_port("target", s.target);
    case CheckKind::script:
      if (s.target.empty()) return invalid("target: a command is required");
      if (s.target.find('\0') != std::string::npos) return invalid("target: the command has a NUL byte");
      return {};
    case CheckKind::alias: return registry::check_service_name("target", s.target);
    case CheckKind::ttl:
      if (!s.target.empty()) return invalid("target: a TTL check has none");
      return {};
  }
  return invalid("kind: not http, tcp, grpc, ttl, script or alias");
}

Status check_method(std::string_view method) {
  if (method.empty() || method.size() > 16) return invalid("method: 1-16 upper-case letters");
  for (char c : method) {
    if (c < 'A' || c > 'Z') return invalid("method: '" + std::string(method) + "' is not upper-case letters");
  }
  return {};
}

Status check_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  if (headers.size() > 64) return invalid("headers: " + std::to_string(headers.size()) + " of at most 64");
  for (const auto& [name, value] : headers) {
    if (name.empty() || name.size() > 256) return invalid("headers: a name of 1-256 bytes");
    for (unsigned char c : name) {
      const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '_' || c == '.';
      if (!token) return invalid("headers: '" + name + "' is not a header name");
    }
    if (value.size() > 4096) return invalid("headers." + name + ": over 4096 bytes");
    for (unsigned char c : value) {
      if (c < 0x20 && c != '\t') return invalid("headers." + name + ": a control byte in the value");
    }
  }
  return {};
}

}  // namespace

const char* check_kind_name(CheckKind k) noexcept {
  const auto i = static_cast<std::size_t>(k);
  return i < kKindNames.size() ? kKindNames[i] : "unknown";
}

std::optional<CheckKind> parse_check_kind(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (text == kKindNames[i]) return static_cast<CheckKind>(i);
  }
  return std::nullopt;
}

Status validate(const CheckSpec& s) {
  if (!s.id.empty()) {
    if (s.id.size() > kMaxCheckId) return invalid("id: over 128 bytes");
    for (unsigned char c : s.id) {
      if (c <= 0x20 || c >= 0x7f) return invalid("id: '" + s.id + "' has a byte that is not visible ASCII");
    }
  }
  if (static_cast<std::size_t>(s.kind) >= kKindNames.size()) {
    return invalid("kind: not http, tcp, grpc, ttl, script or alias");
  }
  if (auto st = check_target(s); !st) return st;
  if (s.kind == CheckKind::ttl) {
    if (auto st = check_range("ttl", s.ttl, milliseconds(100), hours(24)); !st) return st;
  } else {
    if (s.ttl != Duration::zero()) return invalid("ttl: only a TTL check has one");
    if (auto st = check_range("interval", s.interval, milliseconds(100), hours(24)); !st) return st;
    if (auto st = check_range("timeout", s.timeout, milliseconds(10), s.interval); !st) return st;
  }
  if (auto st = check_threshold("success_before_passing", s.success_before_passing, false); !st) return st;
  if (auto st = check_threshold("failures_before_warning", s.failures_before_warning, true); !st) return st;
  if (auto st = check_threshold("failures_before_critical", s.failures_before_critical, false); !st) return st;
  if (auto st = check_range("deregister_critical_after", s.deregister_critical_after, Duration::zero(), hours(24 * 30));
      !st) {
    return st;
  }
  if (auto st = check_range("start_grace", s.start_grace, Duration::zero(), hours(24)); !st) return st;
  if (s.kind == CheckKind::http) {
    if (auto st = check_method(s.method); !st) return st;
    if (auto st = check_headers(s.headers); !st) return st;
    if (s.body.size() > 64 * 1024) return invalid("body: over 64 KiB");
  }
  if (s.grpc_service.size() > 256) return invalid("grpc_service: over 256 bytes");
  if (!registry::is_utf8(s.grpc_service)) return invalid("grpc_service: not UTF-8");
  return {};
}

Thresholds::Thresholds(const CheckSpec& spec) noexcept
    : success_before_passing_(spec.success_before_passing),
      failures_before_warning_(spec.failures_before_warning == 0 ? spec.failures_before_critical
                                                                 : spec.failures_before_warning),
      failures_before_critical_(spec.failures_before_critical) {}

std::optional<CheckState> Thresholds::count(CheckState result) noexcept {
  // Saturating: a check that passes for years does not wrap.
  if (result != CheckState::critical) {
    if (successes_ < kMaxThreshold) ++successes_;
    failures_ = 0;
    if (successes_ >= success_before_passing_) return result;
    return std::nullopt;
  }
  if (failures_ < kMaxThreshold) ++failures_;
  successes_ = 0;
  if (failures_ >= failures_before_critical_) return CheckState::critical;
  if (failures_ >= failures_before_warning_) return CheckState::warning;
  return std::nullopt;
}

int severity(CheckState s) noexcept {
  switch (s) {
    case CheckState::passing: return 0;
    case CheckState::warning: return 1;
    case CheckState::critical: return 2;
  }
  return 2;
}

CheckState worst(CheckState a, CheckState b) noexcept { return severity(b) > severity(a) ? b : a; }

Status validate_list(std::vector<CheckSpec>& specs) {
  std::set<std::string> ids;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    CheckSpec& s = specs[i];
    const std::string at = "checks[" + std::to_string(i) + "]";
    if (auto st = validate(s); !st) return registry::fail(st.code(), at + "." + st.message());
    if (s.id.empty()) s.id = check_kind_name(s.kind);
    if (!ids.insert(s.id).second) {
      return registry::fail(registry::Err::invalid_argument, at + ".id: '" + s.id + "' is given twice");
    }
  }
  return {};
}

}  // namespace wkd::health
