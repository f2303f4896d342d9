// Lifeguard's suspicion timeout (Dadgar et al., "Lifeguard: Local Health
// Awareness for More Accurate Failure Detection", §3.2; memberlist
// suspicion.go).
//
// A suspected member is declared dead when its suspicion timer fires. The
// timer starts at `max` and is shortened towards `min` as k independent
// members confirm the suspicion:
//
//     timeout(c) = max - (log(c + 1) / log(k + 1)) * (max - min)
//
// floored to milliseconds and never below min, where c is the number of
// confirmations so far. With k = SuspicionMult - 2 expected confirmations
// (0 in clusters too small to give them), the nominal timeout is reached
// two probe periods before min * SuspicionMult would be. The base timeout
// is min = SuspicionMult * max(1, log10(n)) * ProbeInterval.
#pragma once

#include <cstddef>
#include <set>
#include <string>

#include "common/time.hpp"

namespace wkd::swim {

// min = suspicion_mult * max(1, log10(max(1, n))) * probe_interval, with the
// node scale truncated to 1/1000 as memberlist does.
Duration suspicion_timeout(int suspicion_mult, std::size_t n, Duration probe_interval) noexcept;

// Time left after `elapsed` with `confirmations` of `k` expected.
Duration remaining_suspicion_time(int confirmations, int k, Duration elapsed, Duration min, Duration max) noexcept;

class Suspicion {
 public:
  // `from` (the first accuser) never counts as a confirmation.
  Suspicion(std::string from, int k, Duration min, Duration max, TimePoint start);

  // Records a confirmation; true if it was new (and should be re-gossiped).
  bool confirm(const std::string& from);

  // When the suspicion expires given the confirmations so far.
  TimePoint deadline() const noexcept;
  int confirmations() const noexcept { return n_; }
  int expected() const noexcept { return k_; }
  Duration max_timeout() const noexcept { return max_; }

 private:
  int k_;
  int n_ = 0;
  Duration min_;
  Duration max_;
  TimePoint start_;
  std::set<std::string> confirmers_;
};

// Local health awareness (Lifeguard §3.1, memberlist awareness.go): a score
// in [0, max - 1] that scales probe deadlines by (score + 1).
class Awareness {
 public:
  explicit Awareness(int max) noexcept : max_(max) {}
  void apply_delta(int delta) noexcept {
    score_ += delta;
    if (score_ < 0) score_ = 0;
    if (score_ > max_ - 1) score_ = max_ - 1;
  }
  int score() const noexcept { return score_; }
  Duration scale(Duration d) const noexcept { return d * (score_ + 1); }

 private:
  int max_;
  int score_ = 0;
};

}  // namespace wkd::swim
