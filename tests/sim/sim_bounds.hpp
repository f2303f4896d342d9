// Time bounds the scenarios assert, derived from the configuration the way
// memberlist and serf derive their timers, so that a limit in a test is the
// protocol's own bound and not a guess.
//
// Why a cluster formed by a simultaneous join needs push/pull. Each alive
// message is sent only RetransmitMult * ceil(log10(n + 1)) times (4 up to 9
// nodes at LAN settings) by each node that relays it, to random members
// that relay knows at that moment (docs/wire.md §9.5), and while everyone
// joins at once the relays know only part of the cluster. So gossip can die
// out before reaching some node, which then learns the missing members only
// from anti-entropy: its own first periodic push/pull (memberlist
// pushPullTrigger: a random stagger below the interval, then one interval
// scaled for the cluster size), or a peer's push/pull with it. Even without
// loss some seeds need that long (e.g. WKD_SIM_SEED=6: 8 serf nodes, n3
// still misses three members 30 s after the join). News sent later (a tag
// change, a leave intent) can be missed the same way, less often.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "common/time.hpp"
#include "swim/config.hpp"

namespace wkd::sim {

// memberlist pushPullScale (util.go, docs/wire.md §9.6): the push/pull
// interval as is up to 32 nodes, then times ceil(log2(n) - log2(32)) + 1.
inline Duration push_pull_scale(Duration interval, std::size_t n) {
  constexpr double kThreshold = 32;
  if (static_cast<double>(n) <= kThreshold) return interval;
  const double multiplier = std::ceil(std::log2(static_cast<double>(n)) - std::log2(kThreshold)) + 1.0;
  return Duration(static_cast<Duration::rep>(multiplier) * interval.count());
}

// The latest a node's first periodic push/pull can come after it starts: a
// random stagger below push_pull_interval, then one interval scaled for
// the size (bounded here with the final cluster size n).
inline Duration first_push_pull_bound(const swim::Config& cfg, std::size_t n) {
  return cfg.push_pull_interval + push_pull_scale(cfg.push_pull_interval, n);
}

// How long news a node missed (an alive, a tag change, an event, a leave
// intent) may take to reach it by anti-entropy, from `elapsed` after every
// node started: each node's next push/pull comes by first_push_pull_bound
// after its start, and then every scaled interval; plus one scaled interval
// as margin, for a node whose push/pull partner had missed the same news.
inline Duration anti_entropy_limit(const swim::Config& cfg, std::size_t n, Duration elapsed) {
  const Duration scaled = push_pull_scale(cfg.push_pull_interval, n);
  return std::max(first_push_pull_bound(cfg, n) - elapsed, scaled) + scaled;
}

// The convergence limit of a cluster formed by a simultaneous join: 60 s +
// 30 s at LAN settings up to 32 nodes.
inline Duration join_converge_limit(const swim::Config& cfg, std::size_t n) {
  return anti_entropy_limit(cfg, n, Duration::zero());
}

// How long until every node has a crashed member dead: a node reaches it
// within one probe round (every member once per round, n probe intervals),
// suspects it, and declares it dead at the latest after the maximum
// suspicion timeout (SuspicionMaxTimeoutMult * SuspicionMult *
// max(1, log10(n)) probe intervals, docs/wire.md §9.4) plus one probe
// interval for wkd's check before declaring (Config::verify_before_dead);
// then ten gossip intervals for the dead message to reach the rest (each
// node probes the member itself too, so this is margin). Assumes healthy
// probers (no Lifeguard slow-down) and a lossless network.
inline Duration failure_detection_limit(const swim::Config& cfg, std::size_t n) {
  const double scale = std::max(1.0, std::log10(static_cast<double>(n)));
  const auto max_suspicion = static_cast<Duration::rep>(cfg.suspicion_max_timeout_mult * cfg.suspicion_mult * scale *
                                                        static_cast<double>(cfg.probe_interval.count()));
  return static_cast<Duration::rep>(n + 1) * cfg.probe_interval + Duration(max_suspicion) + cfg.gossip_interval * 10;
}

}  // namespace wkd::sim
