// A member as the Serf layer sees it (serf.go Member, memberState;
// docs/wire.md §11.5).
//
// Serf keeps its own member table on top of memberlist's. Its status adds
// intent to memberlist's alive/dead: a member that announced a leave intent
// before disappearing is `left`, one that vanished without one is `failed`.
// status_ltime is the membership Lamport time of the last intent applied to
// the member; leave_time is when it became failed or left (the reaper's
// clock).
#pragma once

#include <cstdint>
#include <string>

#include "common/address.hpp"
#include "common/time.hpp"
#include "serf/lamport.hpp"
#include "serf/shared_tags.hpp"
#include "wire/tags.hpp"
#include "wire/vsn.hpp"

namespace wkd::serf {

// Values as serf's MemberStatus (also the int carried in a conflict response).
enum class MemberStatus : std::uint8_t { none = 0, alive = 1, leaving = 2, left = 3, failed = 4 };

// "none", "alive", "leaving", "left", "failed".
const char* member_status_name(MemberStatus s) noexcept;

struct Member {
  std::string name;
  Address addr;                 // memberlist address (IP and port)
  SharedTags tags;              // decoded once, shared with snapshot records
  MemberStatus status = MemberStatus::none;
  wire::Vsn vsn{};              // [PMin, PMax, PCur, DMin, DMax, DCur]
  LamportTime status_ltime = 0;
  TimePoint last_seen{};        // memberlist's latest direct evidence; epoch = never
  TimePoint leave_time{};       // when it became failed or left
};

}  // namespace wkd::serf
