#include "swim/config.hpp"

#include "common/option_binding.hpp"

namespace wkd::swim {

namespace {

using options::Key;
using B = options::Binding<Config>;

// Which field each memberlist option of the table sets.
constexpr B kBindings[] = {
    B::ms(Key::PROBE_INTERVAL_MS, &Config::probe_interval),
    B::ms(Key::PROBE_TIMEOUT_MS, &Config::probe_timeout),
    B::num(Key::INDIRECT_CHECKS, &Config::indirect_checks),
    B::num(Key::SUSPICION_MULT, &Config::suspicion_mult),
    B::num(Key::SUSPICION_MAX_TIMEOUT_MULT, &Config::suspicion_max_timeout_mult),
    B::num(Key::AWARENESS_MAX_MULTIPLIER, &Config::awareness_max_multiplier),
    B::boolean(Key::DISABLE_TCP_PINGS, &Config::disable_tcp_pings),
    B::ms(Key::TCP_TIMEOUT_MS, &Config::tcp_timeout),
    B::boolean(Key::VERIFY_BEFORE_DEAD, &Config::verify_before_dead),
    B::ms(Key::GOSSIP_INTERVAL_MS, &Config::gossip_interval),
    B::num(Key::GOSSIP_NODES, &Config::gossip_nodes),
    B::ms(Key::GOSSIP_TO_THE_DEAD_MS, &Config::gossip_to_the_dead_time),
    B::num(Key::RETRANSMIT_MULT, &Config::retransmit_mult),
    B::ms(Key::PUSH_PULL_INTERVAL_MS, &Config::push_pull_interval),
    B::ms(Key::JOIN_SYNC_DELAY_MS, &Config::join_sync_delay),
    B::bytes(Key::UDP_BUFFER_SIZE, &Config::udp_buffer_size),
    B::boolean(Key::ENABLE_COMPRESSION, &Config::enable_compression),
    B::boolean(Key::GOSSIP_VERIFY_INCOMING, &Config::gossip_verify_incoming),
    B::boolean(Key::GOSSIP_VERIFY_OUTGOING, &Config::gossip_verify_outgoing),
};

}  // namespace

Config::Config() {
  options::apply_preset(*this, kBindings, options::Preset::lan);
  set_option(*this, Key::LEGACY_INT_ENCODING, options::preset_value(Key::LEGACY_INT_ENCODING, options::Preset::lan));
}

Config Config::preset(options::Preset p) {
  Config c;
  options::apply_preset(c, kBindings, p);
  set_option(c, Key::LEGACY_INT_ENCODING, options::preset_value(Key::LEGACY_INT_ENCODING, p));
  return c;
}

bool set_option(Config& c, options::Key key, std::int64_t value) {
  if (key == Key::LEGACY_INT_ENCODING) {
    c.int_style = value != 0 ? wire::msgpack::IntStyle::legacy : wire::msgpack::IntStyle::v2;
    return true;
  }
  return options::set_bound(c, kBindings, key, value);
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
  if (auto m = options::check_bounds(c, kBindings); !m.empty()) return m;
  if (c.label.size() > 255) return "label is longer than 255 bytes";
  return "";
}

}  // namespace wkd::swim
