// wkd identity <-> Serf tags (see identity.hpp for the key convention).
#include "serf/identity.hpp"

#include <set>
#include <utility>

#include "common/address.hpp"

namespace wkd::serf {

namespace {

constexpr std::size_t kMaxGroupLen = 63;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    const auto end = comma == std::string_view::npos ? s.size() : comma;
    if (end > start) out.emplace_back(s.substr(start, end - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

bool valid_host_name(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = h.find('.', start);
    const auto label = h.substr(start, dot == std::string_view::npos ? h.size() - start : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  unsigned v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v >= 1 && v <= 65535;
}

Health parse_health(std::string_view s) {
  if (s == "passing") return Health::passing;
  if (s == "warning") return Health::warning;
  if (s == "critical") return Health::critical;
  return Health::unknown;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

const char* health_name(Health h) noexcept {
  switch (h) {
    case Health::unknown: return "unknown";
    case Health::passing: return "passing";
    case Health::warning: return "warning";
    case Health::critical: return "critical";
  }
  return "unknown";
}

bool is_reserved_tag(std::string_view key) noexcept {
  return key == kTagWkd || key == kTagDb || key == kTagWire || key == kTagEndpoint ||
         key == kTagGroups || key == kTagCaps || key == kTagHealth;
}

bool valid_group_name(std::string_view g) noexcept {
  if (g.empty() || g.size() > kMaxGroupLen || !is_lower_alnum(g.front())) return false;
  for (char c : g.substr(1)) {
    if (!is_lower_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool valid_endpoint(std::string_view e) noexcept {
  if (!e.empty() && e.front() == '[') {
    const auto close = e.find("]:");
    if (close == std::string_view::npos) return false;
    auto ip = parse_ip(e.substr(1, close - 1));
    return ip && ip->ip_len == 16 && valid_port(e.substr(close + 2));
  }
  const auto colon = e.rfind(':');
  if (colon == std::string_view::npos) return false;
  const auto host = e.substr(0, colon);
  if (host.find(':') != std::string_view::npos) return false;  // bare IPv6 needs brackets
  if (!valid_port(e.substr(colon + 1))) return false;
  if (auto ip = parse_ip(host)) return ip->is_v4();
  return valid_host_name(host);
}

Status validate(const Identity& id) {
  if (id.wkd_version.empty()) {
    return fail(Err::invalid_argument, "identity: wkd_version is empty (the `wkd` tag marks a wkd node)");
  }
  if (!id.endpoint.empty() && !valid_endpoint(id.endpoint)) {
    return fail(Err::invalid_argument,
                "identity: endpoint " + quoted(id.endpoint) +
                    " is not host:port (host name, IPv4 or [IPv6], port 1-65535)");
  }
  std::set<std::string_view> seen;
  for (const auto& g : id.groups) {
    if (!valid_group_name(g)) {
      return fail(Err::invalid_argument,
                  "identity: bad group " + quoted(g) + " (must match [a-z0-9][a-z0-9._-]{0,62})");
    }
    if (!seen.insert(g).second) {
      return fail(Err::invalid_argument, "identity: group " + quoted(g) + " is listed twice");
    }
  }
  seen.clear();
  for (const auto& c : id.capabilities) {
    if (c.empty()) return fail(Err::invalid_argument, "identity: empty capability");
    if (c.find(',') != std::string::npos) {
      return fail(Err::invalid_argument,
                  "identity: capability " + quoted(c) + " contains a comma (caps is a comma-separated list)");
    }
    if (!seen.insert(c).second) {
      return fail(Err::invalid_argument, "identity: capability " + quoted(c) + " is listed twice");
    }
  }
  for (const auto& [key, value] : id.tags) {
    if (is_reserved_tag(key)) {
      return fail(Err::invalid_argument,
                  "identity: free tag " + quoted(key) + " uses a key reserved by wkd (" +
                      "wkd, db, wire, endpoint, groups, caps, health)");
    }
  }
  return {};
}

Result<wire::Tags> to_tags(const Identity& id) {
  if (auto st = validate(id); !st) return std::move(st).failure();
  wire::Tags tags = id.tags;
  tags.emplace(kTagWkd, id.wkd_version);
  if (!id.database_type.empty()) tags.emplace(kTagDb, id.database_type);
  if (!id.wire_protocol.empty()) tags.emplace(kTagWire, id.wire_protocol);
  if (!id.endpoint.empty()) tags.emplace(kTagEndpoint, id.endpoint);
  if (!id.groups.empty()) tags.emplace(kTagGroups, join_list(id.groups));
  if (!id.capabilities.empty()) tags.emplace(kTagCaps, join_list(id.capabilities));
  if (id.health != Health::unknown) tags.emplace(kTagHealth, health_name(id.health));
  return tags;
}

Identity identity_from_tags(const wire::Tags& tags) {
  Identity id;
  auto wkd = tags.find(std::string(kTagWkd));
  if (wkd == tags.end() || wkd->second.empty()) {
    id.health = Health::unknown;
    id.tags = tags;
    return id;
  }
  id.health = Health::unknown;
  for (const auto& [key, value] : tags) {
    if (key == kTagWkd) {
      id.wkd_version = value;
    } else if (key == kTagDb) {
      id.database_type = value;
    } else if (key == kTagWire) {
      id.wire_protocol = value;
    } else if (key == kTagEndpoint) {
      id.endpoint = value;
    } else if (key == kTagGroups) {
      id.groups = split_list(value);
    } else if (key == kTagCaps) {
      id.capabilities = split_list(value);
    } else if (key == kTagHealth) {
      id.health = parse_health(value);
    } else {
      id.tags.emplace(key, value);
    }
  }
  return id;
}

}  // namespace wkd::serf
