// Serf's convergence model, the comparison point of the bench's
// dissemination figures (README.md, "Comparison points").
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>

namespace wkd::bench {

// The serf.io "Gossip Protocol" convergence simulator: after x rounds a
// fraction 1 / (1 + (n+1) e^(-c x)) of the nodes knows, c = fanout *
// (1 - loss) * 0.5; the first whole round at which 99.99 % know, in
// seconds of `gossip_interval_s`. For 200 ms gossip and fanout 3 this gives
// Serf's published 2.2 s at 1k and 2.6 s at 10k nodes, 4.4 s and 5.0 s at
// 50 % loss. nullopt: never (total loss).
inline std::optional<double> serf_model_rounds(std::size_t n, double loss) {
  constexpr double kFanout = 3.0, kKnown = 0.9999;
  const double c = kFanout * (1.0 - loss) * 0.5;
  if (c <= 0) return std::nullopt;
  return std::ceil(std::log((static_cast<double>(n) + 1.0) * kKnown / (1.0 - kKnown)) / c);
}

}  // namespace wkd::bench
