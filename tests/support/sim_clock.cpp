#include "support/sim_clock.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace wkd::sim {

// ---- timers: an indexed binary heap ---------------------------------------

void SimClock::Timer::arm(TimePoint at) {
  SimClock& c = *clock_;
  if (at < c.now_) at = c.now_;
  if (armed()) {
    if (at == at_) return;  // unchanged: keep its place among equals
    c.timer_remove(*this);
  }
  at_ = at;
  seq_ = c.next_seq_++;
  c.timer_insert(*this);
}

void SimClock::Timer::disarm() {
  if (armed()) clock_->timer_remove(*this);
}

void SimClock::timer_insert(Timer& t) {
  timers_.push_back(&t);
  t.pos_ = timers_.size() - 1;
  timer_sift_up(t.pos_);
}

void SimClock::timer_remove(Timer& t) {
  const std::size_t i = t.pos_;
  assert(i < timers_.size() && timers_[i] == &t);
  t.pos_ = Timer::kNotQueued;
  Timer* last = timers_.back();
  timers_.pop_back();
  if (i == timers_.size()) return;  // it was the last slot
  timer_place(i, last);
  timer_sift_up(i);
  timer_sift_down(last->pos_);
}

void SimClock::timer_sift_up(std::size_t i) {
  Timer* t = timers_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!timer_before(t, timers_[parent])) break;
    timer_place(i, timers_[parent]);
    i = parent;
  }
  timer_place(i, t);
}

void SimClock::timer_sift_down(std::size_t i) {
  Timer* t = timers_[i];
  const std::size_t n = timers_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && timer_before(timers_[child + 1], timers_[child])) ++child;
    if (!timer_before(timers_[child], t)) break;
    timer_place(i, timers_[child]);
    i = child;
  }
  timer_place(i, t);
}

// ---- one-shot events ------------------------------------------------------

void SimClock::post(TimePoint at, Handler& handler, std::uint64_t a, std::uint64_t b) {
  events_.push_back(Entry{std::max(at, now_), next_seq_++, &handler, a, b});
  std::push_heap(events_.begin(), events_.end(), Later{});
}

void SimClock::post(TimePoint at, Callback fn) {
  std::uint64_t slot;
  if (free_callbacks_.empty()) {
    slot = callbacks_.size();
    callbacks_.push_back(std::move(fn));
  } else {
    slot = free_callbacks_.back();
    free_callbacks_.pop_back();
    callbacks_[slot] = std::move(fn);
  }
  events_.push_back(Entry{std::max(at, now_), next_seq_++, nullptr, slot, 0});
  std::push_heap(events_.begin(), events_.end(), Later{});
}

// ---- running --------------------------------------------------------------

TimePoint SimClock::next_time() const noexcept {
  TimePoint t = TimePoint::max();
  if (!events_.empty()) t = events_.front().at;
  if (!timers_.empty()) t = std::min(t, timers_.front()->at_);
  return t;
}

bool SimClock::step() {
  const bool have_event = !events_.empty();
  const bool have_timer = !timers_.empty();
  if (!have_event && !have_timer) return false;
  bool take_timer = have_timer;
  if (have_event && have_timer) {
    const Entry& e = events_.front();
    const Timer* t = timers_.front();
    take_timer = t->at_ != e.at ? t->at_ < e.at : t->seq_ < e.seq;
  }
  ++entries_run_;
  if (take_timer) {
    Timer* t = timers_.front();
    timer_remove(*t);
    now_ = t->at_;
    t->fire_();  // may re-arm t
    return true;
  }
  std::pop_heap(events_.begin(), events_.end(), Later{});
  const Entry e = events_.back();
  events_.pop_back();
  now_ = e.at;
  if (e.handler != nullptr) {
    e.handler->on_sim_event(e.a, e.b);
  } else {
    Callback fn = std::move(callbacks_[e.a]);
    callbacks_[e.a] = nullptr;
    free_callbacks_.push_back(e.a);
    fn();
  }
  return true;
}

std::size_t SimClock::run_until_time(TimePoint t) {
  std::size_t n = 0;
  while (next_time() <= t) {
    step();
    ++n;
  }
  if (t > now_) now_ = t;
  return n;
}

bool SimClock::run_until(const std::function<bool()>& pred, Duration limit, Duration poll) {
  const TimePoint deadline = now_ + limit;
  if (pred()) return true;
  while (now_ < deadline) {
    if (poll > Duration::zero()) {
      run_until_time(std::min(now_ + poll, deadline));
    } else {
      const TimePoint next = next_time();
      if (next > deadline) {
        now_ = deadline;
        break;
      }
      run_until_time(next);  // every entry of that instant
    }
    if (pred()) return true;
  }
  return pred();
}

}  // namespace wkd::sim
