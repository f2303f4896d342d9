// What the Serf layer tells its user (serf event.go; docs/wire.md §11.5-11.8).
//
// The layer calls an EventSink synchronously, on its one thread, from inside
// whichever call caused the event; the sink must not call back into the Serf
// instance (queue the event and act later). Member events carry a copy of the
// member as it is after the change. User events are delivered once per
// (LTime, name, payload), including the node's own events. Queries whose name
// does not start with "_serf_" go to on_query and may be answered with
// Serf::respond before their deadline.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/time.hpp"
#include "serf/lamport.hpp"
#include "serf/member.hpp"

namespace wkd::serf {

enum class MemberEventType : std::uint8_t { join, leave, failed, update, reap };

// "member-join", "member-leave", "member-failed", "member-update", "member-reap".
const char* member_event_name(MemberEventType t) noexcept;

struct MemberEvent {
  MemberEventType type = MemberEventType::join;
  Member member;
};

struct UserEvent {
  LamportTime ltime = 0;
  std::string name;
  Bytes payload;
  bool coalesce = false;
};

// A query received from the cluster (or sent by this node), as handed to the
// user; pass it back to Serf::respond to answer.
struct QueryEvent {
  LamportTime ltime = 0;
  std::uint32_t id = 0;
  std::string name;
  Bytes payload;
  std::string source_node;
  Address respond_to;           // the querier's Addr:Port
  std::uint8_t relay_factor = 0;
  TimePoint deadline{};         // receive time + the query's timeout
};

// The outcome of a name-conflict resolution about this node (§11.8).
struct ConflictReport {
  std::string other_addr;       // the address that claimed our name
  int responses = 0;            // conflict responses received
  int matching = 0;             // of which named our address
  bool minority = false;        // fewer than a majority agreed with us
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_member_event(const MemberEvent& e) = 0;
  // The record of member `name` changed, in serf's table or in
  // memberlist's under it (a status, a suspicion, an incarnation, an
  // address, the metadata), or the member was forgotten. Reported at every
  // such change, in order, beside the member events (which are also
  // changes of the member they carry).
  virtual void on_member_changed(std::string_view /*name*/) {}
  virtual void on_user_event(const UserEvent& e) = 0;
  virtual void on_query(const QueryEvent&) {}
  virtual void on_name_conflict(const ConflictReport&) {}
};

}  // namespace wkd::serf
