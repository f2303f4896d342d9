#include "support/serf_node.hpp"

#include <utility>

#include "support/serf_member_event.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {

SerfNode::SerfNode(SimNetwork& net, NodeId id, serf::Config cfg, std::uint64_t seed, wire::Keyring keyring)
    : name_(cfg.memberlist.name),
      rt_(net, id),
      rng_(seed),
      log_(net.clock(), cfg.memberlist.name),
      serf_(std::move(cfg), rt_, rng_, log_, *this, std::move(keyring)) {}

SerfNode::~SerfNode() = default;

void SerfNode::start(TimePoint now) {
  auto st = serf_.start(now);
  if (!st.ok()) log_.log(LogLevel::error, "sim: serf start failed: " + st.message());
}

void SerfNode::join(TimePoint now, std::vector<Address> seeds, JoinDone done) {
  serf_.join(now, std::move(seeds), std::move(done));
}

void SerfNode::leave(TimePoint now, Duration, LeaveDone done) {
  auto st = serf_.leave(now, std::move(done));
  if (!st.ok()) log_.log(LogLevel::error, "sim: serf leave refused: " + st.message());
}

std::optional<MemberView> SerfNode::view(std::string_view name) const {
  const swim::NodeInfo* n = serf_.memberlist().find(name);
  if (n == nullptr) return std::nullopt;
  return MemberView{n->name, n->state, n->incarnation};
}

void SerfNode::for_each_member(const std::function<void(const MemberView&)>& fn) const {
  serf_.memberlist().for_each_node(
      [&fn](const swim::NodeInfo& n) { fn(MemberView{n.name, n.state, n.incarnation}); });
}

void SerfNode::on_member_event(const serf::MemberEvent& e) {
  member_events.push_back(e);
  if (auto ev = timeline_event_of(e, serf_.memberlist())) emit(ev->first, ev->second);
}

}  // namespace wkd::sim
