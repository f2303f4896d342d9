#include "health/checker.hpp"

#include <algorithm>
#include <utility>

namespace wkd::health {

namespace {

using registry::CheckState;
using registry::Err;
using registry::InstanceStatus;

}  // namespace

Checker::Checker(registry::Replica& replica, Runner& runner, Rng& rng, const registry::Now& start)
    : replica_(replica), runner_(runner), sched_(rng) {
  anchor(start);
}

void Checker::anchor(const registry::Now& now) {
  anchor_mono_ = now.mono;
  anchor_wall_ = now.wall_ms;
}

registry::Now Checker::now_at(TimePoint t) const { return registry::Now{t, anchor_wall_ + to_ms(t - anchor_mono_)}; }

Status Checker::add(const registry::Now& now, const registry::InstanceKey& instance, CheckSpec spec) {
  anchor(now);
  if (auto st = add_allowed(instance); !st) return st;
  return sched_.add(now.mono, instance, std::move(spec));
}

Status Checker::add_allowed(const registry::InstanceKey& instance) const {
  const registry::Instance* rec = replica_.store().find(instance);
  if (rec == nullptr || rec->status == InstanceStatus::deregistered) {
    return registry::fail(Err::not_found, registry::key_text(instance) + " is not registered");
  }
  if (rec->owner != replica_.store().config().node) {
    return registry::fail(Err::not_owner, registry::key_text(instance) + " is owned by node " + rec->owner +
                                              ": its checks run there");
  }
  return {};
}

std::size_t Checker::remove(const registry::InstanceKey& instance, const std::string& check) {
  if (instance == node_checks_key()) return 0;
  const std::size_t n = sched_.remove(instance, check);
  if (n != 0 && sched_.checks_of(instance).empty()) set_instance_state(anchor_mono_, instance, std::nullopt);
  settle(anchor_mono_);
  return n;
}

Status Checker::set_checks(const registry::Now& now, const registry::InstanceKey& instance,
                           std::vector<CheckSpec> specs) {
  if (instance == node_checks_key()) {
    return registry::fail(Err::not_found, "the node's own checks are set with add_node_check");
  }
  if (auto st = validate_list(specs); !st) return st;
  if (!specs.empty()) {
    // The owner's rules, before anything changes.
    if (auto st = add_allowed(instance); !st) return st;
  }
  for (const std::string& id : sched_.checks_of(instance)) {
    const CheckSpec* have = sched_.spec(CheckKey{instance, id});
    const auto same = std::find_if(specs.begin(), specs.end(), [&](const CheckSpec& s) { return s.id == id; });
    if (same == specs.end() || !(*same == *have)) sched_.remove(instance, id);
  }
  anchor(now);
  for (CheckSpec& s : specs) {
    if (sched_.spec(CheckKey{instance, s.id}) != nullptr) continue;  // unchanged: kept
    if (auto st = sched_.add(now.mono, instance, std::move(s)); !st) return st;
  }
  if (sched_.checks_of(instance).empty()) set_instance_state(now.mono, instance, std::nullopt);
  settle(now.mono);
  return {};
}

std::size_t Checker::remove_instance(const registry::InstanceKey& instance) {
  if (instance == node_checks_key()) return 0;
  set_instance_state(anchor_mono_, instance, std::nullopt);
  return sched_.remove_instance(instance);
}

Status Checker::add_node_check(const registry::Now& now, CheckSpec spec) {
  if (spec.deregister_critical_after != Duration::zero()) {
    return registry::fail(Err::invalid_argument,
                          "deregister_critical_after: a node check deregisters nothing; it must be 0");
  }
  anchor(now);
  return sched_.add(now.mono, node_checks_key(), std::move(spec));
}

std::size_t Checker::remove_node_check(const std::string& check) {
  return sched_.remove(node_checks_key(), check);
}

void Checker::set_node_health_options(const registry::Now& now, NodeHealthOptions opts) {
  anchor(now);
  node_opts_ = opts;
  // The held state starts from what the instances report now.
  held_ = Hysteresis(opts.hold, instances_state());
}

CheckState Checker::node_checks_state() const {
  CheckState s = CheckState::passing;
  for (const std::string& id : sched_.checks_of(node_checks_key())) {
    const CheckStatus* st = sched_.status(CheckKey{node_checks_key(), id});
    if (st != nullptr && st->reported) s = worst(s, *st->reported);
  }
  return s;
}

CheckState Checker::instances_state() const {
  CheckState s = CheckState::passing;
  for (const auto& [key, state] : instance_states_) s = worst(s, state);
  return s;
}

CheckState Checker::node_state() const {
  const CheckState own = node_checks_state();
  return node_opts_.feed_instances ? worst(own, held_.output()) : own;
}

void Checker::set_instance_state(TimePoint now, const registry::InstanceKey& instance,
                                 std::optional<CheckState> s) {
  if (s) {
    instance_states_[instance] = *s;
  } else {
    instance_states_.erase(instance);
  }
  held_.input(now, instances_state());
}

void Checker::queue_critical(const registry::InstanceKey& instance) {
  TurnedCritical t{instance, {}, {}};
  for (const std::string& id : sched_.checks_of(instance)) {
    const CheckStatus* st = sched_.status(CheckKey{instance, id});
    if (st != nullptr && st->reported == CheckState::critical) {
      t.check = id;
      t.output = st->last.output;
      break;
    }
  }
  if (criticals_.size() >= kMaxTurnedCritical) criticals_.erase(criticals_.begin());
  criticals_.push_back(std::move(t));
}

Status Checker::report_ttl(const registry::Now& now, const CheckKey& key, CheckResult result) {
  anchor(now);
  if (auto st = sched_.report_ttl(now.mono, key, std::move(result)); !st) return st;
  settle(now.mono);
  return {};
}

Status Checker::run_now(const registry::Now& now, const registry::InstanceKey& instance, std::size_t* checks) {
  anchor(now);
  if (auto st = add_allowed(instance); !st) return st;
  const std::size_t n = sched_.run_now(now.mono, instance);
  if (checks != nullptr) *checks = n;
  if (n == 0) return registry::fail(Err::not_found, registry::key_text(instance) + " has no check that runs");
  return {};
}

bool Checker::complete(const registry::Now& now, std::uint64_t run, CheckResult result) {
  anchor(now);
  if (!sched_.complete(now.mono, run, std::move(result))) return false;
  ++stats_.results;
  settle(now.mono);
  return true;
}

void Checker::on_timer(TimePoint now) {
  for (Run& r : sched_.on_timer(now)) {
    ++stats_.runs;
    if (r.spec->kind == CheckKind::alias) {
      if (sched_.complete(now, r.id, judge_alias(*r.spec))) ++stats_.results;
      continue;
    }
    runner_.start(r);
  }
  held_.on_timer(now);
  settle(now);
}

CheckResult Checker::judge_alias(const CheckSpec& spec) const {
  registry::Query q;
  q.service = spec.target;
  bool warning = false;
  std::size_t seen = 0;
  for (const registry::Instance* in : replica_.store().instances(q)) {
    ++seen;
    if (in->status != InstanceStatus::healthy) continue;
    if (in->check_state == CheckState::passing) {
      return CheckResult{CheckState::passing, spec.target + " has a passing instance (" + in->id + ")"};
    }
    warning = true;
  }
  if (warning) return CheckResult{CheckState::warning, spec.target + " has HEALTHY instances with warnings only"};
  if (seen == 0) return CheckResult{CheckState::critical, spec.target + " has no instance"};
  return CheckResult{CheckState::critical, spec.target + " has no HEALTHY instance of " + std::to_string(seen)};
}

void Checker::settle(TimePoint now) {
  const registry::Now at = now_at(now);
  for (const Report& r : sched_.take_reports()) {
    if (r.changed) ++stats_.status_changes;
    if (r.instance == node_checks_key()) continue;  // the node's own: node_state()
    // Refused when the instance went meanwhile (deregistered, moved): its
    // checks go with it.
    if (!replica_.apply_check(at, r.instance, r.state)) {
      sched_.remove_instance(r.instance);
      set_instance_state(now, r.instance, std::nullopt);
      continue;
    }
    set_instance_state(now, r.instance, r.state);
    if (r.changed && r.state == CheckState::critical) queue_critical(r.instance);
  }
  for (const registry::InstanceKey& key : sched_.take_deregistrations()) {
    ++stats_.deregistrations;
    set_instance_state(now, key, std::nullopt);
    (void)replica_.deregister(at, key);
  }
}

}  // namespace wkd::health
