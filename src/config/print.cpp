// print_effective(): the effective configuration as TOML that parse_toml()
// reads back to the same configuration, with the derived timing as comments.
#include <cstdio>
#include <string>
#include <vector>

#include "config/agent_config.hpp"

namespace wkd::config {

namespace {

// A TOML basic string.
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A key bare when TOML allows it, else quoted.
std::string toml_key(std::string_view k) {
  bool bare = !k.empty();
  for (char c : k) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      bare = false;
    }
  }
  return bare ? std::string(k) : toml_string(k);
}

std::string toml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_string(items[i]);
  return out + "]";
}

}  // namespace

std::string print_effective(const AgentConfig& cfg, bool show_secrets) {
  const swim::Config sw = cfg.swim();
  const std::int64_t probe_ms = to_ms(sw.probe_interval);
  const std::int64_t suspicion_ms = cfg.suspicion_timeout_ms.value_or(sw.suspicion_mult * probe_ms);
  const std::int64_t min_ms = sw.suspicion_mult * probe_ms;  // n = 1: max(1, log10(n)) = 1
  std::string out;
  auto line = [&out](const std::string& key, const std::string& value) { out += key + " = " + value + "\n"; };

  out += "# wkd agent: effective configuration";
  out += cfg.source.empty() ? "\n" : " (read from " + toml_string(cfg.source) + ")\n";
  out += "# Every key with its value; derived values are comments.\n\n";
  out += "[discovery]\n";
  line("node_name", toml_string(cfg.node_name));
  line("bind", toml_string(cfg.bind.to_string()));
  if (cfg.advertise) {
    line("advertise", toml_string(cfg.advertise->to_string()));
  } else {
    out += "# advertise: unset, peers are told the bound address\n";
  }
  line("seeds", toml_list(cfg.seeds));
  line("profile", toml_string(profile_name(cfg.profile)));
  line("gossip_interval_ms", std::to_string(to_ms(sw.gossip_interval)));
  line("probe_interval_ms", std::to_string(probe_ms));
  line("suspicion_timeout_ms", std::to_string(suspicion_ms));
  line("verify_before_dead", cfg.verify_before_dead ? "true" : "false");
  line("join_sync_delay_ms", std::to_string(to_ms(sw.join_sync_delay)));
  line("reconnect_timeout_ms", std::to_string(cfg.reconnect_timeout_ms));
  line("registry_down_drop_after_ms", std::to_string(cfg.registry_down_drop_after_ms));
  line("registry_tombstone_retention_ms", std::to_string(cfg.registry_tombstone_retention_ms));
  line("registry_sync_interval_ms", std::to_string(cfg.registry_sync_interval_ms));
  out += "# effective: probe_timeout_ms = " + std::to_string(to_ms(sw.probe_timeout)) +
         ", suspicion_mult = " + std::to_string(sw.suspicion_mult) +
         ", suspicion min timeout = " + std::to_string(min_ms) + " ms, max = " +
         std::to_string(min_ms * sw.suspicion_max_timeout_mult) +
         " ms (both grow with log10 of the cluster size), push_pull_interval_ms = " +
         std::to_string(to_ms(sw.push_pull_interval)) + "\n";
  line("http", toml_string(cfg.http_enabled ? cfg.http.to_string() : ""));
  line("groups", toml_list(cfg.groups));
  line("database_type", toml_string(cfg.database_type));
  line("wire_protocol", toml_string(cfg.wire_protocol));
  line("endpoint", toml_string(cfg.endpoint));
  line("capabilities", toml_list(cfg.capabilities));
  if (cfg.encrypt.empty() || show_secrets) {
    line("encrypt", toml_string(cfg.encrypt));
  } else {
    out += "# encrypt: hidden (a " + std::to_string(cfg.encrypt_key().size()) + "-byte key is set)\n";
  }
  line("keyring_file", toml_string(cfg.keyring_file));
  line("snapshot_path", toml_string(cfg.snapshot_path));
  out += "\n[discovery.tags]\n";
  for (const auto& [key, value] : cfg.tags) line(toml_key(key), toml_string(value));
  out += "\n[agent]\n";
  line("leave_timeout_ms", std::to_string(cfg.leave_timeout_ms));
  line("log_level", toml_string(cfg.log_level));
  line("log_json", cfg.log_format == LogFormat::json ? "true" : "false");
  line("allow_unauthenticated_remote", cfg.allow_unauthenticated_remote ? "true" : "false");
  line("script_checks", cfg.script_checks ? "true" : "false");
  // Where each secret comes from, never the secret.
  for (const auto& t : cfg.tokens) {
    out += "\n[[agent.token]]\n";
    line("name", toml_string(t.name));
    line("scope", toml_string(t.scope == TokenScope::write ? "write" : "read"));
    if (!t.secret_file.empty()) line("secret_file", toml_string(t.secret_file));
    if (!t.secret_env.empty()) line("secret_env", toml_string(t.secret_env));
    if (!t.service_prefixes.empty()) line("service_prefixes", toml_list(t.service_prefixes));
  }
  for (const ServiceDef& def : cfg.services) {
    const registry::Instance& in = def.instance;
    out += "\n[[discovery.service]]\n";
    line("service_name", toml_string(in.service));
    line("instance_id", toml_string(in.id));
    line("host", toml_string(in.host));
    line("port", std::to_string(in.port));
    line("protocol", toml_string(in.protocol));
    line("version", toml_string(in.version));
    line("tags", toml_list(std::vector<std::string>(in.tags.begin(), in.tags.end())));
    line("weight", std::to_string(in.weight));
    line("region", toml_string(in.region));
    line("zone", toml_string(in.zone));
    line("health_check_url", toml_string(in.health_check_url));
    line("metrics_url", toml_string(in.metrics_url));
    std::string meta;
    for (const auto& [k, v] : in.metadata) meta += (meta.empty() ? "" : ", ") + toml_key(k) + " = " + toml_string(v);
    line("metadata", "{" + (meta.empty() ? "" : " " + meta + " ") + "}");
    for (const ServiceCheckDef& c : def.checks) {
      const health::CheckSpec& s = c.spec;
      out += "\n[[discovery.service.check]]\n";
      line("id", toml_string(s.id));
      line("kind", toml_string(health::check_kind_name(s.kind)));
      line("target", toml_string(s.target));
      line("interval_ms", std::to_string(to_ms(s.interval)));
      line("timeout_ms", std::to_string(to_ms(s.timeout)));
      if (s.kind == health::CheckKind::ttl) line("ttl_ms", std::to_string(to_ms(s.ttl)));
      line("success_before_passing", std::to_string(s.success_before_passing));
      line("failures_before_warning", std::to_string(s.failures_before_warning));
      line("failures_before_critical", std::to_string(s.failures_before_critical));
      line("deregister_critical_after_ms", std::to_string(to_ms(s.deregister_critical_after)));
      line("start_grace_ms", std::to_string(to_ms(s.start_grace)));
      line("method", toml_string(s.method));
      std::string headers;
      for (const auto& [k, v] : s.headers) headers += (headers.empty() ? "" : ", ") + toml_key(k) + " = " + toml_string(v);
      line("headers", "{" + (headers.empty() ? "" : " " + headers + " ") + "}");
      line("body", toml_string(s.body));
      line("tls_skip_verify", s.tls_skip_verify ? "true" : "false");
      line("grpc_service", toml_string(s.grpc_service));
      if (!c.on_critical.empty()) line("on_critical", toml_string(c.on_critical));
    }
  }
  return out;
}

}  // namespace wkd::config
