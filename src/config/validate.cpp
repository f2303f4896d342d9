// validate(): every rule on an AgentConfig's values and between them, with
// each failure pointed at the key (and line) or flag that set the value.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "config/agent_config.hpp"
#include "config/checks.hpp"
#include "serf/identity.hpp"
#include "wire/tags.hpp"
#include "wkd/version.h"

namespace wkd::config {

namespace {

using namespace detail;

// An error about `key`, located where the value came from.
ConfigError at(const AgentConfig& cfg, const std::string& key, std::string message) {
  const auto it = cfg.origins.find(key);
  if (it != cfg.origins.end() && !it->second.flag.empty()) {
    return ConfigError{"", 0, 0, it->second.flag, std::move(message)};
  }
  return ConfigError{cfg.source, it == cfg.origins.end() ? 0 : it->second.line, 0, key, std::move(message)};
}

std::optional<ConfigError> check(const AgentConfig& cfg, const std::string& key, std::string problem) {
  if (problem.empty()) return std::nullopt;
  return at(cfg, key, std::move(problem));
}

std::optional<ConfigError> check_list(const AgentConfig& cfg, const std::string& key,
                                      const std::vector<std::string>& items,
                                      std::string (*one)(std::string_view)) {
  for (const auto& item : items) {
    if (auto e = check(cfg, key, one(item))) return e;
  }
  if (auto dup = find_duplicate(items); !dup.empty()) return at(cfg, key, dup + " is listed twice");
  return std::nullopt;
}

// 127.0.0.0/8, ::1 and ::ffff:127.x.y.z.
bool is_loopback(const Address& a) {
  const Address v4 = a.unmapped();
  if (v4.is_v4()) return v4.ip[0] == 127;
  if (a.ip_len != 16) return false;
  for (int i = 0; i < 15; ++i) {
    if (a.ip[static_cast<std::size_t>(i)] != 0) return false;
  }
  return a.ip[15] == 1;
}

std::optional<ConfigError> check_addresses(const AgentConfig& cfg) {
  if (!cfg.bind.is_set()) return at(cfg, "discovery.bind", "no address is set");
  if (cfg.advertise) {
    Address parsed;
    if (auto e = check(cfg, "discovery.advertise", parse_advertise(cfg.advertise->to_string(), parsed))) return e;
  }
  std::vector<std::string> canonical;
  for (const auto& seed : cfg.seeds) {
    std::string c;
    if (auto e = check(cfg, "discovery.seeds", normalize_seed(seed, c))) return e;
    canonical.push_back(c);
  }
  if (auto dup = find_duplicate(canonical); !dup.empty()) {
    return at(cfg, "discovery.seeds", "seed " + dup + " is listed twice");
  }
  if (cfg.http_enabled) {
    if (!cfg.http.is_set()) return at(cfg, "discovery.http", "no address is set");
    const bool same_ip = std::ranges::equal(cfg.http.ip_bytes(), cfg.bind.ip_bytes());
    const bool wildcard = is_unspecified(cfg.http) || is_unspecified(cfg.bind);
    if (cfg.http.port != 0 && cfg.http.port == cfg.bind.port && (same_ip || wildcard)) {
      return at(cfg, "discovery.http",
                cfg.http.to_string() + " takes the gossip port of bind (" + cfg.bind.to_string() +
                    "); give the HTTP API another port");
    }
    // Without tokens anyone who reaches the API may use it: only the host
    // itself, unless the operator says otherwise.
    if (cfg.tokens.empty() && !cfg.allow_unauthenticated_remote && !is_loopback(cfg.http)) {
      return at(cfg, "discovery.http",
                cfg.http.to_string() +
                    " is not a loopback address and no [[agent.token]] is configured; configure tokens, "
                    "or set [agent] allow_unauthenticated_remote = true to serve the API unauthenticated");
    }
  }
  return std::nullopt;
}

std::optional<ConfigError> check_timing(const AgentConfig& cfg) {
  const std::pair<const char*, const std::optional<std::int64_t>*> intervals[] = {
      {"discovery.gossip_interval_ms", &cfg.gossip_interval_ms},
      {"discovery.probe_interval_ms", &cfg.probe_interval_ms},
      {"discovery.suspicion_timeout_ms", &cfg.suspicion_timeout_ms},
  };
  for (const auto& [key, value] : intervals) {
    if (*value) {
      if (auto e = check(cfg, key, check_range(**value, kIntervalRange, "ms"))) return e;
    }
  }
  if (cfg.suspicion_timeout_ms) {
    const std::int64_t probe = cfg.effective_probe_interval_ms();
    const std::string probe_text =
        cfg.probe_interval_ms ? "discovery.probe_interval_ms = " + std::to_string(probe) + " ms"
                              : std::to_string(probe) + " ms, the " + profile_name(cfg.profile) +
                                    " profile's probe interval";
    const std::int64_t timeout = *cfg.suspicion_timeout_ms;
    if (timeout < probe) {
      return at(cfg, "discovery.suspicion_timeout_ms",
                std::to_string(timeout) + " ms is shorter than the probe interval (" + probe_text +
                    "); it must be at least one probe interval");
    }
    if (timeout > probe * kMaxSuspicionMult) {
      return at(cfg, "discovery.suspicion_timeout_ms",
                std::to_string(timeout) + " ms is more than " + std::to_string(kMaxSuspicionMult) +
                    " probe intervals (" + probe_text + "); at most " + std::to_string(probe * kMaxSuspicionMult) +
                    " ms");
    }
  }
  return std::nullopt;
}

std::optional<ConfigError> check_identity(const AgentConfig& cfg) {
  if (auto e = check_list(cfg, "discovery.groups", cfg.groups, check_group)) return e;
  if (auto e = check(cfg, "discovery.database_type", check_text(cfg.database_type, kMaxText))) return e;
  if (auto e = check(cfg, "discovery.wire_protocol", check_text(cfg.wire_protocol, kMaxText))) return e;
  if (auto e = check(cfg, "discovery.endpoint", check_endpoint(cfg.endpoint))) return e;
  if (auto e = check_list(cfg, "discovery.capabilities", cfg.capabilities, check_capability)) return e;
  for (const auto& [key, value] : cfg.tags) {
    const std::string path = "discovery.tags." + key;
    if (auto e = check(cfg, path, check_tag_key(key))) return e;
    if (auto e = check(cfg, path, check_text(value, kMaxTagValue))) return e;
  }
  // The whole identity travels in memberlist's node meta, at most 512
  // bytes; count the longest health value, which changes at run time.
  serf::Identity id;
  id.wkd_version = WKD_VERSION_STRING;
  id.database_type = cfg.database_type;
  id.wire_protocol = cfg.wire_protocol;
  id.endpoint = cfg.endpoint;
  id.groups = cfg.groups;
  id.capabilities = cfg.capabilities;
  id.health = serf::Health::critical;
  id.tags = cfg.tags;
  auto tags = serf::to_tags(id);
  if (!tags) return at(cfg, "discovery", tags.message());
  auto meta = wire::encode_tags(*tags);
  if (!meta) {
    return at(cfg, cfg.tags.empty() ? "discovery.groups" : "discovery.tags",
              "the identity and tags do not fit memberlist's node meta: " + meta.message());
  }
  return std::nullopt;
}

// swim::validate() names a knob; point at the key that sets it. The checks
// above already refuse what it would, so this is a backstop.
std::string key_for_swim_message(const std::string& m) {
  if (m.rfind("node name", 0) == 0) return "discovery.node_name";
  if (m.rfind("advertise", 0) == 0) return "discovery.advertise";
  if (m.rfind("gossip_interval", 0) == 0) return "discovery.gossip_interval_ms";
  if (m.rfind("probe_", 0) == 0) return "discovery.probe_interval_ms";
  if (m.rfind("suspicion_mult", 0) == 0) return "discovery.suspicion_timeout_ms";
  return "discovery.profile";
}

}  // namespace

std::optional<ConfigError> validate(const AgentConfig& cfg) {
  if (auto e = check(cfg, "discovery.node_name", check_node_name(cfg.node_name))) {
    if (cfg.node_name.empty() && !cfg.origins.count("discovery.node_name")) {
      e->message = "not set and the host name is unavailable; set node_name";
    }
    return e;
  }
  if (auto e = check_addresses(cfg)) return e;
  if (auto e = check_timing(cfg)) return e;
  if (auto e = check_identity(cfg)) return e;
  if (auto e = check(cfg, "discovery.encrypt", check_encrypt(cfg.encrypt))) return e;
  if (auto e = check(cfg, "discovery.keyring_file", check_path(cfg.keyring_file))) return e;
  if (auto e = check(cfg, "discovery.snapshot_path", check_path(cfg.snapshot_path))) return e;
  if (auto e = check(cfg, "agent.leave_timeout_ms", check_range(cfg.leave_timeout_ms, kLeaveTimeoutRange, "ms"))) {
    return e;
  }
  if (auto e = check(cfg, "agent.log_level", check_log_level(cfg.log_level))) return e;
  if (const std::string m = swim::validate(cfg.swim()); !m.empty()) {
    return at(cfg, key_for_swim_message(m), "the resulting memberlist configuration is invalid: " + m);
  }
  return std::nullopt;
}

}  // namespace wkd::config
