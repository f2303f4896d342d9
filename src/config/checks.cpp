// Checks of single configuration values (see checks.hpp).
#include "config/checks.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/base64.hpp"
#include "serf/identity.hpp"
#include "wire/keyring.hpp"

namespace wkd::config::detail {

namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return is_control(static_cast<unsigned char>(c)); });
}

// "host", "host:port", "[v6]" or "[v6]:port", split without judging the host.
struct HostPortText {
  std::string_view host;
  bool bracketed = false;
  bool has_port = false;
  std::uint32_t port = 0;
};

// "" or what is wrong with the text's shape or port (0..65535 accepted here).
std::string split(std::string_view s, HostPortText& out) {
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return "a '[' without its ']'";
    out.host = s.substr(1, close - 1);
    out.bracketed = true;
    const auto rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return "unexpected text after ']'";
      out.has_port = true;
      port = rest.substr(1);
    }
  } else {
    const auto colon = s.find(':');
    if (colon != std::string_view::npos && s.find(':', colon + 1) != std::string_view::npos) {
      return "an IPv6 address must be in brackets, as in \"[::1]:7474\"";
    }
    out.host = s.substr(0, colon);
    if (colon != std::string_view::npos) {
      out.has_port = true;
      port = s.substr(colon + 1);
    }
  }
  if (out.host.empty()) return "the host is empty";
  if (out.has_port) {
    if (port.empty()) return "the port after ':' is empty";
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return "the port " + quote(port) + " is not a number in 0-65535";
    }
    unsigned v = 0;
    for (char c : port) v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > 65535) return "the port " + std::string(port) + " is out of range (at most 65535)";
    out.port = v;
  }
  return "";
}

// An IP literal in the split text: IPv4 bare, IPv6 bracketed.
std::string ip_of(const HostPortText& hp, Address& out) {
  auto ip = parse_ip(hp.host);
  if (!ip) return quote(hp.host) + " is not an IP address";
  if (hp.bracketed && ip->is_v4()) return "brackets are for IPv6 addresses only";
  out = *ip;
  return "";
}

bool looks_numeric(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

}  // namespace

bool is_unspecified(const Address& a) noexcept {
  return a.is_set() && std::all_of(a.ip.begin(), a.ip.begin() + a.ip_len, [](std::uint8_t b) { return b == 0; });
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (is_control(u)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string check_range(std::int64_t v, Range r, std::string_view unit) {
  if (v >= r.lo && v <= r.hi) return "";
  return std::to_string(v) + " is out of range; it must be " + std::to_string(r.lo) + ".." +
         std::to_string(r.hi) + " (" + std::string(unit) + ")";
}

std::string check_node_name(std::string_view s) {
  if (s.empty()) return "the node name is empty";
  if (s.size() > kMaxNodeName) {
    return "the node name is " + std::to_string(s.size()) + " bytes; at most " + std::to_string(kMaxNodeName);
  }
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || is_control(u)) return quote(s) + " contains a space or a control character";
  }
  return "";
}

std::string parse_bind(std::string_view s, std::uint16_t default_port, Address& out) {
  HostPortText hp;
  std::string problem = split(s, hp);
  if (problem.empty()) problem = ip_of(hp, out);
  if (!problem.empty()) return quote(s) + " is not ip[:port]: " + problem;
  out.port = hp.has_port ? static_cast<std::uint16_t>(hp.port) : default_port;
  return "";
}

std::string parse_advertise(std::string_view s, Address& out) {
  HostPortText hp;
  std::string problem = split(s, hp);
  if (problem.empty()) problem = ip_of(hp, out);
  if (problem.empty() && !hp.has_port) problem = "the port is missing";
  if (problem.empty() && hp.port == 0) problem = "port 0 cannot be advertised (1-65535)";
  if (problem.empty() && is_unspecified(out)) problem = "the unspecified address cannot be advertised";
  if (!problem.empty()) return quote(s) + " is not ip:port: " + problem;
  out.port = static_cast<std::uint16_t>(hp.port);
  return "";
}

std::string normalize_seed(std::string_view s, std::string& out) {
  if (s.empty()) return "a seed is empty";
  HostPortText hp;
  std::string problem = split(s, hp);
  const auto port = static_cast<std::uint16_t>(hp.has_port ? hp.port : kDefaultGossipPort);
  if (problem.empty() && port == 0) problem = "port 0 is out of range (1-65535)";
  if (problem.empty()) {
    if (auto ip = parse_ip(hp.host)) {
      if (hp.bracketed != (ip->ip_len == 16)) {
        problem = hp.bracketed ? "brackets are for IPv6 addresses only" : "an IPv6 address must be in brackets";
      } else {
        ip->port = port;
        out = ip->to_string();
      }
    } else if (hp.bracketed) {
      problem = quote(hp.host) + " is not an IPv6 address";
    } else if (looks_numeric(hp.host)) {
      problem = quote(hp.host) + " is not an IPv4 address";
    } else {
      out = std::string(hp.host) + ":" + std::to_string(port);
      if (!serf::valid_endpoint(out)) problem = quote(hp.host) + " is not a host name or IP address";
    }
  }
  if (!problem.empty()) return quote(s) + " is not host[:port]: " + problem;
  return "";
}

std::optional<Profile> parse_profile(std::string_view s) {
  if (s == "lan") return Profile::lan;
  if (s == "wan") return Profile::wan;
  if (s == "local") return Profile::local;
  return std::nullopt;
}

std::string profile_problem(std::string_view s) {
  if (parse_profile(s)) return "";
  return quote(s) + " is not a profile (lan, wan or local)";
}

std::string check_group(std::string_view s) {
  if (serf::valid_group_name(s)) return "";
  return quote(s) + " is not a group name ([a-z0-9][a-z0-9._-]{0,62})";
}

std::string check_capability(std::string_view s) {
  if (s.empty()) return "a capability is empty";
  if (s.find(',') != std::string_view::npos) {
    return quote(s) + " contains a comma (capabilities travel as a comma-separated list)";
  }
  return check_text(s, kMaxText);
}

std::string check_endpoint(std::string_view s) {
  if (s.empty() || serf::valid_endpoint(s)) return "";
  return quote(s) + " is not host:port (host name, IPv4 or [IPv6], port 1-65535)";
}

std::string check_text(std::string_view s, std::size_t max) {
  if (s.size() > max) return quote(s) + " is " + std::to_string(s.size()) + " bytes; at most " + std::to_string(max);
  if (has_control(s)) return quote(s) + " contains a control character";
  return "";
}

std::string check_path(std::string_view s) {
  if (s.size() > 4096) return "the path is longer than 4096 bytes";
  if (has_control(s)) return "the path " + quote(s) + " contains a control character";
  return "";
}

std::string check_encrypt(std::string_view s) {
  if (s.empty()) return "";
  auto key = base64_decode(s);
  if (!key) return "the key is not valid base64 (as printed by `serf keygen`)";
  if (!wire::Keyring::validate_key(*key).ok()) {
    return "the key is " + std::to_string(key->size()) +
           " bytes after base64 decoding; it must be 16, 24 or 32 (AES-128, -192 or -256)";
  }
  return "";
}

std::string check_tag_key(std::string_view s) {
  if (s.empty()) return "a tag key is empty";
  if (serf::is_reserved_tag(s)) {
    return "tag key " + quote(s) + " is reserved by wkd (wkd, db, wire, endpoint, groups, caps, health)";
  }
  return check_text(s, kMaxText);
}

std::string check_log_level(std::string_view s) {
  if (s == "trace" || s == "debug" || s == "info" || s == "warn" || s == "error") return "";
  return quote(s) + " is not a log level (trace, debug, info, warn or error)";
}

std::string find_duplicate(const std::vector<std::string>& items) {
  std::set<std::string_view> seen;
  for (const auto& item : items) {
    if (!seen.insert(item).second) return quote(item);
  }
  return "";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace wkd::config::detail
