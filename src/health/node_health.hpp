// The node's own health as its checks see it, and the limits of the
// self-healing actions: the pure halves of both.
//
// A node advertises one `health` tag, and every change of it is a member
// update on every peer (Serf agents included). The checks that drive it
// by default are the node's own (Checker::add_node_check); the states of
// its instances' checks may be fed in as well, but only through a
// Hysteresis, so that an instance flapping between passing and critical
// leaves the node's tag alone: a new state counts once it has held for
// the hold-down time, and a recovery likewise.
//
// A self-healing action runs when an instance turns critical; HealLimiter
// keeps a flapping instance from running it in a loop: at most one action
// per instance per interval, and at most a number per minute overall.
//
// Pure: time comes with every call.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "common/time.hpp"
#include "health/check.hpp"
#include "registry/instance.hpp"
#include "registry/status.hpp"

namespace wkd::health {

using registry::CheckState;

// A state that changes only once its input has held a new value for the
// hold-down time. An input that moves again before then (back to the
// output, or to a third state) starts the wait over, so an input that
// changes more often than the hold never moves the output.
class Hysteresis {
 public:
  explicit Hysteresis(Duration hold, CheckState initial = CheckState::passing) noexcept
      : hold_(hold), out_(initial) {}

  // The input as it is from `now` on; returns the output.
  CheckState input(TimePoint now, CheckState s) noexcept;
  // Lets a pending input that has held long enough become the output.
  CheckState on_timer(TimePoint now) noexcept;
  // When the pending input would take over; TimePoint::max() when none.
  TimePoint next_deadline() const noexcept;

  CheckState output() const noexcept { return out_; }
  std::optional<CheckState> pending() const noexcept { return pending_; }
  Duration hold() const noexcept { return hold_; }

 private:
  Duration hold_;
  CheckState out_;
  std::optional<CheckState> pending_;
  TimePoint since_{};
};

struct HealLimits {
  Duration per_instance = std::chrono::seconds(60);  // one action per instance per this
  std::uint32_t per_minute = 10;                       // actions per minute, all instances
};

struct HealStats {
  std::uint64_t allowed = 0;
  std::uint64_t limited_instance = 0;  // refused: the instance's interval
  std::uint64_t limited_global = 0;    // refused: the per-minute cap
};

// Decides whether a self-healing action may run now.
class HealLimiter {
 public:
  explicit HealLimiter(HealLimits limits) noexcept : limits_(limits) {}

  // True (and counted) when an action for `instance` may run at `now`:
  // none ran for it within the interval and fewer than the cap ran in the
  // last minute.
  bool allow(TimePoint now, const registry::InstanceKey& instance);

  const HealLimits& limits() const noexcept { return limits_; }
  const HealStats& stats() const noexcept { return stats_; }
  // Instances whose interval is still running (the memory the limiter holds).
  std::size_t tracked() const noexcept { return last_.size(); }

 private:
  HealLimits limits_;
  HealStats stats_;
  std::map<registry::InstanceKey, TimePoint> last_;
  std::deque<TimePoint> window_;  // the actions of the last minute
};

}  // namespace wkd::health
