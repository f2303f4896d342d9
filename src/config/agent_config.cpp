// AgentConfig's derived values (defaults, the memberlist configuration, the
// key) and the error text. Reading, checking and printing live beside it:
// toml_reader.cpp, overrides.cpp, validate.cpp, print.cpp.
#include "config/agent_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <limits>

#include "common/base64.hpp"

namespace wkd::config {

const char* profile_name(Profile p) noexcept {
  switch (p) {
    case Profile::lan: return "lan";
    case Profile::wan: return "wan";
    case Profile::local: return "local";
  }
  return "lan";
}

bool ServiceDef::operator==(const ServiceDef& o) const {
  const registry::Instance& a = instance;
  const registry::Instance& b = o.instance;
  return a.service == b.service && a.id == b.id && a.host == b.host && a.port == b.port &&
         a.protocol == b.protocol && a.version == b.version && a.tags == b.tags && a.metadata == b.metadata &&
         a.weight == b.weight && a.region == b.region && a.zone == b.zone &&
         a.health_check_url == b.health_check_url && a.metrics_url == b.metrics_url && checks == o.checks;
}

AgentConfig AgentConfig::defaults() {
  AgentConfig cfg;
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) == 0) cfg.node_name = host.data();
  return cfg;
}

std::int64_t AgentConfig::effective_probe_interval_ms() const {
  if (probe_interval_ms) return *probe_interval_ms;
  switch (profile) {
    case Profile::lan: return to_ms(swim::Config::lan().probe_interval);
    case Profile::wan: return to_ms(swim::Config::wan().probe_interval);
    case Profile::local: return to_ms(swim::Config::local().probe_interval);
  }
  return to_ms(swim::Config::lan().probe_interval);
}

swim::Config AgentConfig::swim() const {
  swim::Config c;
  switch (profile) {
    case Profile::lan: c = swim::Config::lan(); break;
    case Profile::wan: c = swim::Config::wan(); break;
    case Profile::local: c = swim::Config::local(); break;
  }
  c.name = node_name;
  c.advertise = advertise.value_or(bind);
  if (gossip_interval_ms) c.gossip_interval = milliseconds(*gossip_interval_ms);
  if (probe_interval_ms) {
    c.probe_interval = milliseconds(*probe_interval_ms);
    if (c.probe_timeout > c.probe_interval) {
      c.probe_timeout = milliseconds(std::max<std::int64_t>(1, *probe_interval_ms / 2));
    }
  }
  if (suspicion_timeout_ms) c.suspicion_mult = suspicion_mult_for(*suspicion_timeout_ms, to_ms(c.probe_interval));
  c.verify_before_dead = verify_before_dead;
  if (join_sync_delay_ms) c.join_sync_delay = milliseconds(*join_sync_delay_ms);
  return c;
}

Bytes AgentConfig::encrypt_key() const {
  if (encrypt.empty()) return {};
  return base64_decode(encrypt).value_or(Bytes{});
}

int suspicion_mult_for(std::int64_t timeout_ms, std::int64_t probe_interval_ms) noexcept {
  if (timeout_ms <= 0 || probe_interval_ms <= 0) return 1;
  const std::int64_t mult = timeout_ms / probe_interval_ms + (timeout_ms % probe_interval_ms != 0 ? 1 : 0);
  return static_cast<int>(std::clamp<std::int64_t>(mult, 1, std::numeric_limits<int>::max()));
}

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += out.empty() ? "line " : ":";
    out += std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  if (!key.empty()) out += (out.empty() ? "" : ": ") + key;
  if (!message.empty()) out += (out.empty() ? "" : ": ") + message;
  return out;
}

}  // namespace wkd::config
