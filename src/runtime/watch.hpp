// A watch: which events it wants, and how they reach its consumer.
//
// Callback watches are invoked on the loop thread. Pulled watches keep a
// bounded queue: the loop pushes without ever blocking (when full, the
// oldest events are dropped and one overflow event is queued), and any
// thread pulls with a timeout. An eventfd is readable while the queue is
// not empty, so a consumer can poll it next to its own descriptors.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "common/time.hpp"
#include "registry/instance.hpp"
#include "runtime/event.hpp"

namespace wkd::runtime {

enum class WatchKind : std::uint8_t { members = 0, group = 1, service = 2, service_healthy = 3, user_events = 4 };

enum class PullResult : std::uint8_t { event, timeout, cancelled };

class Watch {
 public:
  using Callback = std::function<void(const Event&)>;

  Watch(WatchKind kind, std::string name, std::uint32_t flags, std::size_t capacity, Callback cb);
  ~Watch();
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  WatchKind kind() const noexcept { return kind_; }
  const std::string& name() const noexcept { return name_; }
  std::uint32_t flags() const noexcept { return flags_; }
  bool is_callback() const noexcept { return static_cast<bool>(cb_); }

  // Whether a member change concerns this watch; `was_in_group` tells if the
  // member belonged to the group in the previous snapshot.
  bool wants_member(const MemberView& m, bool was_in_group) const;
  bool wants_user(const std::string& event_name) const;
  // Whether an instance change concerns this watch: service watches take
  // every change of their service (every service when the name is empty);
  // service_healthy watches only those where the instance is or was
  // HEALTHY.
  bool wants_instance(const registry::Instance& now, const registry::Instance* before) const;

  // Loop thread: delivers an event (callback, or queue push).
  void deliver(const EventPtr& ev);

  // Any thread: waits up to `timeout` (negative = forever) for an event.
  PullResult pull(EventPtr* out, Duration timeout);

  // Readable while the queue is not empty; -1 for callback watches.
  int fd() const noexcept { return fd_; }

  // Stops deliveries and wakes a blocked pull. Idempotent.
  void cancel();
  bool cancelled() const;

  std::uint64_t dropped() const;

 private:
  void signal_locked();
  void drain_signal_locked();

  const WatchKind kind_;
  const std::string name_;
  const std::uint32_t flags_;
  const std::size_t capacity_;
  const Callback cb_;
  int fd_ = -1;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<EventPtr> queue_;
  bool overflow_pending_ = false;
  bool cancelled_ = false;
  bool signalled_ = false;
  std::uint64_t dropped_ = 0;
};

}  // namespace wkd::runtime
