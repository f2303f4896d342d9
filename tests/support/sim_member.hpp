// SimMember: a SimNode that is a cluster member, as SimCluster needs it —
// join, leave, and a read-only view of its member table — so that one test
// DSL drives either engine (memberlist_node.hpp, serf_node.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/log.hpp"
#include "common/time.hpp"
#include "support/sim_node.hpp"
#include "swim/node_state.hpp"

namespace wkd::swim {
class Memberlist;
}

namespace wkd::sim {

// One entry of a member table. `name` points into the engine and is valid
// until the engine is next called.
struct MemberView {
  std::string_view name;
  swim::NodeState state = swim::NodeState::dead;
  std::uint32_t incarnation = 0;
};

// What a member table change looked like to the node that saw it.
enum class MemberEvent : std::uint8_t { join, leave, update };

class SimMember : public SimNode {
 public:
  using JoinDone = std::function<void(int joined, std::string errors)>;
  using LeaveDone = std::function<void(bool clean)>;
  // (event, member after the change); called from inside the engine.
  using EventHook = std::function<void(MemberEvent, const MemberView&)>;

  virtual const std::string& name() const = 0;
  virtual void join(TimePoint now, std::vector<Address> seeds, JoinDone done) = 0;
  virtual void leave(TimePoint now, Duration timeout, LeaveDone done) = 0;

  // The local table. view() of an unknown name is nullopt.
  virtual std::optional<MemberView> view(std::string_view name) const = 0;
  virtual void for_each_member(const std::function<void(const MemberView&)>& fn) const = 0;
  // Other members seen alive or suspect.
  virtual std::size_t num_alive() const = 0;
  // This node's own incarnation.
  virtual std::uint32_t incarnation() const = 0;
  // Lifeguard local health score (0 = healthy).
  virtual int health_score() const = 0;
  // The memberlist engine itself, or the one under Serf.
  virtual swim::Memberlist& memberlist() = 0;
  // Lines the engine logged at `level`.
  virtual std::uint64_t log_count(LogLevel level) const = 0;

  void set_event_hook(EventHook hook) { hook_ = std::move(hook); }

 protected:
  void emit(MemberEvent e, const MemberView& v) const {
    if (hook_) hook_(e, v);
  }

 private:
  EventHook hook_;
};

}  // namespace wkd::sim
