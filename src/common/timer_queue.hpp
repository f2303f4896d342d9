// Timers of a pure engine, kept by the engine itself.
//
// An engine never asks a runtime for individual timers: it schedules
// callbacks here, and the runtime calls run_due(now) whenever next() comes
// (one OS timer per node, or one simulator event). Timers due at the same
// instant run in the order they were scheduled, which keeps simulations
// deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <utility>

#include "common/time.hpp"

namespace wkd {

class TimerQueue {
 public:
  using Id = std::uint64_t;
  using Fn = std::function<void(TimePoint now)>;

  // Schedules fn at `when`; returns an id for cancel(). Never returns 0.
  Id schedule(TimePoint when, Fn fn) {
    const Id id = next_id_++;
    queue_.emplace(Key{when, id}, std::move(fn));
    when_.emplace(id, when);
    return id;
  }

  // Cancels a pending timer; unknown, fired and 0 ids are ignored.
  void cancel(Id id) {
    auto it = when_.find(id);
    if (it == when_.end()) return;
    queue_.erase(Key{it->second, id});
    when_.erase(it);
  }

  bool pending(Id id) const { return when_.count(id) != 0; }

  // Earliest deadline; TimePoint::max() when empty.
  TimePoint next() const { return queue_.empty() ? TimePoint::max() : queue_.begin()->first.first; }

  // Runs every timer due at or before now, including ones scheduled by
  // those callbacks when they are due too.
  void run_due(TimePoint now) {
    while (!queue_.empty() && queue_.begin()->first.first <= now) {
      auto node = queue_.extract(queue_.begin());
      when_.erase(node.key().second);
      node.mapped()(now);
    }
  }

  std::size_t size() const { return queue_.size(); }
  void clear() {
    queue_.clear();
    when_.clear();
  }

 private:
  using Key = std::pair<TimePoint, Id>;
  std::map<Key, Fn> queue_;
  std::unordered_map<Id, TimePoint> when_;
  Id next_id_ = 1;
};

}  // namespace wkd
