// Time bounds the scenarios assert, derived from the configuration the way
// memberlist and serf derive their timers, so that a limit in a test is the
// protocol's own bound and not a guess.
//
// Why a cluster formed by a simultaneous join needs push/pull. When every
// node joins through one seed at the same instant, the seed learns the
// others one by one, and each joiner's alive message is queued with a
// retransmit limit computed from the few members its senders knew at the
// time (RetransmitMult * ceil(log10(n + 1)), PROTOCOL.md §9.5). Gossip can
// therefore die out before it reaches a node that joined early, which then
// learns the missing members only from anti-entropy: its own first periodic
// push/pull (memberlist pushPullTrigger: a random stagger below the
// interval, then one interval scaled for the cluster size), or a peer's
// push/pull with it. Even without any loss, some seeds need that long
// (e.g. WKD_SIM_SEED=6: 8 serf nodes, n3 still misses three members 30 s
// after the join).
#pragma once

#include <cmath>
#include <cstddef>

#include "common/time.hpp"
#include "swim/config.hpp"

namespace wkd::sim {

// memberlist pushPullScale (util.go, PROTOCOL.md §9.6): the push/pull
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

// The convergence limit of a cluster formed by a simultaneous join: every
// node's first push/pull has happened (see above), plus one more scaled
// interval as margin, for a node whose first push/pull partner had missed
// the same alive messages.
inline Duration join_converge_limit(const swim::Config& cfg, std::size_t n) {
  return first_push_pull_bound(cfg, n) + push_pull_scale(cfg.push_pull_interval, n);
}

}  // namespace wkd::sim
