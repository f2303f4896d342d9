// run_churn(): sustained status churn on a settled registry cluster.
//
// For each rate (10, 30, 100, 300, 1000, 3000, 10000 changes per second
// cluster-wide), for `window` of virtual time, every 10 ms the due number
// of changes is made: node o (round robin over the nodes) flips its
// instance 0 between HEALTHY and UNHEALTHY by a passing or critical check.
// A change has reached a node when the node holds that record at the
// change's version or a later one (a later flip of the same record
// supersedes it, as the gossip queue's one slot per record intends). The
// step holds when every change reached every node within the limit and 99 %
// of them within twice the time a flip of such a record takes alone (the
// slowest of ten isolated flips, measured first); the steps stop after the
// first that does not hold. Node 2 is left out: its instance 0 carries the
// row's bigger metadata.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "registry_rows.hpp"

namespace wkd::bench {
namespace {

double secs(Duration d) { return std::chrono::duration<double>(d).count(); }

struct Pending {
  registry::InstanceKey key;
  std::uint64_t version = 0;
  TimePoint at{};
  std::size_t cursor = 0;  // nodes before it hold the change
};

// Advances p's cursor over the nodes holding the change; true when all do.
bool reached_all(RegCluster& rc, Pending& p) {
  const std::size_t n = rc.nodes();
  while (p.cursor < n) {
    const auto* rec = rc.replica(p.cursor).store().find(p.key);
    if (rec == nullptr || rec->record_version < p.version) return false;
    ++p.cursor;
  }
  return true;
}

ChurnStep run_step(RegCluster& rc, double rate, Duration window, double bound_s, std::vector<bool>& healthy,
                   std::size_t& next_owner) {
  ChurnStep step;
  step.rate = rate;
  const std::size_t n = rc.nodes();
  std::vector<Pending> pending;
  std::vector<double> latencies;
  const TimePoint start = rc.sim().now();
  const Duration tick = milliseconds(10);
  double due = 0;
  auto check = [&] {
    std::erase_if(pending, [&](Pending& p) {
      if (!reached_all(rc, p)) return false;
      latencies.push_back(secs(rc.sim().now() - p.at));
      return true;
    });
  };
  while (rc.sim().now() - start < window) {
    due += rate * secs(tick);
    for (; due >= 1.0; due -= 1.0) {
      const std::size_t o = next_owner;
      next_owner = (next_owner + 1) % n;
      if (next_owner == 2) next_owner = 3;
      const auto key = bench_key(o, 0);
      const auto check_state = healthy[o] ? registry::CheckState::critical : registry::CheckState::passing;
      rc.act(o, [&](registry::Replica& rep, const registry::Now& now) {
        auto res = rep.apply_check(now, key, check_state);
        if (res.ok()) pending.push_back(Pending{key, res->record_version, now.mono, 0});
      });
      healthy[o] = !healthy[o];
      ++step.changes;
    }
    rc.run_for(tick);
    check();
  }
  const Duration limit = seconds(std::max<long>(30, static_cast<long>(std::ceil(bound_s * 5))));
  rc.wait_until(
      [&] {
        check();
        return pending.empty();
      },
      limit);
  step.reached = latencies.size();
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    step.max_s = latencies.back();
    step.p99_s = latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(latencies.size() * 0.99))];
  }
  step.holds = pending.empty() && step.p99_s <= bound_s;
  return step;
}

// Flips alone: nodes 3 to 12 each flip their instance 0 (STARTING to
// HEALTHY), one at a time, 2 s apart; the slowest one's time until every
// node held it. One sample would be luck: a flip the eager push takes
// everywhere is done in tens of milliseconds, one whose push misses a node
// waits for a gossip round or more.
std::optional<double> single_flips(RegCluster& rc, std::vector<bool>& healthy) {
  double worst = 0;
  for (std::size_t o = 3; o < std::min<std::size_t>(13, rc.nodes()); ++o) {
    Pending p{bench_key(o, 0), 0, rc.sim().now(), 0};
    rc.act(o, [&](registry::Replica& rep, const registry::Now& now) {
      auto res = rep.apply_check(now, p.key, registry::CheckState::passing);
      if (res.ok()) p.version = res->record_version;
    });
    healthy[o] = true;
    if (!rc.wait_until([&] { return reached_all(rc, p); }, seconds(60))) return std::nullopt;
    worst = std::max(worst, secs(rc.sim().now() - p.at));
    rc.run_for(std::max(Duration::zero(), p.at + seconds(2) - rc.sim().now()));
  }
  return worst;
}

}  // namespace

ChurnResult run_churn(RegCluster& rc, bool quick) {
  ChurnResult out;
  std::vector<ChurnStep>& steps = out.steps;
  const std::size_t n = rc.nodes();
  // Where each node's instance 0 stands (STARTING: a passing check turns
  // it HEALTHY, a change all the same).
  std::vector<bool> healthy(n, false);
  const auto single = single_flips(rc, healthy);
  if (!single) return out;
  out.single_s = *single;
  rc.run_for(seconds(10));
  const double single_s = *single;
  std::size_t next_owner = 0;
  const Duration window = quick ? seconds(3) : seconds(5);
  for (double rate : {10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0}) {
    const auto wall0 = std::chrono::steady_clock::now();
    steps.push_back(run_step(rc, rate, window, 2 * single_s, healthy, next_owner));
    const ChurnStep& s = steps.back();
    std::fprintf(stderr, "  churn %.0f/s: %zu of %zu changes everywhere, p99 %.2f s, max %.2f s (bound %.2f s): %s "
                 "(wall %.1f s)\n", s.rate, s.reached, s.changes, s.p99_s, s.max_s, 2 * single_s,
                 s.holds ? "holds" : "does not hold",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
    if (!s.holds) break;
    rc.run_for(seconds(10));  // the queues drain before the next step
  }
  return out;
}

}  // namespace wkd::bench
