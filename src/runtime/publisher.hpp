// The publisher of one node: the versioned View every thread reads, the
// change list between two Views, and the one ordered path by which member
// changes and user events reach the watches.
//
// On the loop thread, after every settled entry into the core, the
// publisher brings the View up to date: a new View when members changed (at
// most one per kMinPublish: a burst of gossip costs one View), the counters
// always. Member changes are produced once, where they happen: the layers
// below report every change of a member's record, in order, as it happens
// (serf::EventSink::on_member_changed, and the member events), and the
// publisher rebuilds only those members' records (update_view). Debug
// builds check every such View against one built from the whole table. Each new View carries a version that only grows,
// across restarts too: it starts from the wall-clock milliseconds of the
// node's start and each View takes max(previous + 1, now in ms), so an
// index a client kept from before a restart never looks newer than the
// restarted node's Views.
//
// Order. The member changes of a View are dispatched, in the order they
// happened, when it is published. A user event first publishes any member change
// still pending, so it never overtakes a change that happened before it;
// it carries the version of the View current when it arrived.
//
// Watches are added either before the first View (they then hear every
// member from that View) or on the loop thread, where the snapshot they
// start with (WKD_WATCH_INITIAL) comes before any later change.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/core.hpp"
#include "registry/store.hpp"
#include "runtime/event.hpp"
#include "runtime/services.hpp"
#include "runtime/stats.hpp"
#include "runtime/view.hpp"
#include "runtime/watch.hpp"
#include "transport/driver.hpp"
#include "transport/timer.hpp"

struct uv_loop_s;

namespace wkd::runtime {

class Publisher {
 public:
  Publisher() = default;
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // ---- any thread ----
  std::shared_ptr<const View> view() const;
  NodeStats stats() const;

  enum class Added : std::uint8_t { now, on_loop, closed };
  // Adds w at once while no View exists yet (Added::now); otherwise the
  // caller must run add_on_loop(w) on the loop thread (Added::on_loop).
  // Added::closed: the publisher is closed and w is cancelled.
  Added try_add(const std::shared_ptr<Watch>& w);
  void remove(const std::shared_ptr<Watch>& w);
  // Cancels every watch; watches added later are cancelled at once.
  void close();

  // ---- loop thread ----
  // Starts publishing the tables of `core` with the counters of `driver`.
  void open(uv_loop_s* loop, const core::Core& core, const transport::Driver& driver, std::int64_t unix_now_ms);
  // Stops the timer and forgets core and driver (before they go).
  void shutdown();
  // The watch's snapshot of the current View, then later changes.
  void add_on_loop(const std::shared_ptr<Watch>& w);
  // After each settled entry into the core; `force` skips the coalescing.
  void settle(bool force);
  // The record of member `name` changed (the core reported it).
  void member_changed(std::string_view name);
  void user_event(const serf::UserEvent& e);
  // The registry changed (the store's change list, drained after an
  // entry): published with the next View.
  void registry_changed(registry::Changes changes);

 private:
  void publish_view(std::int64_t now_ms);
  void publish_stats();
  void dispatch(const std::vector<Change>& changes, std::uint64_t version);
  void dispatch_instances(const std::vector<InstanceEvent>& events, std::uint64_t version);
  std::shared_ptr<const ServicesView> next_services(const View* before, std::vector<InstanceEvent>& events);
  std::vector<std::shared_ptr<Watch>> watches() const;
  bool pending() const noexcept {
    return !touched_.empty() || !view_ || !registry_changes_.changes.empty() || registry_changes_.overflowed;
  }
  // Debug builds: `after` is what the whole table gives (see the top).
  void check_view(const View* before, const View& after, const std::vector<Change>& changes) const;

  mutable std::mutex mu_;  // guards view_, stats_, watches_, closed_
  std::shared_ptr<const View> view_;
  NodeStats stats_;
  std::vector<std::shared_ptr<Watch>> watches_;
  bool closed_ = false;

  // Loop-thread state.
  const core::Core* core_ = nullptr;
  const transport::Driver* driver_ = nullptr;
  std::unique_ptr<transport::Timer> timer_;  // the end of a coalescing window
  // Members whose records changed since the last View, in the order of
  // their first change, each once.
  std::vector<std::string> touched_;
  std::unordered_set<std::string> touched_set_;
  // Registry changes since the last View, in order.
  registry::Changes registry_changes_;
  std::uint64_t version_ = 0;
  std::int64_t last_publish_ms_ = 0;  // the latest new View
  std::int64_t last_seen_ms_ = 0;     // the latest last_seen update (new View or in place)
};

}  // namespace wkd::runtime
