// Printing of wkd_sim_bench --registry: Markdown tables, each figure with
// the target beside it ("met", or "MISSED" and what was measured).
#include <algorithm>
#include <cstdio>
#include <string>

#include "registry.hpp"
#include "serf_model.hpp"

namespace wkd::bench {
namespace {

constexpr double kChurnTarget = 1000;    // changes per second at 1k nodes
constexpr double kRepairTarget = 30;     // seconds
constexpr double kMemoryTarget = 500;    // bytes per instance beyond its metadata
constexpr double kCatchupTarget = 10;    // seconds for 100,000 instances
constexpr double kFlipTarget0 = 1.0;     // seconds to 99.99 % at 0 % loss

std::string fmt_s(const std::optional<double>& s, double gossip_s) {
  if (!s) return "not in limit";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f s (%.1f r)", *s, *s / gossip_s);
  return buf;
}

std::string fmt_reach(const std::optional<double>& s, const Reach& r, double gossip_s) {
  if (s) return fmt_s(s, gossip_s);
  char buf[48];
  std::snprintf(buf, sizeof buf, "not in 60 s (%zu/%zu)", r.reached, r.needed);
  return buf;
}

// The flip's target: 99.99 % of the nodes no later than Serf's model, and
// within 1 s at 0 % loss.
std::string flip_verdict(const PropSpec& s, const PropResult& r) {
  const auto rounds = serf_model_rounds(s.nodes, s.loss);
  double bound = rounds ? *rounds * r.gossip_interval_s : 1e9;
  std::string why = "Serf model";
  if (s.loss == 0 && kFlipTarget0 < bound) {
    bound = kFlipTarget0;
    why = "1 s at 0 % loss";
  }
  char buf[96];
  if (!r.flip.most_s) {
    std::snprintf(buf, sizeof buf, "MISSED (<= %.1f s, %s: not reached)", bound, why.c_str());
  } else if (*r.flip.most_s <= bound) {
    std::snprintf(buf, sizeof buf, "met (<= %.1f s, %s)", bound, why.c_str());
  } else {
    std::snprintf(buf, sizeof buf, "MISSED (%.2f s > %.1f s, %s)", *r.flip.most_s, bound, why.c_str());
  }
  return buf;
}

std::string serf_col(const PropSpec& s, const PropResult& r) {
  const auto rounds = serf_model_rounds(s.nodes, s.loss);
  if (!rounds) return "never";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f s (%.0f r)", *rounds * r.gossip_interval_s, *rounds);
  return buf;
}

std::string preload_col(const PropSpec& s) {
  char buf[96];
  if (s.preload == 0) {
    std::snprintf(buf, sizeof buf, "node 2's flip target only | %zu B", s.meta_bytes);
  } else {
    std::snprintf(buf, sizeof buf, "%zu/node, %zu B metadata | %zu B", s.preload, s.preload_meta, s.meta_bytes);
  }
  return buf;
}

void print_spread(const std::vector<PropSpec>& specs, const std::vector<PropResult>& rows) {
  double gossip_s = 0;
  for (const auto& r : rows) gossip_s = std::max(gossip_s, r.gossip_interval_s);
  std::printf("Spread (\"r\": gossip rounds of %.0f ms):\n\n", gossip_s * 1000);
  std::printf("| nodes | loss | preloaded | changed records' metadata | records per node | preload everywhere | then gossip drained | new instance 99.99 %% | new instance 100 %% "
              "| status flip 99.99 %% | status flip 100 %% | Serf model | flip target |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const PropSpec& s = specs[i];
    const PropResult& r = rows[i];
    if (!r.not_run.empty()) {
      std::printf("| %zu | %.0f %% | NOT RUN | %s | | | | | | | | | |\n", s.nodes, s.loss * 100, r.not_run.c_str());
      continue;
    }
    const double g = r.gossip_interval_s;
    char drained[32];
    std::snprintf(drained, sizeof drained, r.preload_drained_s ? "%.0f s" : "not in 600 s", r.preload_drained_s.value_or(0));
    std::printf("| %zu | %.0f %% | %s | %zu | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.nodes, s.loss * 100,
                preload_col(s).c_str(), r.records, r.preload_s ? fmt_s(r.preload_s, g).c_str() : "not in 300 s", drained,
                fmt_reach(r.added.most_s, r.added, g).c_str(), fmt_reach(r.added.all_s, r.added, g).c_str(),
                fmt_reach(r.flip.most_s, r.flip, g).c_str(), fmt_reach(r.flip.all_s, r.flip, g).c_str(),
                serf_col(s, r).c_str(), flip_verdict(s, r).c_str());
  }
  std::printf("\n");
}

void print_cost(const std::vector<PropSpec>& specs, const std::vector<PropResult>& rows) {
  std::printf("Bytes (\"network\": everything the nodes sent, SimNetwork's datagram and stream counters, "
              "memberlist's own traffic included; \"registry\": Replica::stats().bytes_sent, the registry's "
              "messages before framing, a gossip-queued copy counted once however often memberlist sends it). "
              "Per change: the cluster's bytes in the window after it beyond the idle rate, per node.\n\n");
  std::printf("| nodes | loss | new instance: network B/node | registry B/node | status flip: network B/node "
              "| registry B/node | window s | idle network B/node/s | idle registry B/node/s | idle window s |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const PropResult& r = rows[i];
    if (!r.not_run.empty()) continue;
    std::printf("| %zu | %.0f %% | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.0f |\n", specs[i].nodes,
                specs[i].loss * 100, r.added_cost.network_b_per_node, r.added_cost.registry_b_per_node,
                r.flip_cost.network_b_per_node, r.flip_cost.registry_b_per_node, r.flip_cost.window_s,
                r.idle_network_b_per_node_s, r.idle_registry_b_per_node_s, r.idle_window_s);
  }
  std::printf("\n");
}

std::string fmt_repair(const std::optional<double>& s, std::size_t missed) {
  char buf[96];
  if (!s) {
    std::snprintf(buf, sizeof buf, "not in 120 s (missed %zu) | MISSED (not repaired in 120 s)", missed);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s (missed %zu) | %s (%.2f s %s %.0f s)", *s, missed,
                  *s <= kRepairTarget ? "met" : "MISSED", *s, *s <= kRepairTarget ? "<=" : ">", kRepairTarget);
  }
  return buf;
}

void print_repair(const std::vector<PropSpec>& specs, const std::vector<PropResult>& rows) {
  std::printf("Late joiner and repair. Repair: a node out for %.0f s while %zu nodes each register an instance in "
              "the outage's first half, then back; time from its return until it holds them all (\"missed\": how "
              "many it lacked at its return). \"Paused\": node 5 stopped (SIGSTOP: no datagrams, no timers, stream "
              "data waits). \"Cut off\": node 6 running, every datagram and stream to or from it lost.\n\n",
              std::chrono::duration<double>(specs.front().repair_pause).count(), specs.front().repair_changes);
  std::printf("| nodes | loss | late joiner holds every record | records | repair, paused | target "
              "| repair, cut off | target | wall s | peak RSS MiB |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const PropResult& r = rows[i];
    if (!r.not_run.empty()) continue;
    char joiner[32];
    std::snprintf(joiner, sizeof joiner, r.joiner_s ? "%.2f s" : "not in 120 s", r.joiner_s.value_or(0));
    std::printf("| %zu | %.0f %% | %s | %zu | %s | %s | %.0f | %.0f |\n", specs[i].nodes, specs[i].loss * 100, joiner,
                r.joiner_records, fmt_repair(r.repair_pause_s, r.repair_pause_missed).c_str(),
                fmt_repair(r.repair_cut_s, r.repair_cut_missed).c_str(), r.wall_s,
                static_cast<double>(r.peak_rss_kib) / 1024.0);
  }
  std::printf("\n");
}

void print_churn(const std::vector<PropSpec>& specs, const std::vector<PropResult>& rows) {
  bool any = false;
  for (const auto& r : rows) any = any || !r.churn.steps.empty();
  if (!any) return;
  std::printf("Sustained churn: status flips of the preloaded instances (%zu B metadata), round robin over the "
              "nodes, at a cluster-wide rate, each step for %s of virtual time; a step holds when every flip reached "
              "every node and 99 %% of them did within twice the time one such flip takes alone (\"bound\": twice "
              "the slowest of ten flips made one at a time).\n\n",
              specs.front().preload_meta, specs.front().quick ? "3 s" : "5 s");
  std::printf("| nodes | loss | rate /s | flips | reached every node | p99 | max | bound | holds |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const PropResult& r = rows[i];
    double best = 0;
    for (const ChurnStep& c : r.churn.steps) {
      std::printf("| %zu | %.0f %% | %.0f | %zu | %zu | %.2f s | %.2f s | %.2f s | %s |\n", specs[i].nodes,
                  specs[i].loss * 100, c.rate, c.changes, c.reached, c.p99_s, c.max_s, 2 * r.churn.single_s,
                  c.holds ? "yes" : "no");
      if (c.holds) best = c.rate;
    }
    if (r.churn.steps.empty()) continue;
    const bool met = best >= kChurnTarget;
    std::string why;
    if (!met) {
      const ChurnStep& last = r.churn.steps.back();
      char buf[160];
      std::snprintf(buf, sizeof buf, ": at %.0f/s %zu of %zu flips reached every node, 99 %% in %.2f s", last.rate,
                    last.reached, last.changes, last.p99_s);
      why = buf;
    }
    std::printf("| %zu | %.0f %% | **highest holding: %.0f/s** | | | | | | target >= %.0f/s: %s%s |\n", specs[i].nodes,
                specs[i].loss * 100, best, kChurnTarget, met ? "met" : "MISSED", why.c_str());
  }
  std::printf("\n");
}

}  // namespace

void print_preamble(bool quick, std::uint64_t seed) {
  std::printf("wkd_sim_bench --registry: wkd cores (Serf, memberlist, the registry's Replica), LAN preset, "
              "ReplicaConfig defaults (fanout 5, eager_delay 5 ms, inline_max 1024 B, recent_interval 100 ms, "
              "recent_peers 8, sync_interval 5 s), seed %llu%s\n",
              static_cast<unsigned long long>(seed), quick ? ", --quick" : "");
  std::printf("Virtual-time figures, exact to the 10 ms the waits poll at; 1 ms one-way latency, uniform datagram loss.\n\n");
  std::fflush(stdout);
}

void print_memory(const std::vector<MemoryResult>& m) {
  std::printf("Memory per instance per node (one Store, as a node holds peers' records: 100,000 records of 10 owners "
              "applied with apply_remote; heap in use, mallinfo2 uordblks + hblkhd, after less before, over the "
              "records; the change list emptied as a consumer would):\n\n");
  std::printf("| metadata (key + value text) | records | bytes per instance | beyond its metadata | target |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const MemoryResult& r : m) {
    const double beyond = r.bytes_per_record - static_cast<double>(r.meta_bytes);
    char verdict[64];
    if (beyond <= kMemoryTarget) {
      std::snprintf(verdict, sizeof verdict, "met (<= %.0f B + metadata)", kMemoryTarget);
    } else {
      std::snprintf(verdict, sizeof verdict, "MISSED (%.0f B > %.0f B + metadata)", beyond, kMemoryTarget);
    }
    std::printf("| %zu B | %zu | %.0f | %.0f | %s |\n", r.meta_bytes, r.records, r.bytes_per_record, beyond, verdict);
  }
  std::printf("\n");
  std::fflush(stdout);
}

void print_catchup(const CatchupResult& c) {
  std::printf("Catch-up of a large registry: %zu nodes own %zu instances each (%zu B metadata); once every node "
              "holds all %zu, one more node joins through node 0.\n\n", c.owners, c.records / c.owners, c.meta_bytes,
              c.records);
  std::printf("| instances | preload settled | late joiner holds them all | registry MiB sent meanwhile | target | wall s |\n");
  std::printf("|---|---|---|---|---|---|\n");
  char pre[32], up[48], verdict[96];
  std::snprintf(pre, sizeof pre, c.preload_s ? "%.2f s" : "not in 900 s", c.preload_s.value_or(0));
  if (c.catchup_s) {
    std::snprintf(up, sizeof up, "%.2f s", *c.catchup_s);
  } else {
    std::snprintf(up, sizeof up, "not in 120 s (%zu held)", c.reached);
  }
  if (c.catchup_s && *c.catchup_s < kCatchupTarget) {
    std::snprintf(verdict, sizeof verdict, "met (< %.0f s)", kCatchupTarget);
  } else {
    std::snprintf(verdict, sizeof verdict, "MISSED (%s, target < %.0f s)", up, kCatchupTarget);
  }
  std::printf("| %zu | %s | %s | %.1f | %s | %.0f |\n\n", c.records, pre, up, c.pulled_mib, verdict, c.wall_s);
  std::fflush(stdout);
}

void print_rows(const std::vector<PropSpec>& specs, const std::vector<PropResult>& rows) {
  print_spread(specs, rows);
  print_cost(specs, rows);
  print_churn(specs, rows);
  print_repair(specs, rows);
  std::fflush(stdout);
}

}  // namespace wkd::bench
