// Configuration of the memberlist-compatible SWIM core: a validated plain
// struct, no parsing here. The presets are memberlist's DefaultLANConfig,
// DefaultWANConfig and DefaultLocalConfig (docs/wire.md §9.7), so a wkd node
// and a memberlist node with the same preset agree on timing; their values
// live in the option table (common/option_table.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/address.hpp"
#include "common/option_table.hpp"
#include "common/time.hpp"
#include "wire/msgpack.hpp"
#include "wire/vsn.hpp"

namespace wkd::swim {

// The fields bound to options of wkd/config.h (swim_options() in
// config.cpp) take their values from the option table: a Config starts
// with the LAN preset's, and Config::preset() gives another preset's.
struct Config {
  Config();
  std::string name;             // unique node name
  Address advertise;            // address and port told to peers (alive, push/pull)

  // Failure detection.
  Duration probe_interval{};
  Duration probe_timeout{};
  int indirect_checks = 0;
  int suspicion_mult = 0;
  int suspicion_max_timeout_mult = 0;
  int awareness_max_multiplier = 0;
  bool disable_tcp_pings = false;
  Duration tcp_timeout{};

  // Dissemination.
  Duration gossip_interval{};
  int gossip_nodes = 0;
  Duration gossip_to_the_dead_time{};
  int retransmit_mult = 0;
  Duration push_pull_interval{};  // 0 disables periodic push/pull
  // After a join, one more push/pull with a member that answered it, at a
  // random moment between this delay and twice it (0 = never). A node that
  // joins while others join too learns the later joiners only from their
  // alive broadcasts, and with a retransmit limit of mult * log10(n) a
  // node misses one of them in about one join storm of 64 nodes in two;
  // without this it then waits a whole push_pull_interval. memberlist does
  // not; nothing changes on the wire.
  Duration join_sync_delay{};
  std::size_t udp_buffer_size = 0;
  Duration dead_node_reclaim_time = Duration::zero();  // 0 = never
  // Before declaring a suspect member dead, probe it once more (state.cpp):
  // an answer gives its refutation time to arrive. memberlist does not; it
  // changes nothing on the wire, delays the detection of a real failure by
  // one probe interval, and removes the false failures that packet loss and
  // short partitions otherwise cause.
  bool verify_before_dead = false;

  // Wire.
  bool enable_compression = false;
  // Datagrams below this size are not compressed (see wire/packet.hpp).
  std::size_t compress_min_size = 256;
  wire::msgpack::IntStyle int_style{};  // LEGACY_INT_ENCODING
  std::string label;  // cluster label; "" = none (Debian serf 0.9.4 has no labels)
  bool gossip_verify_incoming = false;
  bool gossip_verify_outgoing = false;
  wire::Vsn vsn = wire::kWkdVsn;

  // Inbound limits.
  std::size_t max_stream_bytes = 64u << 20;

  static Config preset(options::Preset p);
  static Config lan() { return preset(options::Preset::lan); }
  static Config wan() { return preset(options::Preset::wan); }
  static Config local() { return preset(options::Preset::local); }
};

// Sets the field an option of the table is bound to (LEGACY_INT_ENCODING
// sets int_style); false when the option is not one of swim::Config's.
bool set_option(Config& c, options::Key key, std::int64_t value);

// Checks the knobs for values that cannot work (zero intervals, a probe
// timeout longer than the probe interval, ...). Returns "" or a message
// naming the knob.
std::string validate(const Config& c);

}  // namespace wkd::swim
