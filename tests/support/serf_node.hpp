// SerfNode: a serf::Serf as a simulated cluster member.
//
// Serf is the Delegate of its own memberlist, so the adapter only supplies
// the runtime, a seeded Rng, a SimLog and an EventSink. The member table
// SimCluster looks at is the memberlist one under Serf (alive / suspect /
// dead / left), which is what convergence and failure detection are about;
// serf's own member events are passed to the event hook (member-failed as
// dead, member-leave as left) and kept for tests that look at them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/rng.hpp"
#include "serf/config.hpp"
#include "serf/events.hpp"
#include "serf/serf.hpp"
#include "support/sim_log.hpp"
#include "support/sim_member.hpp"
#include "support/sim_runtime.hpp"
#include "swim/config.hpp"
#include "wire/keyring.hpp"

namespace wkd::sim {

class SerfNode final : public SimMember, private serf::EventSink {
 public:
  SerfNode(SimNetwork& net, NodeId id, serf::Config cfg, std::uint64_t seed, wire::Keyring keyring = {});
  ~SerfNode() override;

  // SimNode
  void start(TimePoint now) override;
  void on_packet(TimePoint now, const Address& from, ByteView datagram) override { serf_.on_packet(now, from, datagram); }
  void on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) override {
    serf_.on_stream_message(now, id, from, message);
  }
  void on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) override {
    serf_.on_stream_closed(now, id, reason);
  }
  void on_timer(TimePoint now) override { serf_.on_timer(now); }
  TimePoint next_deadline() const override { return serf_.next_deadline(); }
  wire::StreamDecodeOptions stream_decode_options() const override { return serf_.memberlist().stream_decode_options(); }

  // SimMember
  const std::string& name() const override { return name_; }
  void join(TimePoint now, std::vector<Address> seeds, JoinDone done) override;
  // Serf's leave has its own timing (BroadcastTimeout, LeavePropagateDelay).
  void leave(TimePoint now, Duration timeout, LeaveDone done) override;
  std::optional<MemberView> view(std::string_view name) const override;
  void for_each_member(const std::function<void(const MemberView&)>& fn) const override;
  std::size_t num_alive() const override { return serf_.memberlist().num_alive(); }
  std::uint32_t incarnation() const override { return serf_.memberlist().local_node().incarnation; }
  int health_score() const override { return serf_.memberlist().health_score(); }
  swim::Memberlist& memberlist() override { return serf_.memberlist(); }
  std::uint64_t log_count(LogLevel level) const override { return log_.count(level); }

  serf::Serf& serf() noexcept { return serf_; }

  // What the event sink received.
  std::vector<serf::MemberEvent> member_events;
  std::vector<serf::UserEvent> user_events;
  std::vector<serf::QueryEvent> queries;

 private:
  // serf::EventSink
  void on_member_event(const serf::MemberEvent& e) override;
  void on_user_event(const serf::UserEvent& e) override { user_events.push_back(e); }
  void on_query(const serf::QueryEvent& q) override { queries.push_back(q); }

  std::string name_;
  SimRuntime rt_;
  Rng rng_;
  SimLog log_;
  serf::Serf serf_;
};

}  // namespace wkd::sim
