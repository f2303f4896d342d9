// CoreNode: the wkd core (core::Core: Serf and the parts beside it) as a
// simulated cluster member, driven exactly as the libuv driver drives it.
//
// The adapter is the core's Observer: it records the member and user events
// in the order the core reported them, and counts the settles (one per
// outermost entry) with the deadline each one reported, so tests can check
// the core's one-entry contract. Parts (core/part.hpp) are added with
// add_part() before start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/rng.hpp"
#include "core/core.hpp"
#include "serf/config.hpp"
#include "support/sim_log.hpp"
#include "support/sim_member.hpp"
#include "support/sim_runtime.hpp"
#include "wire/keyring.hpp"

namespace wkd::sim {

class CoreNode final : public SimMember, private core::Observer {
 public:
  CoreNode(SimNetwork& net, NodeId id, serf::Config cfg, std::uint64_t seed, wire::Keyring keyring = {});
  ~CoreNode() override;

  void add_part(core::Part& p) { core_.add_part(p); }
  core::Core& core() noexcept { return core_; }

  // SimNode
  void start(TimePoint now) override;
  void on_packet(TimePoint now, const Address& from, ByteView datagram) override { core_.on_packet(now, from, datagram); }
  void on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) override {
    core_.on_stream_message(now, id, from, message);
  }
  void on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) override {
    core_.on_stream_closed(now, id, reason);
  }
  void on_timer(TimePoint now) override { core_.on_timer(now); }
  TimePoint next_deadline() const override { return core_.next_deadline(); }
  wire::StreamDecodeOptions stream_decode_options() const override { return core_.stream_decode_options(); }

  // SimMember
  const std::string& name() const override { return name_; }
  void join(TimePoint now, std::vector<Address> seeds, JoinDone done) override;
  void leave(TimePoint now, Duration timeout, LeaveDone done) override;
  std::optional<MemberView> view(std::string_view name) const override;
  void for_each_member(const std::function<void(const MemberView&)>& fn) const override;
  std::size_t num_alive() const override;
  std::uint32_t incarnation() const override;
  int health_score() const override;
  swim::Memberlist& memberlist() override;
  std::uint64_t log_count(LogLevel level) const override { return log_.count(level); }

  // What the core reported, in order: "join:NAME", "failed:NAME",
  // "user:NAME", ... .
  std::vector<std::string> events;
  std::uint64_t settles = 0;
  std::uint64_t member_changes = 0;  // on_member_changed reports
  TimePoint last_settled_deadline = TimePoint::max();

 private:
  // core::Observer
  void on_member_event(const serf::MemberEvent& e) override;
  void on_member_changed(std::string_view) override { ++member_changes; }
  void on_user_event(const serf::UserEvent& e) override;
  void on_settled(TimePoint next) override;

  std::string name_;
  SimRuntime rt_;
  Rng rng_;
  SimLog log_;
  core::Core core_;
};

}  // namespace wkd::sim
