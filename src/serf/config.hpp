// Configuration of the Serf layer: serf's defaults (SERF094 config.go,
// docs/wire.md §11.7) around the memberlist configuration it runs on.
//
// The serf protocol version is not a separate knob: it is the delegate
// version wkd advertises in memberlist's Vsn (memberlist.vsn.dcur, 5 as the
// `serf agent` CLI speaks; serf's library default is 4). Tags are encoded in
// the 0xFF-map form, which needs version >= 3, and queries need >= 4, so
// validate() insists on 4 or 5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "common/time.hpp"
#include "serf/lamport.hpp"
#include "swim/config.hpp"
#include "wire/tags.hpp"

namespace wkd::serf {

enum class Err : std::uint8_t {
  invalid_config,
  invalid_argument,
  state,        // not started, leaving, left
  too_large,    // tags, event, query or response over its size limit
  unsupported,  // e.g. queries below serf protocol 4
};

using Status = wkd::Status<Err>;
template <class T>
using Result = wkd::Result<T, Err>;

inline Failure<Err> fail(Err code, std::string message) { return Failure<Err>{code, std::move(message)}; }

const char* err_name(Err e) noexcept;

// Serf's hard cap on a user event's name + payload (UserEventSizeLimit in
// serf.go), whatever the configured limit.
inline constexpr std::size_t kUserEventSizeCap = 9 * 1024;

// The serf-layer fields bound to options of wkd/config.h take their
// values from the option table (see serf/config.cpp): a Config starts with
// the LAN preset's, and Config::preset() gives another preset's.
struct Config {
  Config();
  static Config preset(options::Preset p);

  swim::Config memberlist;
  wire::Tags tags;

  // Leave: how long to wait for the leave intent to be gossiped (and for
  // memberlist's own leave broadcast), then how long to linger before
  // reporting the leave done.
  Duration broadcast_timeout = seconds(5);
  Duration leave_propagate_delay{};

  // Dedup rings for user events and queries (slots, indexed by LTime).
  std::size_t event_buffer = 512;
  std::size_t query_buffer = 512;

  // Housekeeping: reap failed/left members and stale intents; reconnect.
  Duration reap_interval = seconds(15);
  Duration recent_intent_timeout = std::chrono::minutes(5);
  Duration reconnect_interval{};
  Duration reconnect_timeout{};
  Duration tombstone_timeout{};
  Duration flap_timeout = seconds(60);

  // Broadcast queue depth: warn at, prune beyond (min_queue_depth > 0 makes
  // the limit 2 * members, at least min_queue_depth, as serf does).
  Duration queue_check_interval = seconds(30);
  std::size_t queue_depth_warning = 128;
  std::size_t max_queue_depth = 4096;
  std::size_t min_queue_depth = 0;

  // Queries: default timeout = gossip_interval * mult * ceil(log10(n + 1)).
  int query_timeout_mult = 16;
  std::size_t query_response_size_limit = 1024;
  std::size_t query_size_limit = 1024;
  std::size_t user_event_size_limit = 0;

  // Clocks saved by an earlier run (the agent's snapshot): start() witnesses
  // them, and user events and queries at or below the saved times are not
  // delivered again when the cluster replays them (as serf's snapshot).
  LamportTime restore_member_clock = 0;
  LamportTime restore_event_clock = 0;
  LamportTime restore_query_clock = 0;

  bool enable_name_conflict_resolution = true;
  bool disable_coordinates = false;

  std::uint8_t protocol_version() const noexcept { return memberlist.vsn.dcur; }
};

// Sets the field an option of the table is bound to, here or in
// memberlist; false when the option is not one of the engine's.
bool set_option(Config& c, options::Key key, std::int64_t value);

// "" or a message naming the knob that cannot work (also runs
// swim::validate on the memberlist part).
std::string validate(const Config& c);

}  // namespace wkd::serf
