// The rows of wkd_sim_bench --registry: what each measures and what it
// returns (registry.cpp prints them; README.md, "The registry").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry_cluster.hpp"

namespace wkd::bench {

// One propagation row: a converged cluster of `nodes` wkd cores, each
// registering `preload` instances of `preload_meta` bytes of metadata,
// except node 2's instance 0 (the one the flip moves; registered whatever
// `preload` says), which carries `meta_bytes` like the measured new
// instance and the repair's registrations; then measured under `loss`.
struct PropSpec {
  std::size_t nodes = 1000;
  std::size_t preload = 1;
  std::size_t preload_meta = 64;
  std::size_t meta_bytes = 2048;
  double loss = 0.0;
  std::uint64_t seed = 1;
  bool quick = false;
  bool churn = false;  // run the churn steps on this cluster too
  // Repair: a node paused (SIGSTOP), then another cut off from the network,
  // each for this long while `repair_changes` registrations happen in its
  // first half.
  Duration repair_pause = seconds(8);
  std::size_t repair_changes = 100;
};

// Cost of one change: the bytes the cluster sent beyond its idle rate over
// the window after the change, per node.
struct ChangeCost {
  double network_b_per_node = 0;   // SimNetwork: datagrams and streams
  double registry_b_per_node = 0;  // Replica::stats().bytes_sent
  double window_s = 0;
};

struct ChurnStep {
  double rate = 0;  // status changes per second, cluster-wide
  std::size_t changes = 0;
  std::size_t reached = 0;  // changes held by every node within the limit
  double p99_s = 0, max_s = 0;
  bool holds = false;  // every change everywhere within twice the single flip
};

struct ChurnResult {
  double single_s = 0;  // one flip alone, to every node (the steps' bound is twice it)
  std::vector<ChurnStep> steps;
};

struct PropResult {
  std::string not_run;  // non-empty: the row was not run, and why
  double gossip_interval_s = 0;
  std::optional<double> preload_s;  // until every node held every record
  std::size_t records = 0;          // held by every node after the preload
  // Then until no node's wkd gossip queue held anything.
  std::optional<double> preload_drained_s;
  Reach added, flip;
  ChangeCost added_cost, flip_cost;
  double idle_network_b_per_node_s = 0, idle_registry_b_per_node_s = 0, idle_window_s = 0;
  std::optional<double> joiner_s;  // late joiner until it held every record
  std::size_t joiner_records = 0;
  // A node paused, or cut off, while changes happened: from its return
  // until it held them all; how many it lacked at its return.
  std::optional<double> repair_pause_s, repair_cut_s;
  std::size_t repair_pause_missed = 0, repair_cut_missed = 0;
  ChurnResult churn;
  double wall_s = 0;
  long peak_rss_kib = 0;
};

PropResult run_propagation(const PropSpec& spec);
// The churn steps (registry_churn.cpp), on a settled cluster whose nodes
// 0..nodes-1 each hold instance 0 of every node.
ChurnResult run_churn(RegCluster& rc, bool quick);

// Memory a node spends per instance it holds (registry_memory.cpp): a
// lone Store filled with `records` records from `owners` peers, measured
// with mallinfo2 around the fill.
struct MemoryResult {
  std::size_t records = 0, meta_bytes = 0;
  double bytes_per_record = 0;  // heap growth / records
};
MemoryResult measure_memory(std::size_t records, std::size_t owners, std::size_t meta_bytes);

// Catch-up of a late joiner to `owners` x `per_owner` instances.
struct CatchupResult {
  std::size_t owners = 0, records = 0, meta_bytes = 0;
  std::optional<double> preload_s, catchup_s;
  std::size_t reached = 0;
  double pulled_mib = 0;  // registry bytes the cluster sent during the catch-up
  double wall_s = 0;
};
CatchupResult run_catchup(std::size_t owners, std::size_t per_owner, std::size_t meta_bytes, std::uint64_t seed);

long peak_rss_kib();

}  // namespace wkd::bench
