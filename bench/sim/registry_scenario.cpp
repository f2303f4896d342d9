// run_propagation(): one propagation row of wkd_sim_bench --registry.
//
// A converged cluster of wkd cores (start_converged: no join gossip) lets
// its start-up broadcasts drain; every node registers its preloaded
// instances at once and the cluster runs until every node holds all of
// them, then 10 quiet seconds. The loss is set and, under it, in order:
// an idle window (nothing changes), a new instance on node 1, a status
// flip of node 2's instance 0 (STARTING to HEALTHY by a passing check), the
// churn steps (when asked), a node paused while changes happen (repair),
// and a late joiner. Waits check every 10 ms of virtual time.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "registry_rows.hpp"
#include "swim/config.hpp"
#include "swim/memberlist.hpp"

namespace wkd::bench {
namespace {

double secs(Duration d) { return std::chrono::duration<double>(d).count(); }
Duration dur(double s) { return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s)); }

void note(const PropSpec& s, RegCluster& rc, const char* phase, const std::chrono::steady_clock::time_point& wall0) {
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::fprintf(stderr, "[registry %zu nodes, %g %% loss] %s (virtual %.1f s, wall %.1f s, rss %.0f MiB)\n", s.nodes,
               s.loss * 100.0, phase, secs(rc.sim().elapsed()), wall, static_cast<double>(peak_rss_kib()) / 1024.0);
}

// Registers the preloaded instances and waits until every node holds all.
void preload(const PropSpec& s, RegCluster& rc, PropResult& r) {
  const std::size_t n = s.nodes;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t count = i == 2 ? std::max<std::size_t>(s.preload, 1) : s.preload;
    rc.act(i, [&](registry::Replica& rep, const registry::Now& now) {
      for (std::size_t k = 0; k < count; ++k) {
        const std::size_t meta = i == 2 && k == 0 ? s.meta_bytes : s.preload_meta;
        (void)rep.register_instance(now, bench_instance(i, k, meta));
      }
    });
  }
  r.records = n * s.preload + (s.preload == 0 ? 1 : 0);
  const TimePoint from = rc.sim().now();
  std::size_t next = 0;
  if (rc.wait_until(
          [&] {
            while (next < n && rc.replica(next).store().size() >= r.records) ++next;
            return next == n;
          },
          seconds(300))) {
    r.preload_s = secs(rc.sim().now() - from);
  }
}

// The bytes one change costs: the cluster's sends over `window` from the
// change on, less what it sends idle in as long, per node.
ChangeCost cost_since(RegCluster& rc, const PropResult& r, std::uint64_t net0, std::uint64_t reg0, TimePoint from,
                      double window_s) {
  rc.run_for(std::max(Duration::zero(), from + dur(window_s) - rc.sim().now()));
  const double n = static_cast<double>(rc.live_nodes());
  ChangeCost c;
  c.window_s = secs(rc.sim().now() - from);
  c.network_b_per_node =
      (static_cast<double>(rc.network_bytes() - net0) - r.idle_network_b_per_node_s * n * c.window_s) / n;
  c.registry_b_per_node =
      (static_cast<double>(rc.registry_bytes() - reg0) - r.idle_registry_b_per_node_s * n * c.window_s) / n;
  return c;
}

double window_after(const Reach& reach) { return std::max(15.0, reach.all_s.value_or(60.0) + 5.0); }

void measure_idle(const PropSpec& s, RegCluster& rc, PropResult& r) {
  r.idle_window_s = s.quick ? 20.0 : 30.0;
  const std::uint64_t net0 = rc.network_bytes(), reg0 = rc.registry_bytes();
  rc.run_for(dur(r.idle_window_s));
  const double node_s = static_cast<double>(rc.live_nodes()) * r.idle_window_s;
  r.idle_network_b_per_node_s = static_cast<double>(rc.network_bytes() - net0) / node_s;
  r.idle_registry_b_per_node_s = static_cast<double>(rc.registry_bytes() - reg0) / node_s;
}

void measure_added(const PropSpec& s, RegCluster& rc, PropResult& r) {
  const std::uint64_t net0 = rc.network_bytes(), reg0 = rc.registry_bytes();
  const TimePoint from = rc.sim().now();
  const std::size_t k = 1000;  // beyond any preloaded index
  rc.act(1, [&](registry::Replica& rep, const registry::Now& now) {
    (void)rep.register_instance(now, bench_instance(1, k, s.meta_bytes));
  });
  const auto key = bench_key(1, k);
  r.added = rc.wait_reach(1, [&](std::size_t i) { return rc.replica(i).store().find(key) != nullptr; }, seconds(60));
  r.added_cost = cost_since(rc, r, net0, reg0, from, window_after(r.added));
}

void measure_flip(RegCluster& rc, PropResult& r) {
  const std::uint64_t net0 = rc.network_bytes(), reg0 = rc.registry_bytes();
  const TimePoint from = rc.sim().now();
  const auto key = bench_key(2, 0);
  rc.act(2, [&](registry::Replica& rep, const registry::Now& now) {
    (void)rep.apply_check(now, key, registry::CheckState::passing);
  });
  r.flip = rc.wait_reach(
      2,
      [&](std::size_t i) {
        const auto* rec = rc.replica(i).store().find(key);
        return rec != nullptr && rec->status == registry::InstanceStatus::healthy;
      },
      seconds(60));
  r.flip_cost = cost_since(rc, r, net0, reg0, from, window_after(r.flip));
}

// A node misses changes, then comes back: node 5 paused (SIGSTOP: no
// datagrams, no timers, stream data waits), or node 6 cut off (every
// datagram and stream to or from it lost, the node running). In the first
// half of the outage `repair_changes` nodes from 10 on register one new
// instance each; the time from the node's return until it holds them all.
std::optional<double> measure_repair(const PropSpec& s, RegCluster& rc, bool pause, std::size_t& missed) {
  const std::size_t victim = pause ? 5 : 6, first = 10, k = pause ? 2000 : 2001;
  auto& net = rc.sim().net();
  if (pause) {
    rc.sim().pause(victim);
  } else {
    net.block(static_cast<sim::NodeId>(victim));
  }
  std::vector<registry::InstanceKey> keys;
  const std::size_t changes = std::min(s.repair_changes, s.nodes - first);
  const Duration gap = (s.repair_pause / 2) / static_cast<long>(std::max<std::size_t>(changes, 1));
  for (std::size_t j = 0; j < changes; ++j) {
    const std::size_t owner = first + j;
    rc.act(owner, [&](registry::Replica& rep, const registry::Now& now) {
      (void)rep.register_instance(now, bench_instance(owner, k, s.meta_bytes));
    });
    keys.push_back(bench_key(owner, k));
    rc.run_for(gap);
  }
  rc.run_for(s.repair_pause - (s.repair_pause / 2));
  if (pause) {
    rc.sim().resume(victim);
  } else {
    net.unblock(static_cast<sim::NodeId>(victim));
  }
  auto& store = rc.replica(victim).store();
  missed = 0;
  for (const auto& key : keys) missed += store.find(key) == nullptr ? 1 : 0;
  const TimePoint from = rc.sim().now();
  if (!rc.wait_until(
          [&] {
            std::erase_if(keys, [&](const registry::InstanceKey& key) { return store.find(key) != nullptr; });
            return keys.empty();
          },
          seconds(120))) {
    return std::nullopt;
  }
  return secs(rc.sim().now() - from);
}

void measure_joiner(const PropSpec& s, RegCluster& rc, PropResult& r) {
  const std::size_t joiner = s.nodes;
  r.joiner_records = rc.replica(0).store().size();
  const TimePoint from = rc.sim().now();
  rc.sim().join(joiner, 0);
  if (rc.wait_until([&] { return rc.replica(joiner).store().size() >= r.joiner_records; }, seconds(120))) {
    r.joiner_s = secs(rc.sim().now() - from);
  }
}

void settle_membership(RegCluster& rc, std::size_t n) {
  rc.wait_until(
      [&] {
        for (std::size_t i = 0; i < n; ++i) {
          if (rc.sim().memberlist(i).queued_broadcasts() > 0) return false;
        }
        return true;
      },
      seconds(60));
  rc.run_for(seconds(2));
}

}  // namespace

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

PropResult run_propagation(const PropSpec& s) {
  const auto wall0 = std::chrono::steady_clock::now();
  PropResult r;
  RegCluster rc(s.nodes, 1, s.seed);
  r.gossip_interval_s = secs(rc.sim().memberlist(0).config().gossip_interval);
  settle_membership(rc, s.nodes);
  note(s, rc, "converged start", wall0);
  preload(s, rc, r);
  r.preload_drained_s = rc.wait_gossip_drained(seconds(600));
  rc.run_for(seconds(5));
  note(s, rc, "preloaded", wall0);
  rc.sim().set_loss(s.loss);
  rc.run_for(seconds(5));
  measure_idle(s, rc, r);
  note(s, rc, "idle window", wall0);
  measure_added(s, rc, r);
  note(s, rc, "new instance", wall0);
  measure_flip(rc, r);
  note(s, rc, "status flip", wall0);
  if (s.churn) {
    r.churn = run_churn(rc, s.quick);
    note(s, rc, "churn", wall0);
  }
  r.repair_pause_s = measure_repair(s, rc, true, r.repair_pause_missed);
  note(s, rc, "repair after a pause", wall0);
  r.repair_cut_s = measure_repair(s, rc, false, r.repair_cut_missed);
  note(s, rc, "repair after a cut-off", wall0);
  measure_joiner(s, rc, r);
  note(s, rc, "late joiner", wall0);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  r.peak_rss_kib = peak_rss_kib();
  return r;
}

}  // namespace wkd::bench
