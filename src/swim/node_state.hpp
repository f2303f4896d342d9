// What the SWIM core knows about one member (memberlist's nodeState).
#pragma once

#include <cstdint>
#include <string>

#include "common/address.hpp"
#include "common/time.hpp"
#include "wire/messages.hpp"
#include "wire/vsn.hpp"

namespace wkd::swim {

using wire::NodeState;

const char* node_state_name(NodeState s) noexcept;

struct NodeInfo {
  std::string name;
  Address addr;
  wire::NilBytes meta;
  std::uint32_t incarnation = 0;
  NodeState state = NodeState::dead;
  wire::Vsn vsn{};                 // zeros when the peer sent none
  TimePoint state_change{};        // when `state` last changed
  TimePoint last_seen{};           // latest direct evidence it is alive; epoch = never

  bool dead_or_left() const noexcept { return state == NodeState::dead || state == NodeState::left; }
};

}  // namespace wkd::swim
