#include "health/scheduler.hpp"

#include <algorithm>

namespace wkd::health {

namespace {

using registry::Err;
using registry::fail;

void clip(std::string& output) {
  if (output.size() > kMaxOutput) output.resize(kMaxOutput);
}

std::string key_text(const CheckKey& k) {
  if (k.instance == node_checks_key()) return "node check " + k.check;
  return "check " + k.check + " of " + registry::key_text(k.instance);
}

}  // namespace

const registry::InstanceKey& node_checks_key() {
  static const registry::InstanceKey key{"", "node"};
  return key;
}

Status Scheduler::add(TimePoint now, const registry::InstanceKey& instance, CheckSpec spec) {
  if (auto st = validate(spec); !st) return st;
  if (spec.id.empty()) spec.id = check_kind_name(spec.kind);
  CheckKey key{instance, spec.id};
  if (checks_.count(key)) return fail(Err::failed_precondition, key_text(key) + " exists already");
  auto shared = std::make_shared<const CheckSpec>(std::move(spec));
  const CheckSpec& s = *shared;
  const auto it = checks_.try_emplace(key, key, shared).first;
  Check& c = it->second;
  c.status.kind = s.kind;
  if (s.start_grace > Duration::zero()) c.grace_end = now + s.start_grace;
  if (s.kind == CheckKind::ttl) {
    c.next_run = now + s.ttl;
  } else {
    // The first run at a random point of the first interval.
    const auto span = static_cast<std::uint64_t>(s.interval.count());
    c.next_run = now + Duration(static_cast<Duration::rep>(rng_.below(span)));
  }
  schedule(it);
  return {};
}

std::size_t Scheduler::remove(const registry::InstanceKey& instance, const std::string& check) {
  const auto it = checks_.find(CheckKey{instance, check});
  if (it == checks_.end()) return 0;
  erase(it);
  report(instance);
  return 1;
}

std::size_t Scheduler::remove_instance(const registry::InstanceKey& instance) {
  std::size_t n = 0;
  for (auto it = checks_.lower_bound(CheckKey{instance, {}}); it != checks_.end() && it->first.instance == instance;) {
    it = erase(it);
    ++n;
  }
  instance_state_.erase(instance);
  return n;
}

Scheduler::Checks::iterator Scheduler::erase(Checks::iterator it) {
  unschedule(it);
  if (it->second.run != 0) runs_.erase(it->second.run);
  return checks_.erase(it);
}

Status Scheduler::report_ttl(TimePoint now, const CheckKey& key, CheckResult r) {
  const auto it = checks_.find(key);
  if (it == checks_.end()) return fail(Err::not_found, key_text(key) + " does not exist");
  if (it->second.spec->kind != CheckKind::ttl) {
    return fail(Err::failed_precondition, key_text(key) + " is a " + check_kind_name(it->second.spec->kind) +
                                              " check, not a TTL check");
  }
  it->second.next_run = now + it->second.spec->ttl;
  result(now, it, std::move(r), false);
  schedule(it);
  return {};
}

bool Scheduler::complete(TimePoint now, std::uint64_t run, CheckResult r) {
  const auto found = runs_.find(run);
  if (found == runs_.end()) return false;
  const auto it = checks_.find(found->second);
  runs_.erase(found);
  if (it == checks_.end()) return false;
  Check& c = it->second;
  c.run = 0;
  c.run_deadline = TimePoint::max();
  c.status.running = false;
  result(now, it, std::move(r), true);
  schedule(it);
  return true;
}

// One result: through the thresholds (a TTL report sets the state as it
// is), then the state the check reports and its instance's.
void Scheduler::result(TimePoint now, Checks::iterator it, CheckResult r, bool counted) {
  Check& c = it->second;
  clip(r.output);
  std::optional<CheckState> s;
  if (counted) {
    s = c.thresholds.count(r.state);
  } else {
    s = r.state;
  }
  c.status.successes = c.thresholds.successes();
  c.status.failures = c.thresholds.failures();
  c.status.last = std::move(r);
  c.status.last_result = now;
  if (s) set_reported(now, c, *s);
  if (c.status.reported) report(c.key.instance);
}

void Scheduler::set_reported(TimePoint now, Check& c, CheckState s) {
  if (s == CheckState::critical && !c.passed && now < c.grace_end) {
    c.held = s;  // starting: the grace keeps it back
    return;
  }
  c.held.reset();
  if (s != CheckState::critical) c.passed = true;
  if (s == CheckState::critical) {
    const Duration after = c.spec->deregister_critical_after;
    if (after > Duration::zero() && c.deregister_at == TimePoint::max()) c.deregister_at = now + after;
  } else {
    c.deregister_at = TimePoint::max();
  }
  c.status.reported = s;
}

void Scheduler::report(const registry::InstanceKey& instance) {
  std::optional<CheckState> worst;
  for (auto it = checks_.lower_bound(CheckKey{instance, {}}); it != checks_.end() && it->first.instance == instance;
       ++it) {
    const auto& r = it->second.status.reported;
    if (r && (!worst || severity(*r) > severity(*worst))) worst = r;
  }
  if (!worst) return;
  auto [prev, fresh] = instance_state_.try_emplace(instance, *worst);
  const bool changed = fresh || prev->second != *worst;
  prev->second = *worst;
  reports_.push_back(Report{instance, *worst, changed});
}

std::size_t Scheduler::run_now(TimePoint now, const registry::InstanceKey& instance) {
  std::size_t n = 0;
  for (auto it = checks_.lower_bound(CheckKey{instance, {}}); it != checks_.end() && it->first.instance == instance;
       ++it) {
    Check& c = it->second;
    if (c.spec->kind == CheckKind::ttl) continue;
    ++n;
    if (c.run != 0) continue;  // the run in flight answers
    c.next_run = now;
    schedule(it);
  }
  return n;
}

// ---- timers ----

void Scheduler::unschedule(Checks::iterator it) {
  if (it->second.due != TimePoint::max()) timers_.erase({it->second.due, it->first});
  it->second.due = TimePoint::max();
}

void Scheduler::schedule(Checks::iterator it) {
  unschedule(it);
  Check& c = it->second;
  TimePoint due = std::min({c.next_run, c.run_deadline, c.deregister_at});
  if (c.held && c.grace_end != TimePoint::min()) due = std::min(due, c.grace_end);
  c.due = due;
  if (due != TimePoint::max()) timers_.insert({due, it->first});
}

TimePoint Scheduler::next_deadline() const { return timers_.empty() ? TimePoint::max() : timers_.begin()->first; }

std::vector<Run> Scheduler::on_timer(TimePoint now) {
  std::vector<Run> out;
  while (!timers_.empty() && timers_.begin()->first <= now) {
    const CheckKey key = timers_.begin()->second;
    timers_.erase(timers_.begin());
    auto it = checks_.find(key);
    if (it == checks_.end()) continue;
    Check& c = it->second;
    c.due = TimePoint::max();
    if (c.deregister_at <= now) {
      const registry::InstanceKey instance = c.key.instance;
      deregistrations_.push_back(instance);
      remove_instance(instance);
      continue;
    }
    if (c.run_deadline <= now) {
      runs_.erase(c.run);
      c.run = 0;
      c.run_deadline = TimePoint::max();
      c.status.running = false;
      result(now, it, CheckResult{CheckState::critical, "timed out after " + std::to_string(to_ms(c.spec->timeout)) + " ms"},
             true);
    }
    if (c.held && now >= c.grace_end) {
      const CheckState held = *c.held;
      set_reported(now, c, held);  // the grace is over: what it kept back counts
      report(c.key.instance);
    }
    if (c.next_run <= now) {
      if (c.spec->kind == CheckKind::ttl) {
        c.next_run = TimePoint::max();  // until the application reports again
        result(now, it, CheckResult{CheckState::critical, "TTL expired: not reported within " +
                                                              std::to_string(to_ms(c.spec->ttl)) + " ms"},
               false);
      } else {
        const Duration interval = c.spec->interval;
        while (c.next_run <= now) c.next_run += interval;
        if (c.run == 0) {  // never two runs of one check at once
          c.run = next_run_id_++;
          c.run_deadline = now + c.spec->timeout;
          c.status.running = true;
          runs_.emplace(c.run, key);
          out.push_back(Run{c.run, key, c.spec, c.run_deadline});
        }
      }
    }
    schedule(it);
  }
  return out;
}

std::vector<Report> Scheduler::take_reports() { return std::exchange(reports_, {}); }

std::vector<registry::InstanceKey> Scheduler::take_deregistrations() { return std::exchange(deregistrations_, {}); }

const CheckStatus* Scheduler::status(const CheckKey& key) const {
  const auto it = checks_.find(key);
  return it == checks_.end() ? nullptr : &it->second.status;
}

const CheckSpec* Scheduler::spec(const CheckKey& key) const {
  const auto it = checks_.find(key);
  return it == checks_.end() ? nullptr : it->second.spec.get();
}

std::vector<std::string> Scheduler::checks_of(const registry::InstanceKey& instance) const {
  std::vector<std::string> out;
  for (auto it = checks_.lower_bound(CheckKey{instance, {}}); it != checks_.end() && it->first.instance == instance;
       ++it) {
    out.push_back(it->first.check);
  }
  return out;
}

}  // namespace wkd::health
