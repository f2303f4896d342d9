// apply_overrides(): command-line values on top of the file's, each checked
// as the file's would be, errors naming the flag; then validate().
#include <string>
#include <utility>
#include <vector>

#include "config/agent_config.hpp"
#include "config/checks.hpp"

namespace wkd::config {

namespace {

using namespace detail;
using Err = std::optional<ConfigError>;

Err flag_error(const char* flag, std::string problem) {
  if (problem.empty()) return std::nullopt;
  return ConfigError{"", 0, 0, flag, std::move(problem)};
}

void set_origin(AgentConfig& cfg, const std::string& key, const char* flag) {
  cfg.origins[key] = AgentConfig::Origin{0, flag};
}

// A repeated flag's values, each checked (and maybe rewritten) by `one`,
// none twice.
template <class Check>
Err list(const char* flag, const char* what, const std::vector<std::string>& in, std::vector<std::string>& out,
         Check one) {
  std::vector<std::string> items;
  for (std::string item : in) {
    if (auto e = flag_error(flag, one(item))) return e;
    items.push_back(std::move(item));
  }
  if (auto dup = find_duplicate(items); !dup.empty()) {
    return flag_error(flag, std::string(what) + " " + dup + " is listed twice");
  }
  out = std::move(items);
  return std::nullopt;
}

Err apply(AgentConfig& cfg, const Overrides& o) {
  if (o.node_name) {
    if (auto e = flag_error("--node-name", check_node_name(*o.node_name))) return e;
    cfg.node_name = *o.node_name;
    set_origin(cfg, "discovery.node_name", "--node-name");
  }
  if (o.bind) {
    if (auto e = flag_error("--bind", parse_bind(*o.bind, kDefaultGossipPort, cfg.bind))) return e;
    set_origin(cfg, "discovery.bind", "--bind");
  }
  if (o.advertise) {
    if (o.advertise->empty()) {
      cfg.advertise.reset();
    } else {
      Address a;
      if (auto e = flag_error("--advertise", parse_advertise(*o.advertise, a))) return e;
      cfg.advertise = a;
    }
    set_origin(cfg, "discovery.advertise", "--advertise");
  }
  if (!o.join.empty()) {
    if (auto e = list("--join", "seed", o.join, cfg.seeds, [](std::string& s) {
          std::string canonical;
          std::string problem = normalize_seed(s, canonical);
          if (problem.empty()) s = canonical;
          return problem;
        })) {
      return e;
    }
    set_origin(cfg, "discovery.seeds", "--join");
  }
  if (o.profile) {
    if (auto e = flag_error("--profile", profile_problem(*o.profile))) return e;
    cfg.profile = *parse_profile(*o.profile);
    set_origin(cfg, "discovery.profile", "--profile");
  }
  if (o.http) {
    cfg.http_enabled = !o.http->empty();
    if (cfg.http_enabled) {
      if (auto e = flag_error("--http", parse_bind(*o.http, kDefaultHttpPort, cfg.http))) return e;
    }
    set_origin(cfg, "discovery.http", "--http");
  }
  if (!o.groups.empty()) {
    if (auto e = list("--group", "group", o.groups, cfg.groups, [](std::string& s) { return check_group(s); })) {
      return e;
    }
    set_origin(cfg, "discovery.groups", "--group");
  }
  // Plain strings: checked, then stored as given.
  auto text = [&cfg](const std::optional<std::string>& value, std::string& target, const char* key, const char* flag,
                     std::string (*problem)(std::string_view)) -> Err {
    if (!value) return std::nullopt;
    if (auto e = flag_error(flag, problem(*value))) return e;
    target = *value;
    set_origin(cfg, key, flag);
    return std::nullopt;
  };
  auto label = [](std::string_view s) { return check_text(s, kMaxText); };
  if (auto e = text(o.database_type, cfg.database_type, "discovery.database_type", "--database-type", label)) return e;
  if (auto e = text(o.wire_protocol, cfg.wire_protocol, "discovery.wire_protocol", "--wire-protocol", label)) return e;
  if (auto e = text(o.endpoint, cfg.endpoint, "discovery.endpoint", "--endpoint", check_endpoint)) return e;
  if (auto e = text(o.encrypt, cfg.encrypt, "discovery.encrypt", "--encrypt", check_encrypt)) return e;
  if (auto e = text(o.snapshot_path, cfg.snapshot_path, "discovery.snapshot_path", "--snapshot-path", check_path)) {
    return e;
  }
  for (const auto& tag : o.tags) {
    const auto eq = tag.find('=');
    if (eq == std::string::npos) return flag_error("--tag", quote(tag) + " is not key=value");
    const std::string key = tag.substr(0, eq);
    const std::string value = tag.substr(eq + 1);
    if (auto e = flag_error("--tag", check_tag_key(key))) return e;
    if (auto e = flag_error("--tag", check_text(value, kMaxTagValue))) return e;
    cfg.tags[key] = value;
    set_origin(cfg, "discovery.tags." + key, "--tag");
  }
  if (o.log_level) {
    if (auto e = flag_error("--log-level", check_log_level(*o.log_level))) return e;
    cfg.log_level = *o.log_level;
    set_origin(cfg, "agent.log_level", "--log-level");
  }
  if (o.log_json) {
    cfg.log_format = *o.log_json ? LogFormat::json : LogFormat::text;
    set_origin(cfg, "agent.log_json", "--log-json");
  }
  return std::nullopt;
}

}  // namespace

ConfigResult<AgentConfig> apply_overrides(AgentConfig cfg, const Overrides& o) {
  auto e = apply(cfg, o);
  if (!e) e = validate(cfg);
  if (e) {
    std::string message = e->to_string();
    return Failure<ConfigError>{std::move(*e), std::move(message)};
  }
  return cfg;
}

}  // namespace wkd::config
