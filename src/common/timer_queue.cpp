#include "common/timer_queue.hpp"

#include <algorithm>
#include <utility>

namespace wkd {

namespace {

constexpr std::uint32_t slot_of(TimerQueue::Id id) noexcept { return static_cast<std::uint32_t>(id); }
constexpr std::uint32_t gen_of(TimerQueue::Id id) noexcept { return static_cast<std::uint32_t>(id >> 32); }

// Below this many heap entries stale ones are left to reach the top.
constexpr std::size_t kCompactFloor = 64;

}  // namespace

TimerQueue::Id TimerQueue::schedule(TimePoint when, Fn fn) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.live = true;
  ++live_;
  heap_.push_back(Entry{when, seq_++, slot, s.gen});
  std::push_heap(heap_.begin(), heap_.end(), later);
  return (static_cast<Id>(s.gen) << 32) | slot;
}

const TimerQueue::Slot* TimerQueue::live_slot(Id id) const noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot >= slots_.size()) return nullptr;
  const Slot& s = slots_[slot];
  return s.live && s.gen == gen_of(id) ? &s : nullptr;
}

void TimerQueue::release(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.fn = nullptr;
  s.live = false;
  // Generation 0 is never handed out, so no id is ever 0.
  if (++s.gen == 0) s.gen = 1;
  free_.push_back(slot);
  --live_;
}

void TimerQueue::cancel(Id id) {
  if (live_slot(id) == nullptr) return;
  release(slot_of(id));
  // The heap entry stays until it reaches the top; when stale entries
  // outnumber live ones, they all go at once.
  if (heap_.size() > kCompactFloor && heap_.size() > 2 * live_) compact();
}

void TimerQueue::compact() {
  heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [this](const Entry& e) { return stale(e); }),
              heap_.end());
  std::make_heap(heap_.begin(), heap_.end(), later);
}

void TimerQueue::drop_stale_top() const {
  while (!heap_.empty() && stale(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

TimePoint TimerQueue::next() const {
  drop_stale_top();
  return heap_.empty() ? TimePoint::max() : heap_.front().when;
}

void TimerQueue::run_due(TimePoint now) {
  for (;;) {
    drop_stale_top();
    if (heap_.empty() || heap_.front().when > now) return;
    const std::uint32_t slot = heap_.front().slot;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    // The slot is free before the callback runs: it may schedule into it.
    Fn fn = std::move(slots_[slot].fn);
    release(slot);
    fn(now);
  }
}

void TimerQueue::clear() {
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].live) release(i);
  }
  heap_.clear();
}

}  // namespace wkd
