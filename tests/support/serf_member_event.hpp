// How a serf member event reads in SimCluster's timeline, for the adapters
// whose engine reports serf events (SerfNode, CoreNode): member-failed is a
// departure to dead, member-leave a departure to left; reaps are not
// recorded. The incarnation is memberlist's, when it still has the member.
#pragma once

#include <optional>
#include <utility>

#include "serf/events.hpp"
#include "support/sim_member.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {

// The view's name points into `e`: use the result before `e` goes.
inline std::optional<std::pair<MemberEvent, MemberView>> timeline_event_of(const serf::MemberEvent& e,
                                                                           const swim::Memberlist& ml) {
  MemberView v{e.member.name, swim::NodeState::alive, 0};
  if (const swim::NodeInfo* n = ml.find(e.member.name)) v.incarnation = n->incarnation;
  switch (e.type) {
    case serf::MemberEventType::join:
      return std::make_pair(MemberEvent::join, v);
    case serf::MemberEventType::failed:
      v.state = swim::NodeState::dead;
      return std::make_pair(MemberEvent::leave, v);
    case serf::MemberEventType::leave:
      v.state = swim::NodeState::left;
      return std::make_pair(MemberEvent::leave, v);
    case serf::MemberEventType::update:
      return std::make_pair(MemberEvent::update, v);
    case serf::MemberEventType::reap:
      break;
  }
  return std::nullopt;
}

}  // namespace wkd::sim
