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
  const std::size_t n = sched_.remove(instance, check);
  settle(anchor_mono_);
  return n;
}

Status Checker::set_checks(const registry::Now& now, const registry::InstanceKey& instance,
                           std::vector<CheckSpec> specs) {
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
  settle(now.mono);
  return {};
}

std::size_t Checker::remove_instance(const registry::InstanceKey& instance) {
  return sched_.remove_instance(instance);
}

Status Checker::report_ttl(const registry::Now& now, const CheckKey& key, CheckResult result) {
  anchor(now);
  if (auto st = sched_.report_ttl(now.mono, key, std::move(result)); !st) return st;
  settle(now.mono);
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
    // Refused when the instance went meanwhile (deregistered, moved): its
    // checks go with it.
    if (!replica_.apply_check(at, r.instance, r.state)) sched_.remove_instance(r.instance);
  }
  for (const registry::InstanceKey& key : sched_.take_deregistrations()) {
    ++stats_.deregistrations;
    (void)replica_.deregister(at, key);
  }
}

}  // namespace wkd::health
