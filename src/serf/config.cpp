// Serf layer configuration checks and error names (see config.hpp).
#include "serf/config.hpp"

#include "common/option_binding.hpp"

namespace wkd::serf {

namespace {

using options::Key;
using B = options::Binding<Config>;

// Which field each serf-layer option of the table sets.
constexpr B kBindings[] = {
    B::ms(Key::RECONNECT_INTERVAL_MS, &Config::reconnect_interval),
    B::ms(Key::RECONNECT_TIMEOUT_MS, &Config::reconnect_timeout),
    B::ms(Key::TOMBSTONE_TIMEOUT_MS, &Config::tombstone_timeout),
    B::bytes(Key::USER_EVENT_SIZE_LIMIT, &Config::user_event_size_limit),
    B::ms(Key::LEAVE_PROPAGATE_DELAY_MS, &Config::leave_propagate_delay),
};

}  // namespace

Config::Config() { options::apply_preset(*this, kBindings, options::Preset::lan); }

Config Config::preset(options::Preset p) {
  Config c;
  c.memberlist = swim::Config::preset(p);
  options::apply_preset(c, kBindings, p);
  return c;
}

bool set_option(Config& c, options::Key key, std::int64_t value) {
  return options::set_bound(c, kBindings, key, value) || swim::set_option(c.memberlist, key, value);
}

const char* err_name(Err e) noexcept {
  switch (e) {
    case Err::invalid_config: return "invalid_config";
    case Err::invalid_argument: return "invalid_argument";
    case Err::state: return "state";
    case Err::too_large: return "too_large";
    case Err::unsupported: return "unsupported";
  }
  return "unknown";
}

std::string validate(const Config& c) {
  if (auto m = swim::validate(c.memberlist); !m.empty()) return "memberlist: " + m;
  const auto v = c.protocol_version();
  if (v < 4 || v > 5) {
    return "serf protocol version (memberlist.vsn.dcur) is " + std::to_string(v) +
           ", wkd speaks 4 or 5";
  }
  if (c.memberlist.vsn.dmin > v || c.memberlist.vsn.dmax < v) {
    return "memberlist.vsn: delegate range does not contain the spoken version";
  }
  if (c.broadcast_timeout <= Duration::zero()) return "broadcast_timeout must be positive";
  if (c.leave_propagate_delay < Duration::zero()) return "leave_propagate_delay must not be negative";
  if (c.event_buffer == 0) return "event_buffer must be positive";
  if (c.query_buffer == 0) return "query_buffer must be positive";
  if (c.reap_interval <= Duration::zero()) return "reap_interval must be positive";
  if (c.reconnect_interval <= Duration::zero()) return "reconnect_interval must be positive";
  if (c.queue_check_interval <= Duration::zero()) return "queue_check_interval must be positive";
  if (c.query_timeout_mult < 1) return "query_timeout_mult must be at least 1";
  if (c.user_event_size_limit > kUserEventSizeCap) {
    return "user_event_size_limit " + std::to_string(c.user_event_size_limit) +
           " exceeds serf's cap of " + std::to_string(kUserEventSizeCap) + " bytes";
  }
  return "";
}

}  // namespace wkd::serf
