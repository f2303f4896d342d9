// What the SWIM core knows about one member (memberlist's nodeState).
#pragma once

#include <cstdint>
#include <string>

#include "common/address.hpp"
#include "common/shared_bytes.hpp"
#include "common/time.hpp"
#include "wire/messages.hpp"
#include "wire/vsn.hpp"

namespace wkd::swim {

using wire::NodeState;

const char* node_state_name(NodeState s) noexcept;

// Laid out small (88 bytes): every node holds one per member.
struct NodeInfo {
  std::string name;
  Address addr;
  std::uint32_t incarnation = 0;
  SharedBytes meta;                // nil-able, shared with copies and snapshots
  NodeState state = NodeState::dead;
  wire::Vsn vsn{};                 // zeros when the peer sent none
  TimePoint state_change{};        // when `state` last changed
  TimePoint last_seen{};           // latest direct evidence it is alive; epoch = never

  bool dead_or_left() const noexcept { return state == NodeState::dead || state == NodeState::left; }
};
// Every node keeps one NodeInfo per member (10,000 x 10,000 of them in the
// largest simulation): keep it from growing unnoticed.
static_assert(sizeof(void*) != 8 || sizeof(NodeInfo) <= 88, "NodeInfo grew past 88 bytes");

}  // namespace wkd::swim
