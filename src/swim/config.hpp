// Configuration of the memberlist-compatible SWIM core: a validated plain
// struct, no parsing here. The presets are memberlist's DefaultLANConfig,
// DefaultWANConfig and DefaultLocalConfig (docs/wire.md §9.7), so a wkd node
// and a memberlist node with the same preset agree on timing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/address.hpp"
#include "common/time.hpp"
#include "wire/msgpack.hpp"
#include "wire/vsn.hpp"

namespace wkd::swim {

struct Config {
  std::string name;             // unique node name
  Address advertise;            // address and port told to peers (alive, push/pull)

  // Failure detection.
  Duration probe_interval = milliseconds(1000);
  Duration probe_timeout = milliseconds(500);
  int indirect_checks = 3;
  int suspicion_mult = 4;
  int suspicion_max_timeout_mult = 6;
  int awareness_max_multiplier = 8;
  bool disable_tcp_pings = false;
  Duration tcp_timeout = seconds(10);

  // Dissemination.
  Duration gossip_interval = milliseconds(200);
  int gossip_nodes = 3;
  Duration gossip_to_the_dead_time = seconds(30);
  int retransmit_mult = 4;
  Duration push_pull_interval = seconds(30);  // 0 disables periodic push/pull
  // After a join, one more push/pull with a member that answered it, at a
  // random moment between this delay and twice it (0 = never). A node that
  // joins while others join too learns the later joiners only from their
  // alive broadcasts, and with a retransmit limit of mult * log10(n) a
  // node misses one of them in about one join storm of 64 nodes in two;
  // without this it then waits a whole push_pull_interval. memberlist does
  // not; nothing changes on the wire.
  Duration join_sync_delay = seconds(2);
  std::size_t udp_buffer_size = 1400;
  Duration dead_node_reclaim_time = Duration::zero();  // 0 = never
  // Before declaring a suspect member dead, probe it once more (state.cpp):
  // an answer gives its refutation time to arrive. memberlist does not; it
  // changes nothing on the wire, delays the detection of a real failure by
  // one probe interval, and removes the false failures that packet loss and
  // short partitions otherwise cause.
  bool verify_before_dead = true;

  // Wire.
  bool enable_compression = true;
  // Datagrams below this size are not compressed (see wire/packet.hpp).
  std::size_t compress_min_size = 256;
  wire::msgpack::IntStyle int_style = wire::msgpack::IntStyle::legacy;
  std::string label;  // cluster label; "" = none (Debian serf 0.9.4 has no labels)
  bool gossip_verify_incoming = true;
  bool gossip_verify_outgoing = true;
  wire::Vsn vsn = wire::kWkdVsn;

  // Inbound limits.
  std::size_t max_stream_bytes = 64u << 20;

  static Config lan();
  static Config wan();
  static Config local();
};

// Checks the knobs for values that cannot work (zero intervals, a probe
// timeout longer than the probe interval, ...). Returns "" or a message
// naming the knob.
std::string validate(const Config& c);

}  // namespace wkd::swim
