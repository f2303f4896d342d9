// SimClock: the discrete-event scheduler every simulated test runs on.
//
// Virtual time only moves when the clock is told to run. Pending work sits in
// two binary heaps ordered by (time, sequence number):
//
//  - one-shot events: a small POD entry naming a Handler and two integers
//    (the network packs "deliver packet 17 from node 3 to node 5" into them,
//    so a packet costs one 40-byte heap slot and no allocation), or an
//    arbitrary callback kept in a side table that recycles its slots;
//  - Timers: re-armable wake-ups that keep their place in an indexed heap, so
//    re-arming after every call into a node is O(log n) and leaves no stale
//    entries behind. Each simulated node owns exactly one.
//
// step() takes the earliest entry of the two heaps, moves now() to its time
// and runs it. Ties are broken by the sequence number given when the entry
// was posted or armed, so events at one instant run in the order they were
// scheduled and a run is a pure function of its inputs and seed (the model of
// Tarantool's fakeev, with Tarantool's "run until the virtual clock reaches T"
// and "run until this holds" loops).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "common/time.hpp"

namespace wkd::sim {

class SimClock {
 public:
  // Receives events posted with post(at, handler, a, b).
  class Handler {
   public:
    virtual void on_sim_event(std::uint64_t a, std::uint64_t b) = 0;

   protected:
    ~Handler() = default;
  };

  using Callback = std::function<void()>;

  // A re-armable wake-up. Arming an armed timer moves it. The callback is
  // stored once, so firing costs no allocation. Must not outlive the clock.
  class Timer {
   public:
    Timer(SimClock& clock, Callback fire) : clock_(&clock), fire_(std::move(fire)) {}
    ~Timer() { disarm(); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    // Fires at `at`, or at once (after what is already due now) when `at` is
    // in the past.
    void arm(TimePoint at);
    void disarm();
    bool armed() const noexcept { return pos_ != kNotQueued; }
    TimePoint when() const noexcept { return at_; }

   private:
    friend class SimClock;
    static constexpr std::size_t kNotQueued = std::numeric_limits<std::size_t>::max();
    SimClock* clock_;
    Callback fire_;
    TimePoint at_{};
    std::uint64_t seq_ = 0;
    std::size_t pos_ = kNotQueued;
  };

  explicit SimClock(TimePoint start = TimePoint{}) : now_(start) {}
  SimClock(const SimClock&) = delete;
  SimClock& operator=(const SimClock&) = delete;

  TimePoint now() const noexcept { return now_; }

  // One-shot events. A time in the past runs at now(), after what is queued.
  void post(TimePoint at, Handler& handler, std::uint64_t a, std::uint64_t b);
  void post(TimePoint at, Callback fn);
  void post_after(Duration d, Callback fn) { post(now_ + d, std::move(fn)); }

  // Runs the earliest pending entry; false when nothing is pending.
  bool step();

  // Runs everything due at or before `t`, then sets now() to `t` (if later).
  // Returns the number of entries run.
  std::size_t run_until_time(TimePoint t);
  std::size_t run_for(Duration d) { return run_until_time(now_ + d); }

  // Runs until pred() holds or `limit` of virtual time has passed; returns
  // pred() at the end. pred is checked before the first event, then after
  // all events of each instant (poll == 0) or every `poll` of virtual time.
  // On success now() is the instant pred became true (to within `poll`).
  bool run_until(const std::function<bool()>& pred, Duration limit, Duration poll = Duration::zero());

  // Time of the earliest pending entry; TimePoint::max() when idle.
  TimePoint next_time() const noexcept;
  std::size_t pending() const noexcept { return events_.size() + timers_.size(); }
  std::uint64_t entries_run() const noexcept { return entries_run_; }

 private:
  struct Entry {
    TimePoint at;
    std::uint64_t seq;
    Handler* handler;  // nullptr: `a` indexes callbacks_
    std::uint64_t a;
    std::uint64_t b;
  };
  struct Later {
    bool operator()(const Entry& x, const Entry& y) const noexcept {
      return x.at != y.at ? x.at > y.at : x.seq > y.seq;
    }
  };

  static bool timer_before(const Timer* x, const Timer* y) noexcept {
    return x->at_ != y->at_ ? x->at_ < y->at_ : x->seq_ < y->seq_;
  }
  void timer_insert(Timer& t);
  void timer_remove(Timer& t);
  void timer_sift_up(std::size_t i);
  void timer_sift_down(std::size_t i);
  void timer_place(std::size_t i, Timer* t) {
    timers_[i] = t;
    t->pos_ = i;
  }

  TimePoint now_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t entries_run_ = 0;
  std::vector<Entry> events_;   // min-heap by (at, seq) through Later
  std::vector<Timer*> timers_;  // indexed min-heap by (at_, seq_)
  std::vector<Callback> callbacks_;
  std::vector<std::uint64_t> free_callbacks_;
};

}  // namespace wkd::sim
