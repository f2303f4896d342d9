// Timers of a pure engine, kept by the engine itself.
//
// An engine never asks a runtime for individual timers: it schedules
// callbacks here, and the runtime calls run_due(now) whenever next() comes
// (one OS timer per node, or one simulator event). Timers due at the same
// instant run in the order they were scheduled, which keeps simulations
// deterministic.
//
// A node schedules and cancels several timers a second (each probe sets a
// timeout and a deadline, and an ack cancels both), so the queue allocates
// nothing once warm: callbacks live in a pool of reused slots, the order is
// a binary heap in one vector, and a cancel frees the slot at once and
// leaves its heap entry behind, stale, to be dropped when it reaches the
// top (or by a compaction when stale entries outnumber live ones).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/time.hpp"

namespace wkd {

class TimerQueue {
 public:
  // A slot index in the low 32 bits and the slot's generation, never 0, in
  // the high 32: an id stays unique after its timer fired or was cancelled.
  using Id = std::uint64_t;
  using Fn = std::function<void(TimePoint now)>;

  // Schedules fn at `when`; returns an id for cancel(). Never returns 0.
  Id schedule(TimePoint when, Fn fn);

  // Cancels a pending timer; unknown, fired and 0 ids are ignored.
  void cancel(Id id);

  bool pending(Id id) const noexcept { return live_slot(id) != nullptr; }

  // Earliest deadline of a pending timer; TimePoint::max() when none.
  TimePoint next() const;

  // Runs every timer due at or before now, including ones scheduled by
  // those callbacks when they are due too.
  void run_due(TimePoint now);

  // Pending timers.
  std::size_t size() const noexcept { return live_; }
  // Heap entries, stale ones included (for tests of the compaction bound).
  std::size_t heap_entries() const noexcept { return heap_.size(); }
  // Cancels every pending timer.
  void clear();

 private:
  struct Slot {
    Fn fn;
    std::uint32_t gen = 1;  // bumped when the slot is freed
    bool live = false;
  };
  struct Entry {
    TimePoint when;
    std::uint64_t seq;  // scheduling order, for ties
    std::uint32_t slot;
    std::uint32_t gen;
  };
  // The heap keeps the earliest (when, seq) at the front.
  static bool later(const Entry& a, const Entry& b) noexcept {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }

  const Slot* live_slot(Id id) const noexcept;
  bool stale(const Entry& e) const noexcept { return !slots_[e.slot].live || slots_[e.slot].gen != e.gen; }
  void release(std::uint32_t slot);
  void drop_stale_top() const;
  void compact();

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  // Mutable so that next() can drop stale entries from the top.
  mutable std::vector<Entry> heap_;
  std::uint64_t seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace wkd
