#include "support/memberlist_node.hpp"

#include <utility>

namespace wkd::sim {

MemberlistNode::MemberlistNode(SimNetwork& net, NodeId id, swim::Config cfg, std::uint64_t seed,
                               wire::Keyring keyring)
    : name_(cfg.name),
      rt_(net, id),
      rng_(seed),
      log_(net.clock(), cfg.name),
      ml_(std::move(cfg), *this, rt_, rng_, log_, std::move(keyring)) {}

MemberlistNode::~MemberlistNode() = default;

void MemberlistNode::join(TimePoint now, std::vector<Address> seeds, JoinDone done) {
  ml_.join(now, std::move(seeds), std::move(done));
}

void MemberlistNode::leave(TimePoint now, Duration timeout, LeaveDone done) {
  ml_.leave(now, timeout, std::move(done));
}

std::optional<MemberView> MemberlistNode::view(std::string_view name) const {
  const swim::NodeInfo* n = ml_.find(name);
  if (n == nullptr) return std::nullopt;
  return view_of(*n);
}

void MemberlistNode::for_each_member(const std::function<void(const MemberView&)>& fn) const {
  ml_.for_each_node([&fn](const swim::NodeInfo& n) { fn(view_of(n)); });
}

// ---- delegate --------------------------------------------------------------

Bytes MemberlistNode::node_meta(std::size_t limit) {
  Bytes m = meta;
  if (m.size() > limit) m.resize(limit);
  return m;
}

void MemberlistNode::notify_msg(ByteView msg) {
  ++user_messages;
  if (on_user_message) on_user_message(msg);
}

std::optional<Bytes> MemberlistNode::answer_stream_msg(ByteView msg) {
  return answer ? answer(msg) : std::nullopt;
}

void MemberlistNode::get_broadcasts(const swim::NodeInfo* target, std::size_t, std::size_t, std::vector<Bytes>& out) {
  if (broadcasts) broadcasts(target, out);
}

Bytes MemberlistNode::local_state(bool, const swim::NodeInfo*) { return {}; }

void MemberlistNode::merge_remote_state(ByteView, bool, const swim::NodeInfo*) {}

void MemberlistNode::notify_join(const swim::NodeInfo& node) { emit(MemberEvent::join, view_of(node)); }

void MemberlistNode::notify_leave(const swim::NodeInfo& node) { emit(MemberEvent::leave, view_of(node)); }

void MemberlistNode::notify_update(const swim::NodeInfo& node) { emit(MemberEvent::update, view_of(node)); }

void MemberlistNode::notify_conflict(const swim::NodeInfo&, const swim::NodeInfo&) { ++conflicts; }

wire::NilBytes MemberlistNode::ack_payload() { return std::nullopt; }

void MemberlistNode::notify_ping_complete(const swim::NodeInfo&, Duration, ByteView) {}

}  // namespace wkd::sim
