#include "support/core_node.hpp"

#include <utility>

#include "support/serf_member_event.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {

CoreNode::CoreNode(SimNetwork& net, NodeId id, serf::Config cfg, std::uint64_t seed, wire::Keyring keyring)
    : name_(cfg.memberlist.name),
      rt_(net, id),
      rng_(seed),
      log_(net.clock(), cfg.memberlist.name),
      core_(std::move(cfg), rt_, rng_, log_, static_cast<core::Observer&>(*this), std::move(keyring)) {}

CoreNode::~CoreNode() = default;

void CoreNode::start(TimePoint now) {
  auto st = core_.start(now);
  if (!st.ok()) log_.log(LogLevel::error, "sim: core start failed: " + st.message());
}

void CoreNode::join(TimePoint now, std::vector<Address> seeds, JoinDone done) {
  core_.join(now, std::move(seeds), std::move(done));
}

void CoreNode::leave(TimePoint now, Duration, LeaveDone done) {
  auto st = core_.leave(now, std::move(done));
  if (!st.ok()) log_.log(LogLevel::error, "sim: core leave refused: " + st.message());
}

std::optional<MemberView> CoreNode::view(std::string_view name) const {
  const swim::NodeInfo* n = core_.serf().memberlist().find(name);
  if (n == nullptr) return std::nullopt;
  return MemberView{n->name, n->state, n->incarnation};
}

void CoreNode::for_each_member(const std::function<void(const MemberView&)>& fn) const {
  core_.serf().memberlist().for_each_node(
      [&fn](const swim::NodeInfo& n) { fn(MemberView{n.name, n.state, n.incarnation}); });
}

std::size_t CoreNode::num_alive() const { return core_.serf().memberlist().num_alive(); }
std::uint32_t CoreNode::incarnation() const { return core_.serf().memberlist().local_node().incarnation; }
int CoreNode::health_score() const { return core_.serf().memberlist().health_score(); }
// The simulator's fault helpers reach memberlist directly (as for SerfNode).
swim::Memberlist& CoreNode::memberlist() { return const_cast<swim::Memberlist&>(core_.serf().memberlist()); }

void CoreNode::on_member_event(const serf::MemberEvent& e) {
  events.push_back(std::string(serf::member_event_name(e.type)) + ":" + e.member.name);
  if (auto ev = timeline_event_of(e, core_.serf().memberlist())) emit(ev->first, ev->second);
}

void CoreNode::on_user_event(const serf::UserEvent& e) { events.push_back("user:" + e.name); }

void CoreNode::on_settled(TimePoint next) {
  ++settles;
  last_settled_deadline = next;
}

}  // namespace wkd::sim
