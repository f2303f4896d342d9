#include "swim/config.hpp"

namespace wkd::swim {

Config Config::lan() { return Config{}; }

Config Config::wan() {
  Config c;
  c.tcp_timeout = seconds(30);
  c.suspicion_mult = 6;
  c.push_pull_interval = seconds(60);
  c.join_sync_delay = seconds(5);
  c.probe_timeout = seconds(3);
  c.probe_interval = seconds(5);
  c.gossip_nodes = 4;
  c.gossip_interval = milliseconds(500);
  c.gossip_to_the_dead_time = seconds(60);
  return c;
}

Config Config::local() {
  Config c;
  c.tcp_timeout = seconds(1);
  c.indirect_checks = 1;
  c.retransmit_mult = 2;
  c.suspicion_mult = 3;
  c.push_pull_interval = seconds(15);
  c.join_sync_delay = seconds(1);
  c.probe_timeout = milliseconds(200);
  c.probe_interval = seconds(1);
  c.gossip_interval = milliseconds(100);
  c.gossip_to_the_dead_time = seconds(15);
  return c;
}

std::string validate(const Config& c) {
  if (c.name.empty()) return "node name is empty";
  if (c.name.size() > 255) return "node name is longer than 255 bytes";
  if (!c.advertise.is_set()) return "advertise address is not set";
  if (c.probe_interval <= Duration::zero()) return "probe_interval must be positive";
  if (c.probe_timeout <= Duration::zero()) return "probe_timeout must be positive";
  if (c.probe_timeout > c.probe_interval) return "probe_timeout must not exceed probe_interval";
  if (c.gossip_interval <= Duration::zero()) return "gossip_interval must be positive";
  if (c.tcp_timeout <= Duration::zero()) return "tcp_timeout must be positive";
  if (c.push_pull_interval < Duration::zero()) return "push_pull_interval must not be negative";
  if (c.join_sync_delay < Duration::zero()) return "join_sync_delay must not be negative";
  if (c.indirect_checks < 0 || c.indirect_checks > 64) return "indirect_checks must be in [0, 64]";
  if (c.suspicion_mult < 1 || c.suspicion_mult > 100) return "suspicion_mult must be in [1, 100]";
  if (c.suspicion_max_timeout_mult < 1 || c.suspicion_max_timeout_mult > 100)
    return "suspicion_max_timeout_mult must be in [1, 100]";
  if (c.awareness_max_multiplier < 1 || c.awareness_max_multiplier > 64)
    return "awareness_max_multiplier must be in [1, 64]";
  if (c.gossip_nodes < 0 || c.gossip_nodes > 64) return "gossip_nodes must be in [0, 64]";
  if (c.retransmit_mult < 1 || c.retransmit_mult > 100) return "retransmit_mult must be in [1, 100]";
  if (c.udp_buffer_size < 512 || c.udp_buffer_size > 65000) return "udp_buffer_size must be in [512, 65000]";
  if (c.label.size() > 255) return "label is longer than 255 bytes";
  return "";
}

}  // namespace wkd::swim
