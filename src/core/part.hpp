// A pure part of a wkd node that runs beside the Serf layer inside the core
// (the service registry, the health-check scheduler): its timers and what
// it needs to hear of the cluster, on the core's one thread.
#pragma once

#include "common/time.hpp"
#include "serf/events.hpp"

namespace wkd::core {

class Part {
 public:
  virtual ~Part() = default;

  // For log lines and errors ("registry", "health").
  virtual const char* part_name() const noexcept = 0;
  // TimePoint::max() when nothing is due.
  virtual TimePoint next_deadline() const = 0;
  // Called at or after next_deadline(), never before.
  virtual void on_timer(TimePoint now) = 0;
  // A member of the cluster changed (serf's member events, in order).
  virtual void on_member_event(TimePoint, const serf::MemberEvent&) {}
};

}  // namespace wkd::core
