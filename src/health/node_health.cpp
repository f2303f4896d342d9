#include "health/node_health.hpp"

namespace wkd::health {

CheckState Hysteresis::input(TimePoint now, CheckState s) noexcept {
  if (s == out_) {
    pending_.reset();
  } else if (pending_ != s) {
    pending_ = s;
    since_ = now;
  }
  return on_timer(now);
}

CheckState Hysteresis::on_timer(TimePoint now) noexcept {
  if (pending_ && now - since_ >= hold_) {
    out_ = *pending_;
    pending_.reset();
  }
  return out_;
}

TimePoint Hysteresis::next_deadline() const noexcept { return pending_ ? since_ + hold_ : TimePoint::max(); }

bool HealLimiter::allow(TimePoint now, const registry::InstanceKey& instance) {
  // What the intervals no longer hold goes first, so the memory stays the
  // size of the recent actions.
  for (auto it = last_.begin(); it != last_.end();) {
    it = now - it->second >= limits_.per_instance ? last_.erase(it) : std::next(it);
  }
  while (!window_.empty() && now - window_.front() >= std::chrono::minutes(1)) window_.pop_front();
  if (last_.count(instance) != 0) {
    ++stats_.limited_instance;
    return false;
  }
  if (window_.size() >= limits_.per_minute) {
    ++stats_.limited_global;
    return false;
  }
  last_[instance] = now;
  window_.push_back(now);
  ++stats_.allowed;
  return true;
}

}  // namespace wkd::health
