#include "runtime/stack.hpp"

#include <chrono>

#include "transport/clock.hpp"

namespace wkd::runtime {

registry::Now registry_now() {
  const auto wall =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return registry::Now{transport::mono_now(), wall.count()};
}

Stack::Stack(uv_loop_s* loop, Publisher& publisher, Logger& log, std::uint64_t rng_seed)
    : loop_(loop), publisher_(publisher), log_(log), rng_(rng_seed), driver_(loop), probes_(loop), http_probes_(loop) {}

Stack::~Stack() {
  // The core's destructor may still report events: nothing may reach the
  // publisher or the driver from it.
  closing_ = true;
  core_.reset();
}

Status Stack::start(serf::Config cfg, wire::Keyring keyring, const Address& bind, const Address& advertise,
                    const registry::ReplicaConfig* registry, health::NodeHealthOptions node_health) {
  if (core_) return Status::fail(Err::state, "node already started");
  transport::BindError why = transport::BindError::none;
  if (std::string err = driver_.bind(bind, &why); !err.empty()) {
    return Status::fail(why == transport::BindError::in_use    ? Err::addr_in_use
                        : why == transport::BindError::invalid ? Err::invalid
                                                               : Err::io,
                        err);
  }
  Address adv = advertise.is_set() ? advertise : driver_.bound();
  if (adv.port == 0) adv.port = driver_.bound().port;
  cfg.memberlist.advertise = adv;
  if (auto err = serf::validate(cfg); !err.empty()) return Status::fail(Err::invalid, err);

  core_ = std::make_unique<core::Core>(std::move(cfg), driver_, rng_, log_, static_cast<core::Observer&>(*this),
                                      std::move(keyring));
  driver_.attach(*core_);
  const registry::Now started = registry_now();
  if (registry != nullptr) {
    registry::ReplicaConfig rc = *registry;
    rc.store.node = core_->name();
    if (rc.store.generation == 0) {
      // A node that starts without its state starts a new generation: the
      // wall clock in microseconds only grows across restarts.
      rc.store.generation = static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
    }
    if (auto st = registry::validate(rc); !st) return Status::fail(Err::invalid, "registry: " + st.message());
    core_->enable_registry(std::move(rc), started);
    runner_ = std::make_unique<CheckRunner>(probes_, http_probes_, [this](std::uint64_t run, health::CheckResult result) {
      deliver_check(run, std::move(result));
    });
    core_->enable_health(*runner_, started)->set_node_health_options(started, node_health);
  }
  publisher_.open(loop_, *core_, driver_, started.wall_ms);
  if (auto st = core_->start(transport::mono_now()); !st.ok()) return Status::fail(Err::invalid, st.message());
  publisher_.settle(true);
  return {};
}

void Stack::deliver_check(std::uint64_t run, health::CheckResult result) {
  if (closing_ || !core_) return;
  health::Checker* checker = core_->health();
  if (checker == nullptr) return;
  const registry::Now now = registry_now();
  core_->enter(now.mono, [&] { checker->complete(now, run, std::move(result)); });
}

void Stack::close(std::function<void()> closed) {
  if (closing_) return;
  closing_ = true;
  probes_.close();
  http_probes_.close();
  publisher_.shutdown();
  driver_.close(std::move(closed));
}

void Stack::on_member_event(const serf::MemberEvent& e) {
  if (!closing_) publisher_.member_changed(e.member.name);
}

void Stack::on_member_changed(std::string_view name) {
  if (!closing_) publisher_.member_changed(name);
}

void Stack::on_user_event(const serf::UserEvent& e) {
  if (!closing_) publisher_.user_event(e);
}

void Stack::on_settled(TimePoint next) {
  if (closing_) return;
  driver_.rearm(next);
  if (registry::Replica* r = core_->registry()) {
    registry::Changes changes = r->drain_changes();
    if (!changes.changes.empty() || changes.overflowed) publisher_.registry_changed(std::move(changes));
  }
  publisher_.settle(false);
  if (health::Checker* c = core_->health(); c != nullptr && health_sink_) {
    std::vector<health::TurnedCritical> turned = c->take_criticals();
    const registry::CheckState state = c->node_state();
    if (state != node_state_ || !turned.empty()) {
      // Noted first: the sink may enter the core again, and that entry
      // settles here too.
      node_state_ = state;
      health_sink_(state, std::move(turned));
    }
  }
}

}  // namespace wkd::runtime
