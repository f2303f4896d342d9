// run_scenario(): optionally measures a bootstrap on a cluster of its own
// (everyone joins node 0 at once, without loss, until converged and the
// join gossip has drained); then starts a cluster converged
// (SimCluster::start_converged), sets the loss and measures, in this order:
// a metadata (tag) update of node 1, the join of one extra node, the kill of
// a node (node 3, or the next one nobody suspects), and a steady-state
// window. Waits poll every 10 ms of virtual time, so times are exact to
// 10 ms.
#include "scenario.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

#include "support/memberlist_node.hpp"
#include "support/sim_cluster.hpp"
#include "swim/memberlist.hpp"

namespace wkd::bench {
namespace {

using sim::SimCluster;
using swim::NodeState;

double secs(Duration d) { return std::chrono::duration<double>(d).count(); }

// What nodes 0..n have sent so far.
struct Traffic {
  std::uint64_t udp_bytes = 0, udp_packets = 0, tcp_bytes = 0;
};
Traffic traffic(SimCluster& c, std::size_t n) {
  Traffic t;
  for (std::size_t i = 0; i <= n; ++i) {
    const auto& k = c.net().counters(static_cast<sim::NodeId>(i));
    t.udp_bytes += k.bytes_out;
    t.udp_packets += k.packets_out;
    t.tcp_bytes += k.stream_bytes_out;
  }
  return t;
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// How many observers a "known everywhere" figure needs: all of them up to
// 1000, 99.99 % (rounded up) above, so that one straggler at 10k nodes does
// not decide the figure.
std::size_t needed_of(std::size_t observers) {
  if (observers <= 1000) return observers;
  return static_cast<std::size_t>(std::ceil(static_cast<double>(observers) * 0.9999));
}

// Waits until `holds(observer)` is true for needed_of() of the live nodes
// other than `subject`.
Timed wait_known(SimCluster& c, std::size_t subject, const std::function<bool(std::size_t)>& holds, Duration limit) {
  Timed t;
  std::size_t observers = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i != subject && c.is_live(i)) ++observers;
  }
  t.needed = needed_of(observers);
  const TimePoint from = c.now();
  auto count = [&] {
    std::size_t k = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (i != subject && c.is_live(i) && holds(i)) ++k;
    }
    return k;
  };
  TimePoint next_note = from + seconds(10);
  const bool ok = c.wait_until(
      [&] {
        const std::size_t k = count();
        if (c.now() >= next_note) {
          next_note += seconds(10);
          std::fprintf(stderr, "  ... %zu of %zu after %.0f virtual s\n", k, t.needed, secs(c.now() - from));
        }
        return k >= t.needed;
      },
      limit);
  t.reached = count();
  if (ok) t.seconds = secs(c.now() - from);
  return t;
}

// Waits until any live node other than `subject` satisfies `holds`.
Timed wait_any(SimCluster& c, std::size_t subject, const std::function<bool(std::size_t)>& holds, TimePoint from,
               Duration limit) {
  Timed t;
  t.needed = 1;
  auto any = [&] {
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (i != subject && c.is_live(i) && holds(i)) return true;
    }
    return false;
  };
  const bool ok = c.wait_until(any, limit);
  t.reached = ok ? 1 : 0;
  if (ok) t.seconds = secs(c.now() - from);
  return t;
}

// One line on stderr as each phase ends, so a long run shows its progress
// (the table goes to stdout).
class Progress {
 public:
  explicit Progress(const ScenarioSpec& spec) : spec_(spec) {}
  void operator()(const char* phase, SimCluster& c, const Timed& t) const {
    char what[64];
    if (t.seconds) {
      std::snprintf(what, sizeof what, "%.2f s", *t.seconds);
    } else {
      std::snprintf(what, sizeof what, "not within the limit (%zu of %zu)", t.reached, t.needed);
    }
    line(phase, c, what);
  }
  void operator()(const char* phase, SimCluster& c) const { line(phase, c, "done"); }

 private:
  void line(const char* phase, SimCluster& c, const char* what) const {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
    std::fprintf(stderr, "[%zu nodes, %g %% loss] %s: %s (virtual %.1f s, wall %.1f s)\n", spec_.nodes,
                 spec_.loss * 100.0, phase, what, secs(c.elapsed()), wall);
  }
  const ScenarioSpec& spec_;
  std::chrono::steady_clock::time_point wall0_ = std::chrono::steady_clock::now();
};

}  // namespace

ScenarioResult run_scenario(const ScenarioSpec& spec) {
  const auto wall0 = std::chrono::steady_clock::now();
  const Progress progress(spec);
  ScenarioResult r;
  const std::size_t n = spec.nodes;
  const std::size_t newcomer = n;  // the extra node, idle until its join
  const std::size_t updater = 1;
  const Duration limit = spec.quick ? seconds(60) : seconds(180);

  if (spec.bootstrap) {
    // Every node joins node 0 at the same instant; then the join
    // broadcasts drain (each node re-gossips what its push/pulls taught it).
    r.bootstrap_run = true;
    SimCluster b(n, spec.seed);
    b.start(0);
    for (std::size_t i = 1; i < n; ++i) b.join(i, 0);
    if (b.wait_converged(seconds(300))) r.bootstrap_s = secs(b.elapsed());
    const TimePoint converged_at = b.now();
    const bool drained = b.wait_until(
        [&] {
          for (std::size_t i = 0; i < n; ++i) {
            if (b.memberlist(i).queued_broadcasts() > 0) return false;
          }
          return true;
        },
        seconds(300));
    if (drained) r.drained_s = secs(b.now() - converged_at);
    progress("bootstrap", b);
  }

  // The measured cluster starts converged: nodes 0..n-1 know each other;
  // the newcomer stays idle until its join.
  SimCluster c(n + 1, spec.seed);
  const swim::Config& cfg = c.memberlist(0).config();
  r.gossip_interval_s = secs(cfg.gossip_interval);
  r.probe_interval_s = secs(cfg.probe_interval);
  c.start_converged(n);  // the newcomer stays idle
  // Each node's own alive from its start drains; then a few quiet seconds.
  c.wait_until(
      [&] {
        for (std::size_t i = 0; i < n; ++i) {
          if (c.memberlist(i).queued_broadcasts() > 0) return false;
        }
        return true;
      },
      seconds(60));
  c.run_for(seconds(5));
  progress("converged start", c);

  // The measured period starts when the loss is set.
  c.set_loss(spec.loss);
  const TimePoint t0 = c.now();
  const std::size_t false0 = c.false_failures();
  const Traffic before = traffic(c, n);

  // (1a) Node 1 changes its metadata (a tag update): a bumped incarnation.
  auto& up = static_cast<sim::MemberlistNode&>(c.member(updater));
  up.meta = Bytes{'r', 'o', 'l', 'e', '=', 'b', 'e', 'n', 'c', 'h'};
  bool updated = false;
  c.net().call(static_cast<sim::NodeId>(updater),
               [&](sim::SimNode&, TimePoint now) { updated = up.memberlist().update_meta(now).ok(); });
  if (updated) {
    const std::uint32_t inc = up.incarnation();
    r.tag_update = wait_known(
        c, updater, [&](std::size_t i) { return c.incarnation_of(i, updater).value_or(0) >= inc; }, limit);
    progress("tag update everywhere", c, r.tag_update);
  }

  // (1b) One new node joins through node 2. A node knows of the join when
  // it holds the newcomer as a live member, alive or suspect: under heavy
  // loss some node always suspects any given member, so "alive at every
  // node at once" would measure false suspicions, not the join.
  c.join(newcomer, 2);
  r.join = wait_known(
      c, newcomer,
      [&](std::size_t i) {
        const auto st = c.state_of(i, newcomer);
        return st == NodeState::alive || st == NodeState::suspect;
      },
      limit);
  progress("join everywhere", c, r.join);

  // (2) A node crashes: the first from node 3 on that every live node sees
  // alive, so that a suspicion already under way (under loss) is not taken
  // for the detection of the crash.
  std::size_t victim = 3;
  for (std::size_t v = 3; v < n; ++v) {
    bool clear = true;
    for (std::size_t i = 0; i < c.size() && clear; ++i) {
      if (i != v && c.is_live(i) && c.state_of(i, v) != NodeState::alive) clear = false;
    }
    if (clear) {
      victim = v;
      break;
    }
  }
  r.victim = victim;
  const TimePoint killed_at = c.now();
  c.kill(victim);
  auto sees = [&](NodeState s) {
    return [&c, s, victim](std::size_t i) {
      const auto st = c.state_of(i, victim);
      return st.has_value() && *st >= s && *st != NodeState::left;
    };
  };
  r.first_suspect = wait_any(c, victim, sees(NodeState::suspect), killed_at, limit);
  r.first_dead = wait_any(c, victim, sees(NodeState::dead), killed_at, limit);
  {
    const Timed rest = wait_known(
        c, victim, [&](std::size_t i) { return c.state_of(i, victim) == NodeState::dead; }, limit);
    r.dead_everywhere = rest;
    if (rest.seconds) r.dead_everywhere.seconds = secs(c.now() - killed_at);
    progress("dead everywhere", c, r.dead_everywhere);
  }

  // Steady state: the loss keeps running, with nothing else happening.
  const double steady_s = spec.steady_s > 0 ? spec.steady_s : (spec.quick ? 20.0 : 60.0);
  c.run_for(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(steady_s)));

  progress("steady state", c);
  r.false_failures = c.false_failures({victim}) - false0;
  r.measured_virtual_s = secs(c.now() - t0);
  const Traffic after = traffic(c, n);
  const double node_s = static_cast<double>(n) * r.measured_virtual_s;
  r.udp_bytes_per_node_s = static_cast<double>(after.udp_bytes - before.udp_bytes) / node_s;
  r.udp_packets_per_node_s = static_cast<double>(after.udp_packets - before.udp_packets) / node_s;
  r.tcp_bytes_per_node_s = static_cast<double>(after.tcp_bytes - before.tcp_bytes) / node_s;

  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  r.sim_speed = wall > 0 ? secs(c.elapsed()) / wall : 0;
  r.peak_rss_kib = peak_rss_kib();
  return r;
}

}  // namespace wkd::bench
