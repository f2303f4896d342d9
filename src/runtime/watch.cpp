#include "runtime/watch.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace wkd::runtime {

Watch::Watch(WatchKind kind, std::string name, std::uint32_t flags, std::size_t capacity, Callback cb)
    : kind_(kind), name_(std::move(name)), flags_(flags), capacity_(std::max<std::size_t>(capacity, 2)),
      cb_(std::move(cb)) {
  if (!cb_) fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Watch::~Watch() {
  if (fd_ >= 0) ::close(fd_);
}

bool Watch::wants_member(const MemberView& m, bool was_in_group) const {
  switch (kind_) {
    case WatchKind::members:
      return true;
    case WatchKind::group:
      return was_in_group || m.in_group(name_);
    default:
      return false;
  }
}

bool Watch::wants_user(const std::string& event_name) const {
  return kind_ == WatchKind::user_events && (name_.empty() || name_ == event_name);
}

bool Watch::wants_instance(const registry::Instance& now, const registry::Instance* before) const {
  if (kind_ != WatchKind::service && kind_ != WatchKind::service_healthy) return false;
  if (!name_.empty() && name_ != now.service) return false;
  if (kind_ == WatchKind::service) return true;
  const auto healthy = [](const registry::Instance* in) {
    return in != nullptr && in->status == registry::InstanceStatus::healthy;
  };
  return healthy(&now) || healthy(before);
}

void Watch::signal_locked() {
  if (signalled_ || fd_ < 0) return;
  const std::uint64_t one = 1;
  if (::write(fd_, &one, sizeof(one)) == sizeof(one)) signalled_ = true;
}

void Watch::drain_signal_locked() {
  if (!signalled_ || fd_ < 0) return;
  std::uint64_t v;
  if (::read(fd_, &v, sizeof(v)) == sizeof(v)) signalled_ = false;
}

void Watch::deliver(const EventPtr& ev) {
  if (cb_) {
    if (!cancelled()) cb_(*ev);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_) return;
  // Full: drop the oldest real events and put one overflow marker first,
  // so the consumer learns it must resynchronise.
  auto drop_oldest = [&] {
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [](const EventPtr& e) { return e->type != EventType::overflow; });
    if (it == queue_.end()) return;
    queue_.erase(it);
    ++dropped_;
  };
  if (queue_.size() >= capacity_) {
    drop_oldest();
    if (!overflow_pending_) {
      auto marker = std::make_shared<Event>();
      marker->type = EventType::overflow;
      // The version of the event that overflowed the queue: a snapshot
      // taken after this marker is at least as new.
      marker->version = ev->version;
      queue_.push_front(std::move(marker));
      overflow_pending_ = true;
      if (queue_.size() >= capacity_) drop_oldest();
    }
  }
  queue_.push_back(ev);
  signal_locked();
  cv_.notify_one();
}

PullResult Watch::pull(EventPtr* out, Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [&] { return !queue_.empty() || cancelled_; };
  if (timeout < Duration::zero()) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_for(lock, timeout, ready)) {
    return PullResult::timeout;
  }
  if (queue_.empty()) return PullResult::cancelled;
  *out = std::move(queue_.front());
  queue_.pop_front();
  if ((*out)->type == EventType::overflow) overflow_pending_ = false;
  if (queue_.empty()) drain_signal_locked();
  return PullResult::event;
}

void Watch::cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  // Readable so a poller wakes up and sees the cancellation.
  signal_locked();
  cv_.notify_all();
}

bool Watch::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

std::uint64_t Watch::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace wkd::runtime
