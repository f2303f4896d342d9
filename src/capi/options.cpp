#include "capi/options.hpp"

#include "capi/log_queue.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "common/base64.hpp"
#include "serf/config.hpp"
#include "wire/keyring.hpp"
#include "wkd/version.h"

namespace wkd::capi {

namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

// Defaults per preset: memberlist's DefaultLANConfig / DefaultWANConfig /
// DefaultLocalConfig, and serf's defaults for the serf-layer knobs.
const OptionSpec kOptions[] = {
    {WKD_OPT_NODE_NAME, "node_name", WKD_OPTION_STR, 0, 0, {0, 0, 0}, "", "0.1",
     "unique node name (default: the host name)"},
    {WKD_OPT_BIND_ADDR, "bind_addr", WKD_OPTION_STR, 0, 0, {0, 0, 0}, "0.0.0.0:7946", "0.1",
     "ip:port of the UDP socket and TCP listener; port 0 picks a free port"},
    {WKD_OPT_ADVERTISE_ADDR, "advertise_addr", WKD_OPTION_STR, 0, 0, {0, 0, 0}, "", "0.1",
     "ip:port told to peers (default: the bound address)"},
    {WKD_OPT_LABEL, "label", WKD_OPTION_STR, 0, 0, {0, 0, 0}, "", "0.1",
     "cluster label sent in every packet; peers with another label are ignored"},
    {WKD_OPT_PROBE_INTERVAL_MS, "probe_interval_ms", WKD_OPTION_INT, 10, 600000, {1000, 5000, 1000}, nullptr, "0.1",
     "interval between failure-detection probes"},
    {WKD_OPT_PROBE_TIMEOUT_MS, "probe_timeout_ms", WKD_OPTION_INT, 1, 600000, {500, 3000, 200}, nullptr, "0.1",
     "wait for a direct ack before indirect probes"},
    {WKD_OPT_INDIRECT_CHECKS, "indirect_checks", WKD_OPTION_INT, 0, 64, {3, 3, 1}, nullptr, "0.1",
     "members asked to probe a member that did not answer"},
    {WKD_OPT_SUSPICION_MULT, "suspicion_mult", WKD_OPTION_INT, 1, 100, {4, 6, 3}, nullptr, "0.1",
     "suspicion timeout = mult * log10(n) * probe interval"},
    {WKD_OPT_SUSPICION_MAX_TIMEOUT_MULT, "suspicion_max_timeout_mult", WKD_OPTION_INT, 1, 100, {6, 6, 6}, nullptr,
     "0.1", "upper bound of the suspicion timeout, as a multiple of the minimum"},
    {WKD_OPT_AWARENESS_MAX_MULTIPLIER, "awareness_max_multiplier", WKD_OPTION_INT, 1, 64, {8, 8, 8}, nullptr, "0.1",
     "Lifeguard: highest multiplier of the probe interval under local stress"},
    {WKD_OPT_DISABLE_TCP_PINGS, "disable_tcp_pings", WKD_OPTION_BOOL, 0, 1, {0, 0, 0}, nullptr, "0.1",
     "do not try TCP when UDP probes fail"},
    {WKD_OPT_VERIFY_BEFORE_DEAD, "verify_before_dead", WKD_OPTION_BOOL, 0, 1, {1, 1, 1}, nullptr, "0.1",
     "probe a suspect once more before declaring it failed (off: memberlist's exact timing)"},
    {WKD_OPT_TCP_TIMEOUT_MS, "tcp_timeout_ms", WKD_OPTION_INT, 1, 600000, {10000, 30000, 1000}, nullptr, "0.1",
     "dial and I/O timeout of TCP exchanges (push/pull)"},
    {WKD_OPT_GOSSIP_INTERVAL_MS, "gossip_interval_ms", WKD_OPTION_INT, 1, 600000, {200, 500, 100}, nullptr, "0.1",
     "interval between gossip rounds"},
    {WKD_OPT_GOSSIP_NODES, "gossip_nodes", WKD_OPTION_INT, 0, 64, {3, 4, 3}, nullptr, "0.1",
     "members gossiped to per round"},
    {WKD_OPT_GOSSIP_TO_THE_DEAD_MS, "gossip_to_the_dead_ms", WKD_OPTION_INT, 0, kDay, {30000, 60000, 15000}, nullptr,
     "0.1", "how long dead members still receive gossip"},
    {WKD_OPT_RETRANSMIT_MULT, "retransmit_mult", WKD_OPTION_INT, 1, 100, {4, 4, 2}, nullptr, "0.1",
     "each broadcast is sent mult * ceil(log10(n + 1)) times"},
    {WKD_OPT_PUSH_PULL_INTERVAL_MS, "push_pull_interval_ms", WKD_OPTION_INT, 0, kDay, {30000, 60000, 15000}, nullptr,
     "0.1", "interval of full-state anti-entropy (0 = off)"},
    {WKD_OPT_JOIN_SYNC_DELAY_MS, "join_sync_delay_ms", WKD_OPTION_INT, 0, kDay, {2000, 5000, 1000}, nullptr, "0.1",
     "one more push/pull this long (plus jitter up to as long) after a join, so that a node joining among "
     "others does not wait a push/pull interval for a member it missed; 0 = off"},
    {WKD_OPT_UDP_BUFFER_SIZE, "udp_buffer_size", WKD_OPTION_INT, 512, 65000, {1400, 1400, 1400}, nullptr, "0.1",
     "largest datagram sent"},
    {WKD_OPT_ENABLE_COMPRESSION, "enable_compression", WKD_OPTION_BOOL, 0, 1, {1, 1, 1}, nullptr, "0.1",
     "LZW-compress packets (when smaller) and streams"},
    {WKD_OPT_LEGACY_INT_ENCODING, "legacy_int_encoding", WKD_OPTION_BOOL, 0, 1, {1, 1, 1}, nullptr, "0.1",
     "encode Go ints as go-msgpack 0.5 does (serf 0.9); off: as go-msgpack v2"},
    {WKD_OPT_RECONNECT_INTERVAL_MS, "reconnect_interval_ms", WKD_OPTION_INT, 100, kDay, {30000, 30000, 30000},
     nullptr, "0.1", "interval between attempts to rejoin failed members"},
    {WKD_OPT_RECONNECT_TIMEOUT_MS, "reconnect_timeout_ms", WKD_OPTION_INT, 1000, 365 * kDay, {kDay, kDay, kDay},
     nullptr, "0.1", "failed members are forgotten after this"},
    {WKD_OPT_TOMBSTONE_TIMEOUT_MS, "tombstone_timeout_ms", WKD_OPTION_INT, 1000, 365 * kDay, {kDay, kDay, kDay},
     nullptr, "0.1", "left members are forgotten after this"},
    {WKD_OPT_USER_EVENT_SIZE_LIMIT, "user_event_size_limit", WKD_OPTION_INT, 1, 9216, {512, 512, 512}, nullptr, "0.1",
     "largest user event name plus payload"},
    {WKD_OPT_LEAVE_PROPAGATE_DELAY_MS, "leave_propagate_delay_ms", WKD_OPTION_INT, 0, 600000, {1000, 1000, 1000},
     nullptr, "0.1", "linger after the leave broadcast so it spreads"},
    {WKD_OPT_ENCRYPT_KEY, "encrypt_key", WKD_OPTION_STR, 0, 0, {0, 0, 0}, "", "0.1",
     "base64 AES key (16, 24 or 32 bytes) to encrypt gossip; \"\" = off"},
    {WKD_OPT_GOSSIP_VERIFY_INCOMING, "gossip_verify_incoming", WKD_OPTION_BOOL, 0, 1, {1, 1, 1}, nullptr, "0.1",
     "with a key: refuse plaintext"},
    {WKD_OPT_GOSSIP_VERIFY_OUTGOING, "gossip_verify_outgoing", WKD_OPTION_BOOL, 0, 1, {1, 1, 1}, nullptr, "0.1",
     "with a key: encrypt what is sent"},
    {WKD_OPT_EVENT_QUEUE_CAPACITY, "event_queue_capacity", WKD_OPTION_INT, 2, 1 << 24, {4096, 4096, 4096}, nullptr,
     "0.1", "events a pulled watch holds before dropping the oldest"},
    {WKD_OPT_RNG_SEED, "rng_seed", WKD_OPTION_INT, 0, INT64_MAX, {0, 0, 0}, nullptr, "0.1",
     "random seed; 0 = from the OS"},
};

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == 0) return "wkd-node";
  return buf;
}

}  // namespace

const OptionSpec* option_table(std::size_t* count) noexcept {
  *count = sizeof(kOptions) / sizeof(kOptions[0]);
  return kOptions;
}

const OptionSpec* find_option(wkd_option id) noexcept {
  for (const auto& o : kOptions) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

const OptionSpec* find_option(std::string_view name) noexcept {
  for (const auto& o : kOptions) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

std::int64_t get_int(const wkd_config& c, wkd_option id) noexcept {
  auto it = c.ints.find(id);
  if (it != c.ints.end()) return it->second;
  const OptionSpec* o = find_option(id);
  return o == nullptr ? 0 : o->defaults[static_cast<int>(c.preset)];
}

std::string get_str(const wkd_config& c, wkd_option id) {
  auto it = c.strs.find(id);
  if (it != c.strs.end()) return it->second;
  const OptionSpec* o = find_option(id);
  return o == nullptr || o->str_default == nullptr ? "" : o->str_default;
}

std::string check_str(wkd_option id, const std::string& value) {
  switch (id) {
    case WKD_OPT_NODE_NAME:
      if (value.size() > 255) return "node_name is longer than 255 bytes";
      if (value.find('\0') != std::string::npos) return "node_name contains a NUL byte";
      return "";
    case WKD_OPT_BIND_ADDR:
    case WKD_OPT_ADVERTISE_ADDR:
      if (value.empty() && id == WKD_OPT_ADVERTISE_ADDR) return "";
      if (!parse_address(value)) {
        return std::string(id == WKD_OPT_BIND_ADDR ? "bind_addr" : "advertise_addr") + " '" + value +
               "' is not ip:port or [ipv6]:port";
      }
      return "";
    case WKD_OPT_LABEL:
      if (value.size() > 255) return "label is longer than 255 bytes";
      return "";
    case WKD_OPT_ENCRYPT_KEY: {
      if (value.empty()) return "";
      auto key = base64_decode(value);
      if (!key) return "encrypt_key is not valid base64";
      if (key->size() != 16 && key->size() != 24 && key->size() != 32) {
        return "encrypt_key decodes to " + std::to_string(key->size()) + " bytes; AES needs 16, 24 or 32";
      }
      return "";
    }
    default:
      return "";
  }
}

runtime::Result<runtime::NodeOptions> to_node_options(const wkd_config& c) {
  using R = runtime::Result<runtime::NodeOptions>;
  runtime::NodeOptions o;
  swim::Config& m = o.serf.memberlist;
  switch (c.preset) {
    case WKD_PRESET_WAN:
      m = swim::Config::wan();
      break;
    case WKD_PRESET_LOCAL:
      m = swim::Config::local();
      break;
    default:
      m = swim::Config::lan();
      break;
  }
  auto ms = [&](wkd_option id) { return Duration(milliseconds(get_int(c, id))); };
  m.name = get_str(c, WKD_OPT_NODE_NAME);
  if (m.name.empty()) m.name = host_name();
  auto bind = parse_address(get_str(c, WKD_OPT_BIND_ADDR));
  if (!bind) return R::fail(runtime::Err::invalid, "bind_addr '" + get_str(c, WKD_OPT_BIND_ADDR) + "' is not ip:port");
  o.bind = *bind;
  if (auto adv = get_str(c, WKD_OPT_ADVERTISE_ADDR); !adv.empty()) {
    auto a = parse_address(adv);
    if (!a) return R::fail(runtime::Err::invalid, "advertise_addr '" + adv + "' is not ip:port");
    o.advertise = *a;
  }
  m.label = get_str(c, WKD_OPT_LABEL);
  m.probe_interval = ms(WKD_OPT_PROBE_INTERVAL_MS);
  m.probe_timeout = ms(WKD_OPT_PROBE_TIMEOUT_MS);
  m.indirect_checks = static_cast<int>(get_int(c, WKD_OPT_INDIRECT_CHECKS));
  m.suspicion_mult = static_cast<int>(get_int(c, WKD_OPT_SUSPICION_MULT));
  m.suspicion_max_timeout_mult = static_cast<int>(get_int(c, WKD_OPT_SUSPICION_MAX_TIMEOUT_MULT));
  m.awareness_max_multiplier = static_cast<int>(get_int(c, WKD_OPT_AWARENESS_MAX_MULTIPLIER));
  m.disable_tcp_pings = get_int(c, WKD_OPT_DISABLE_TCP_PINGS) != 0;
  m.verify_before_dead = get_int(c, WKD_OPT_VERIFY_BEFORE_DEAD) != 0;
  m.tcp_timeout = ms(WKD_OPT_TCP_TIMEOUT_MS);
  m.gossip_interval = ms(WKD_OPT_GOSSIP_INTERVAL_MS);
  m.gossip_nodes = static_cast<int>(get_int(c, WKD_OPT_GOSSIP_NODES));
  m.gossip_to_the_dead_time = ms(WKD_OPT_GOSSIP_TO_THE_DEAD_MS);
  m.retransmit_mult = static_cast<int>(get_int(c, WKD_OPT_RETRANSMIT_MULT));
  m.push_pull_interval = ms(WKD_OPT_PUSH_PULL_INTERVAL_MS);
  m.join_sync_delay = ms(WKD_OPT_JOIN_SYNC_DELAY_MS);
  m.udp_buffer_size = static_cast<std::size_t>(get_int(c, WKD_OPT_UDP_BUFFER_SIZE));
  m.enable_compression = get_int(c, WKD_OPT_ENABLE_COMPRESSION) != 0;
  m.int_style = get_int(c, WKD_OPT_LEGACY_INT_ENCODING) != 0 ? wire::msgpack::IntStyle::legacy
                                                              : wire::msgpack::IntStyle::v2;
  m.gossip_verify_incoming = get_int(c, WKD_OPT_GOSSIP_VERIFY_INCOMING) != 0;
  m.gossip_verify_outgoing = get_int(c, WKD_OPT_GOSSIP_VERIFY_OUTGOING) != 0;
  o.serf.reconnect_interval = ms(WKD_OPT_RECONNECT_INTERVAL_MS);
  o.serf.reconnect_timeout = ms(WKD_OPT_RECONNECT_TIMEOUT_MS);
  o.serf.tombstone_timeout = ms(WKD_OPT_TOMBSTONE_TIMEOUT_MS);
  o.serf.user_event_size_limit = static_cast<std::size_t>(get_int(c, WKD_OPT_USER_EVENT_SIZE_LIMIT));
  o.serf.leave_propagate_delay = ms(WKD_OPT_LEAVE_PROPAGATE_DELAY_MS);
  if (auto key = get_str(c, WKD_OPT_ENCRYPT_KEY); !key.empty()) {
    auto bytes = base64_decode(key);
    if (!bytes) return R::fail(runtime::Err::invalid, "encrypt_key is not valid base64");
    const Bytes keys[] = {*bytes};
    auto ring = wire::Keyring::make(keys);
    if (!ring.ok()) return R::fail(runtime::Err::invalid, "encrypt_key: " + ring.message());
    o.keyring = std::move(ring).value();
  }
  o.event_queue_capacity = static_cast<std::size_t>(get_int(c, WKD_OPT_EVENT_QUEUE_CAPACITY));
  o.rng_seed = static_cast<std::uint64_t>(get_int(c, WKD_OPT_RNG_SEED));
  o.identity.wkd_version = WKD_VERSION_STRING;
  o.identity.health = serf::Health::passing;
  o.log_level = static_cast<LogLevel>(std::min<int>(c.log_level, 3));
  if (c.log_level == WKD_LOG_OFF) o.log_level = static_cast<LogLevel>(4);
  if (c.log_cb != nullptr) {
    wkd_log_cb cb = c.log_cb;
    void* ud = c.log_user_data;
    o.log = [cb, ud](LogLevel level, const std::string& node, const std::string& line) {
      cb(static_cast<wkd_log_level>(level), node.c_str(), line.c_str(), ud);
    };
  } else if (c.log_queue) {
    std::shared_ptr<LogQueue> q = c.log_queue;
    o.log = [q](LogLevel level, const std::string& node, const std::string& line) { q->push(level, node, line); };
  }
  return o;
}

}  // namespace wkd::capi
