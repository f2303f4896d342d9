// One scale scenario of wkd_sim_bench: a converged cluster of the real
// memberlist engine in virtual time (tests/support/sim_cluster.hpp) under
// uniform loss, measured for dissemination, failure detection, false
// failures, traffic and simulator speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace wkd::bench {

struct ScenarioSpec {
  std::size_t nodes = 1000;
  double loss = 0.0;  // uniform datagram loss, 0..1
  std::uint64_t seed = 1;
  bool quick = false;  // shorter limits and steady-state window
  // The steady-state window in virtual seconds; 0 = the default (60, or 20
  // with quick).
  double steady_s = 0;
  // Measure a bootstrap (all join one seed) on a cluster of its own first.
  bool bootstrap = true;
};

// Virtual seconds; nullopt when the condition was not met within its limit
// (then `reached` says how many of the observers it needed had got there).
struct Timed {
  std::optional<double> seconds;
  std::size_t reached = 0, needed = 0;
};

struct ScenarioResult {
  double gossip_interval_s = 0, probe_interval_s = 0;
  bool bootstrap_run = false;         // the bootstrap below was measured
  std::optional<double> bootstrap_s;  // all join node 0 at once, 0 % loss, to convergence
  std::optional<double> drained_s;    // then until no node has a broadcast queued
  Timed tag_update;                   // one node's metadata change known by (99.99 % of) the others
  Timed join;                         // one new node known alive by (99.99 % of) the others
  std::size_t victim = 3;                            // the node killed
  Timed first_suspect, first_dead, dead_everywhere;  // after the kill
  std::size_t false_failures = 0;     // from setting the loss to the end
  double udp_bytes_per_node_s = 0, udp_packets_per_node_s = 0, tcp_bytes_per_node_s = 0;
  double measured_virtual_s = 0;      // length of the lossy measurement period
  double sim_speed = 0;               // virtual seconds per wall second, whole scenario
  long peak_rss_kib = 0;              // process peak so far (getrusage ru_maxrss)
};

ScenarioResult run_scenario(const ScenarioSpec& spec);

}  // namespace wkd::bench
