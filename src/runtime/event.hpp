// Events handed to watches: member changes (with the snapshot they belong
// to) and user events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "runtime/services.hpp"
#include "runtime/view.hpp"

namespace wkd::runtime {

// Values equal the C API's wkd_event_type.
enum class EventType : std::uint8_t {
  member_joined = 0,
  member_updated = 1,
  member_suspect = 2,
  member_failed = 3,
  member_left = 4,
  member_reaped = 5,
  user = 6,
  overflow = 7,
  // Instances of the registry (service watches).
  instance_registered = 8,
  instance_updated = 9,
  instance_status = 10,
  instance_deregistered = 11,
  instance_removed = 12,  // dropped: its owner failed long ago, or was reaped
  instance_moved = 13,    // another node took it over
};

struct Event {
  EventType type = EventType::member_joined;
  // The version of the View this event belongs to: a member event's change
  // is in that View and in no older one; a user event came after every
  // change of that View. A consumer that resynchronises from a snapshot
  // skips the queued events whose version the snapshot already holds.
  std::uint64_t version = 0;
  // Member events: the member's record as it is after the change (as it
  // was, for reaped) and when it was last seen.
  MemberRecord member;
  std::int64_t last_seen_unix_ms = 0;
  // Instance events: the record after the change (as it was, for removed)
  // and before it (null when new to this node).
  InstanceRecord instance;
  InstanceRecord previous_instance;
  // User events.
  std::string name;
  Bytes payload;
  std::uint64_t ltime = 0;
  bool coalesce = false;
};

using EventPtr = std::shared_ptr<const Event>;

}  // namespace wkd::runtime
