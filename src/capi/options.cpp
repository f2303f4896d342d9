#include "capi/options.hpp"

#include "capi/log_queue.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <iterator>

#include "common/base64.hpp"
#include "common/option_table.hpp"
#include "registry/names.hpp"
#include "serf/config.hpp"
#include "wire/keyring.hpp"
#include "wkd/version.h"

namespace wkd::capi {

namespace {

// The options of wkd/config.h (id, type, version) joined with their rows of
// the option table (name, bounds, presets, description).
#define WKD_CAPI_OPTION_(id, NAME, TYPE, since)                                                          \
  {WKD_OPT_##NAME,                                                                                        \
   options::row(options::Key::NAME).name,                                                                 \
   WKD_OPTION_##TYPE,                                                                                     \
   options::row(options::Key::NAME).min,                                                                  \
   options::row(options::Key::NAME).max,                                                                  \
   {options::preset_value(options::Key::NAME, options::Preset::lan),                                      \
    options::preset_value(options::Key::NAME, options::Preset::wan),                                      \
    options::preset_value(options::Key::NAME, options::Preset::local)},                                   \
   options::row(options::Key::NAME).str_default,                                                          \
   since,                                                                                                 \
   options::row(options::Key::NAME).description},
const OptionSpec kOptions[] = {WKD_OPTION_MAP(WKD_CAPI_OPTION_)};
#undef WKD_CAPI_OPTION_

// Every row of the table is an option of the header, and the other way
// round (a header option without a row does not compile above).
static_assert(std::size(kOptions) == std::size(options::kRows),
              "the option table has a row that WKD_OPTION_MAP does not list");
#define WKD_CAPI_OPTION_TYPE_(id, NAME, TYPE, since)                                                    \
  static_assert((WKD_OPTION_##TYPE == WKD_OPTION_STR) == (options::row(options::Key::NAME).str_default != nullptr), \
                "option " #NAME ": a STR option needs a string default in the table, and only it");
WKD_OPTION_MAP(WKD_CAPI_OPTION_TYPE_)
#undef WKD_CAPI_OPTION_TYPE_

// The table key of an option id.
options::Key key_of(wkd_option id) noexcept {
  switch (id) {
#define WKD_CAPI_OPTION_KEY_(id, NAME, TYPE, since) \
  case WKD_OPT_##NAME:                              \
    return options::Key::NAME;
    WKD_OPTION_MAP(WKD_CAPI_OPTION_KEY_)
#undef WKD_CAPI_OPTION_KEY_
  }
  return options::Key::RNG_SEED;  // unreachable for ids of the table
}

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
    case WKD_OPT_REGION:
    case WKD_OPT_ZONE:
      // The shape an instance's region and zone have, so they can match.
      if (auto st = registry::check_label(id == WKD_OPT_REGION ? "region" : "zone", value); !st) return st.message();
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
  o.serf = serf::Config::preset(static_cast<options::Preset>(c.preset));
  swim::Config& m = o.serf.memberlist;
  for (const auto& [id, value] : c.ints) {
    serf::set_option(o.serf, key_of(static_cast<wkd_option>(id)), value);
  }
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
  o.locality.region = get_str(c, WKD_OPT_REGION);
  o.locality.zone = get_str(c, WKD_OPT_ZONE);
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
  o.script_checks = get_int(c, WKD_OPT_SCRIPT_CHECKS) != 0;
  o.node_health_feed_instances = get_int(c, WKD_OPT_NODE_HEALTH_FEED_INSTANCES) != 0;
  o.node_health_hold = std::chrono::milliseconds(get_int(c, WKD_OPT_NODE_HEALTH_HOLD_MS));
  o.heal_interval = std::chrono::milliseconds(get_int(c, WKD_OPT_HEAL_INTERVAL_MS));
  o.heal_per_minute = static_cast<std::uint32_t>(get_int(c, WKD_OPT_HEAL_MAX_PER_MINUTE));
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
