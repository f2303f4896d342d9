// The option table: for every option of wkd/config.h, its bounds, its value
// under each preset and its description, stated here once. The C API's
// option builder (capi/options.cpp) describes and validates options from
// it, and swim::Config, serf::Config and runtime::NodeOptions take their
// defaults and presets from it (option_binding.hpp), so a preset value or a
// bound never appears twice in the source.
//
// The presets are HashiCorp memberlist's DefaultLANConfig,
// DefaultWANConfig and DefaultLocalConfig, and serf's defaults for the
// serf-layer options (the same in every preset).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wkd::options {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
inline constexpr std::int64_t kMaxSeed = INT64_MAX;

// XX(NAME, min, max, lan, wan, local, string default, description).
// NAME is the option's WKD_OPT_ suffix; min/max bound INT options (BOOL
// options are 0..1, STR options 0..0); a STR option's default is the
// string, nullptr for the others.
#define WKD_OPTION_TABLE(XX)                                                                                     \
  XX(NODE_NAME, 0, 0, 0, 0, 0, "", "unique node name (default: the host name)")                                  \
  XX(BIND_ADDR, 0, 0, 0, 0, 0, "0.0.0.0:7946",                                                                   \
     "ip:port of the UDP socket and TCP listener; port 0 picks a free port")                                     \
  XX(ADVERTISE_ADDR, 0, 0, 0, 0, 0, "", "ip:port told to peers (default: the bound address)")                    \
  XX(LABEL, 0, 0, 0, 0, 0, "", "cluster label sent in every packet; peers with another label are ignored")       \
  XX(PROBE_INTERVAL_MS, 10, 600000, 1000, 5000, 1000, nullptr, "interval between failure-detection probes")      \
  XX(PROBE_TIMEOUT_MS, 1, 600000, 500, 3000, 200, nullptr, "wait for a direct ack before indirect probes")       \
  XX(INDIRECT_CHECKS, 0, 64, 3, 3, 1, nullptr, "members asked to probe a member that did not answer")            \
  XX(SUSPICION_MULT, 1, 100, 4, 6, 3, nullptr, "suspicion timeout = mult * log10(n) * probe interval")           \
  XX(SUSPICION_MAX_TIMEOUT_MULT, 1, 100, 6, 6, 6, nullptr,                                                       \
     "upper bound of the suspicion timeout, as a multiple of the minimum")                                       \
  XX(AWARENESS_MAX_MULTIPLIER, 1, 64, 8, 8, 8, nullptr,                                                          \
     "Lifeguard: highest multiplier of the probe interval under local stress")                                   \
  XX(DISABLE_TCP_PINGS, 0, 1, 0, 0, 0, nullptr, "do not try TCP when UDP probes fail")                           \
  XX(TCP_TIMEOUT_MS, 1, 600000, 10000, 30000, 1000, nullptr, "dial and I/O timeout of TCP exchanges (push/pull)") \
  XX(VERIFY_BEFORE_DEAD, 0, 1, 1, 1, 1, nullptr,                                                                 \
     "probe a suspect once more before declaring it failed (off: memberlist's exact timing)")                    \
  XX(GOSSIP_INTERVAL_MS, 1, 600000, 200, 500, 100, nullptr, "interval between gossip rounds")                    \
  XX(GOSSIP_NODES, 0, 64, 3, 4, 3, nullptr, "members gossiped to per round")                                     \
  XX(GOSSIP_TO_THE_DEAD_MS, 0, kDayMs, 30000, 60000, 15000, nullptr, "how long dead members still receive gossip") \
  XX(RETRANSMIT_MULT, 1, 100, 4, 4, 2, nullptr, "each broadcast is sent mult * ceil(log10(n + 1)) times")        \
  XX(PUSH_PULL_INTERVAL_MS, 0, kDayMs, 30000, 60000, 15000, nullptr,                                             \
     "interval of full-state anti-entropy (0 = off)")                                                            \
  XX(UDP_BUFFER_SIZE, 512, 65000, 1400, 1400, 1400, nullptr, "largest datagram sent")                            \
  XX(ENABLE_COMPRESSION, 0, 1, 1, 1, 1, nullptr, "LZW-compress packets (when smaller) and streams")              \
  XX(LEGACY_INT_ENCODING, 0, 1, 1, 1, 1, nullptr,                                                                \
     "encode Go ints as go-msgpack 0.5 does (serf 0.9); off: as go-msgpack v2")                                  \
  XX(JOIN_SYNC_DELAY_MS, 0, kDayMs, 2000, 5000, 1000, nullptr,                                                   \
     "one more push/pull this long (plus jitter up to as long) after a join, so that a node joining among "      \
     "others does not wait a push/pull interval for a member it missed; 0 = off")                                \
  XX(RECONNECT_INTERVAL_MS, 100, kDayMs, 30000, 30000, 30000, nullptr,                                           \
     "interval between attempts to rejoin failed members")                                                       \
  XX(RECONNECT_TIMEOUT_MS, 1000, 365 * kDayMs, kDayMs, kDayMs, kDayMs, nullptr,                                  \
     "failed members are forgotten after this")                                                                  \
  XX(TOMBSTONE_TIMEOUT_MS, 1000, 365 * kDayMs, kDayMs, kDayMs, kDayMs, nullptr,                                  \
     "left members are forgotten after this")                                                                    \
  XX(USER_EVENT_SIZE_LIMIT, 1, 9216, 512, 512, 512, nullptr, "largest user event name plus payload")             \
  XX(LEAVE_PROPAGATE_DELAY_MS, 0, 600000, 1000, 1000, 1000, nullptr, "linger after the leave broadcast so it spreads") \
  XX(ENCRYPT_KEY, 0, 0, 0, 0, 0, "", "base64 AES key (16, 24 or 32 bytes) to encrypt gossip; \"\" = off")        \
  XX(GOSSIP_VERIFY_INCOMING, 0, 1, 1, 1, 1, nullptr, "with a key: refuse plaintext")                             \
  XX(GOSSIP_VERIFY_OUTGOING, 0, 1, 1, 1, 1, nullptr, "with a key: encrypt what is sent")                         \
  XX(EVENT_QUEUE_CAPACITY, 2, 1 << 24, 4096, 4096, 4096, nullptr,                                                \
     "events a pulled watch holds before dropping the oldest")                                                   \
  XX(RNG_SEED, 0, kMaxSeed, 0, 0, 0, nullptr, "random seed; 0 = from the OS")                                   \
  XX(SCRIPT_CHECKS, 0, 1, 0, 0, 0, nullptr,                                                                      \
     "run the script health checks of this node's instances (off: they execute programs)")                     \
  XX(NODE_HEALTH_FEED_INSTANCES, 0, 1, 0, 0, 0, nullptr,                                                         \
     "let the worst state of this node's instances' checks count in its health tag, once held")                \
  XX(NODE_HEALTH_HOLD_MS, 0, kDayMs, 30000, 30000, 30000, nullptr,                                               \
     "how long the instances' worst state must hold before it counts in the node's health (a recovery too)")   \
  XX(HEAL_INTERVAL_MS, 0, kDayMs, 60000, 60000, 60000, nullptr,                                                  \
     "at most one self-healing action per instance per this")                                                  \
  XX(HEAL_MAX_PER_MINUTE, 0, 100000, 10, 10, 10, nullptr, "self-healing actions per minute, all instances")  \
  XX(REGION, 0, 0, 0, 0, 0, "", "the node's region: instance selection prefers it after the zone; \"\" = unknown")  \
  XX(ZONE, 0, 0, 0, 0, 0, "", "the node's zone: instance selection prefers instances in it; \"\" = unknown")

// One enumerator per row, in the table's order.
enum class Key : std::uint16_t {
#define WKD_OPTION_KEY_(NAME, min_, max_, lan_, wan_, local_, str_, text_) NAME,
  WKD_OPTION_TABLE(WKD_OPTION_KEY_)
#undef WKD_OPTION_KEY_
};

// The presets, as indices of Row::defaults (the values of wkd_preset).
enum class Preset : std::uint8_t { lan = 0, wan = 1, local = 2 };

// An upper-case NAME as its lower-case option name, in static storage.
template <std::size_t N>
struct LowerName {
  std::array<char, N> text{};
  constexpr explicit LowerName(const char (&upper)[N]) {
    for (std::size_t i = 0; i < N; ++i) {
      const char ch = upper[i];
      text[i] = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
    }
  }
};

namespace names {
#define WKD_OPTION_LOWER_(NAME, min_, max_, lan_, wan_, local_, str_, text_) \
  inline constexpr LowerName<sizeof(#NAME)> NAME{#NAME};
WKD_OPTION_TABLE(WKD_OPTION_LOWER_)
#undef WKD_OPTION_LOWER_
}  // namespace names

struct Row {
  Key key;
  const char* upper;        // "PROBE_INTERVAL_MS"
  const char* name;         // "probe_interval_ms"
  std::int64_t min;
  std::int64_t max;
  std::int64_t defaults[3];  // per Preset (INT and BOOL)
  const char* str_default;   // STR options; nullptr otherwise
  const char* description;
};

inline constexpr Row kRows[] = {
#define WKD_OPTION_ROW_(NAME, min_, max_, lan_, wan_, local_, str_, text_) \
  {Key::NAME, #NAME, names::NAME.text.data(), min_, max_, {lan_, wan_, local_}, str_, text_},
    WKD_OPTION_TABLE(WKD_OPTION_ROW_)
#undef WKD_OPTION_ROW_
};

constexpr const Row& row(Key k) noexcept { return kRows[static_cast<std::size_t>(k)]; }

// An INT or BOOL option's value under a preset.
constexpr std::int64_t preset_value(Key k, Preset p) noexcept {
  return row(k).defaults[static_cast<std::size_t>(p)];
}

constexpr const Row* find(std::string_view upper_or_lower) noexcept {
  for (const Row& r : kRows) {
    if (upper_or_lower == r.upper || upper_or_lower == r.name) return &r;
  }
  return nullptr;
}

}  // namespace wkd::options
