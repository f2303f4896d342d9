// The loop side of one node: its I/O driver, its pure core and its
// publisher, wired together. Everything here runs on the node's loop
// thread; runtime::Node marshals calls from other threads.
//
// The wiring is the whole point: the driver drives the core (datagrams,
// streams, the timer), the core reports its events and settles through the
// Stack (core::Observer), and the Stack re-arms the driver's timer at the
// core's next deadline and lets the publisher bring the View up to date.
// An operation called on core() needs nothing after it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "common/address.hpp"
#include "common/rng.hpp"
#include "core/core.hpp"
#include "runtime/check_runner.hpp"
#include "runtime/errors.hpp"
#include "runtime/logger.hpp"
#include "runtime/publisher.hpp"
#include "serf/config.hpp"
#include "transport/driver.hpp"
#include "transport/http_probe.hpp"
#include "transport/probe.hpp"
#include "wire/keyring.hpp"

struct uv_loop_s;

namespace wkd::runtime {

// The registry's time now: the monotonic clock for deadlines and the wall
// clock (ms since the Unix epoch) for the records' fields.
registry::Now registry_now();

class Stack final : private core::Observer {
 public:
  Stack(uv_loop_s* loop, Publisher& publisher, Logger& log, std::uint64_t rng_seed);
  ~Stack() override;
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Binds the sockets, builds the core with `cfg` (advertising `advertise`,
  // or the bound address where it is unset) and starts it, then publishes
  // the first View.
  // With `registry`, the core runs the service registry (its store's node
  // name is set here; a generation of 0 is taken from the wall clock) and
  // the health checks of the node's own instances, performed on the loop.
  // `node_health` tells the checker how the node's health is made.
  Status start(serf::Config cfg, wire::Keyring keyring, const Address& bind, const Address& advertise,
               const registry::ReplicaConfig* registry = nullptr, health::NodeHealthOptions node_health = {});
  // After every settled entry (outside it) in which the state the node's
  // checks give it changed (Checker::node_state) or instances turned
  // critical, `sink` hears both. Set before start.
  using HealthSink = std::function<void(registry::CheckState node_state, std::vector<health::TurnedCritical> turned)>;
  void on_health(HealthSink sink) { health_sink_ = std::move(sink); }

  // The core, between a successful start() and close().
  bool running() const noexcept { return core_ != nullptr && !closing_; }
  core::Core& core() noexcept { return *core_; }
  Address bound() const { return driver_.bound(); }

  // Stops publishing and closes the sockets and the timer; `closed` runs on
  // the loop once libuv has released them. The core is not told anything
  // (leave first for a graceful exit) and lives until the Stack goes.
  void close(std::function<void()> closed);

 private:
  // core::Observer
  void on_member_event(const serf::MemberEvent& e) override;
  void on_member_changed(std::string_view name) override;
  void on_user_event(const serf::UserEvent& e) override;
  void on_settled(TimePoint next) override;
  // A health check's run ended: its result enters the core.
  void deliver_check(std::uint64_t run, health::CheckResult result);

  uv_loop_s* loop_;
  Publisher& publisher_;
  Logger& log_;
  Rng rng_;
  transport::Driver driver_;
  // The health checks' I/O; declared before the core, which refers to it.
  transport::Probes probes_;
  transport::HttpProbes http_probes_;
  std::unique_ptr<CheckRunner> runner_;
  std::unique_ptr<core::Core> core_;
  bool closing_ = false;
  HealthSink health_sink_;
  registry::CheckState node_state_ = registry::CheckState::passing;  // as the sink last heard it
};

}  // namespace wkd::runtime
