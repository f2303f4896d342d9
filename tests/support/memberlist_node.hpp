// MemberlistNode: a swim::Memberlist as a simulated cluster member.
//
// It owns everything one engine needs — its SimRuntime, a seeded Rng, a
// SimLog — and acts as the Delegate of a bare memberlist (no Serf above):
// fixed metadata, no user state, user messages counted. Membership changes
// are passed to the SimMember event hook so SimCluster can keep a timeline.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/rng.hpp"
#include "support/sim_log.hpp"
#include "support/sim_member.hpp"
#include "support/sim_runtime.hpp"
#include "swim/config.hpp"
#include "swim/delegate.hpp"
#include "swim/memberlist.hpp"
#include "wire/keyring.hpp"

namespace wkd::sim {

class MemberlistNode final : public SimMember, private swim::Delegate {
 public:
  MemberlistNode(SimNetwork& net, NodeId id, swim::Config cfg, std::uint64_t seed, wire::Keyring keyring = {});
  ~MemberlistNode() override;

  // SimNode
  void start(TimePoint now) override { ml_.start(now); }
  void on_packet(TimePoint now, const Address& from, ByteView datagram) override { ml_.on_packet(now, from, datagram); }
  void on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) override {
    ml_.on_stream_message(now, id, from, message);
  }
  void on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) override {
    ml_.on_stream_closed(now, id, reason);
  }
  void on_timer(TimePoint now) override { ml_.on_timer(now); }
  TimePoint next_deadline() const override { return ml_.next_deadline(); }
  wire::StreamDecodeOptions stream_decode_options() const override { return ml_.stream_decode_options(); }

  // SimMember
  const std::string& name() const override { return name_; }
  void join(TimePoint now, std::vector<Address> seeds, JoinDone done) override;
  void leave(TimePoint now, Duration timeout, LeaveDone done) override;
  std::optional<MemberView> view(std::string_view name) const override;
  void for_each_member(const std::function<void(const MemberView&)>& fn) const override;
  std::size_t num_alive() const override { return ml_.num_alive(); }
  std::uint32_t incarnation() const override { return ml_.local_node().incarnation; }
  int health_score() const override { return ml_.health_score(); }

  swim::Memberlist& memberlist() override { return ml_; }
  std::uint64_t log_count(LogLevel level) const override { return log_.count(level); }
  const swim::Memberlist& memberlist() const noexcept { return ml_; }
  SimRuntime& runtime() noexcept { return rt_; }
  const SimLog& log() const noexcept { return log_; }

  // What the delegate advertises and has seen. `broadcasts`, when set,
  // gives the user messages to piggyback on a datagram to `target`.
  Bytes meta;
  std::function<void(const swim::NodeInfo* target, std::vector<Bytes>& out)> broadcasts;
  std::uint64_t user_messages = 0;
  std::function<void(ByteView msg)> on_user_message;  // each one, when set
  // Answers a user message that arrived on a TCP stream (a request, see
  // swim::Memberlist::request); unset or nullopt: taken as one-way.
  std::function<std::optional<Bytes>(ByteView msg)> answer;
  std::uint64_t conflicts = 0;

 private:
  // swim::Delegate
  Bytes node_meta(std::size_t limit) override;
  void notify_msg(ByteView msg) override;
  std::optional<Bytes> answer_stream_msg(ByteView msg) override;
  void get_broadcasts(const swim::NodeInfo* target, std::size_t overhead, std::size_t limit,
                      std::vector<Bytes>& out) override;
  Bytes local_state(bool join, const swim::NodeInfo* peer) override;
  void merge_remote_state(ByteView state, bool join, const swim::NodeInfo* peer) override;
  void notify_join(const swim::NodeInfo& node) override;
  void notify_leave(const swim::NodeInfo& node) override;
  void notify_update(const swim::NodeInfo& node) override;
  void notify_conflict(const swim::NodeInfo& existing, const swim::NodeInfo& other) override;
  wire::NilBytes ack_payload() override;
  void notify_ping_complete(const swim::NodeInfo& node, Duration rtt, ByteView payload) override;

  static MemberView view_of(const swim::NodeInfo& n) { return MemberView{n.name, n.state, n.incarnation}; }

  std::string name_;
  SimRuntime rt_;
  Rng rng_;
  SimLog log_;
  swim::Memberlist ml_;
};

}  // namespace wkd::sim
