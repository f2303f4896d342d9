// runtime::Node's health-check calls: each runs as one entry of the core on
// the node's loop, like the registry calls. Also the node's own health:
// its node checks, the tag they make with the application's health, and
// the self-healing actions run when an instance turns critical.
#include <chrono>

#include "runtime/check_runner.hpp"
#include "runtime/node.hpp"
#include "runtime/stack.hpp"
#include "transport/clock.hpp"

namespace wkd::runtime {

namespace {

constexpr Duration kHealthCallTimeout = std::chrono::seconds(30);

// How bad a tag is; unknown counts as passing.
int severity(serf::Health h) noexcept {
  switch (h) {
    case serf::Health::unknown:
    case serf::Health::passing: return 0;
    case serf::Health::warning: return 1;
    case serf::Health::critical: return 2;
  }
  return 2;
}

serf::Health tag_of(registry::CheckState s) noexcept {
  switch (s) {
    case registry::CheckState::passing: return serf::Health::passing;
    case registry::CheckState::warning: return serf::Health::warning;
    case registry::CheckState::critical: return serf::Health::critical;
  }
  return serf::Health::critical;
}

}  // namespace

Status Node::health_call(const std::function<Status(health::Checker&, const registry::Now&)>& op) {
  return run_sync(
      [&op](Stack& s) -> Status {
        health::Checker* c = s.core().health();
        if (c == nullptr) return Status::fail(Err::not_supported, "the service registry is off on this node");
        const registry::Now now = registry_now();
        return s.core().enter(now.mono, [&] { return op(*c, now); });
      },
      kHealthCallTimeout);
}

Result<health::CheckerStats> Node::health_stats() {
  auto out = std::make_shared<health::CheckerStats>();
  Status st = run_sync(
      [out](Stack& s) -> Status {
        if (const health::Checker* c = s.core().health()) *out = c->stats();
        return {};
      },
      kHealthCallTimeout);
  if (!st.ok()) return std::move(st).failure();
  return *out;
}

// Whether this node performs checks of kind `k`; the refusal names `field`.
Status Node::performable(health::CheckKind k, const std::string& field) const {
  if (k == health::CheckKind::script && !opts_.script_checks) {
    return Status::fail(Err::not_supported, field +
                                                ": script checks execute programs and are off on this node "
                                                "(NodeOptions::script_checks)");
  }
  if (!CheckRunner::performs(k, opts_.script_checks)) {
    return Status::fail(Err::not_supported, field + ": this node does not perform " + health::check_kind_name(k) +
                                                " checks");
  }
  return {};
}

Status Node::add_check(const registry::InstanceKey& instance, health::CheckSpec spec) {
  if (Status st = performable(spec.kind, "kind"); !st.ok()) return st;
  return health_call([&](health::Checker& c, const registry::Now& now) -> Status {
    if (auto st = c.add(now, instance, std::move(spec)); !st) return Status::fail(err_of(st.code()), st.message());
    return {};
  });
}

Result<registry::Instance> Node::register_service(registry::Instance in, Duration ttl,
                                                  std::vector<health::CheckSpec> checks) {
  if (auto st = health::validate_list(checks); !st) return Status::fail(err_of(st.code()), st.message()).failure();
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (Status st = performable(checks[i].kind, "checks[" + std::to_string(i) + "].kind"); !st.ok()) {
      return std::move(st).failure();
    }
  }
  auto out = std::make_shared<registry::Instance>();
  Status st = run_sync(
      [&](Stack& s) -> Status {
        registry::Replica* r = s.core().registry();
        health::Checker* c = s.core().health();
        if (r == nullptr || c == nullptr) {
          return Status::fail(Err::not_supported, "the service registry is off on this node");
        }
        const registry::Now now = registry_now();
        return s.core().enter(now.mono, [&]() -> Status {
          auto res = r->register_instance(now, std::move(in), registry::RegisterOptions{ttl});
          if (!res) return Status::fail(err_of(res.code()), res.message());
          *out = std::move(*res);
          const registry::InstanceKey key{out->service, out->id};
          if (auto cs = c->set_checks(now, key, std::move(checks)); !cs) {
            return Status::fail(err_of(cs.code()), cs.message());
          }
          return {};
        });
      },
      kHealthCallTimeout);
  if (!st.ok()) return std::move(st).failure();
  return std::move(*out);
}

Status Node::remove_check(const registry::InstanceKey& instance, const std::string& check) {
  return health_call([&](health::Checker& c, const registry::Now&) -> Status {
    if (c.remove(instance, check) == 0) {
      return Status::fail(Err::not_found, "check " + check + " of " + registry::key_text(instance) + " does not exist");
    }
    return {};
  });
}

Status Node::report_ttl(const registry::InstanceKey& instance, const std::string& check, registry::CheckState state,
                        std::string note) {
  return health_call([&](health::Checker& c, const registry::Now& now) -> Status {
    auto st = c.report_ttl(now, health::CheckKey{instance, check}, health::CheckResult{state, std::move(note)});
    if (!st) return Status::fail(err_of(st.code()), st.message());
    return {};
  });
}

Result<std::size_t> Node::run_checks(const registry::InstanceKey& instance) {
  std::size_t n = 0;
  Status st = health_call([&](health::Checker& c, const registry::Now& now) -> Status {
    if (auto r = c.run_now(now, instance, &n); !r) return Status::fail(err_of(r.code()), r.message());
    return {};
  });
  if (!st.ok()) return std::move(st).failure();
  return n;
}

Result<health::CheckStatus> Node::check_status(const registry::InstanceKey& instance, const std::string& check) {
  health::CheckStatus out;
  Status st = health_call([&](health::Checker& c, const registry::Now&) -> Status {
    const health::CheckStatus* s = c.scheduler().status(health::CheckKey{instance, check});
    if (s == nullptr) {
      return Status::fail(Err::not_found, "check " + check + " of " + registry::key_text(instance) + " does not exist");
    }
    out = *s;
    return {};
  });
  if (!st.ok()) return std::move(st).failure();
  return out;
}

// ---- the node's own checks and health ----

Status Node::add_node_check(health::CheckSpec spec) {
  if (Status st = performable(spec.kind, "kind"); !st.ok()) return st;
  return health_call([&](health::Checker& c, const registry::Now& now) -> Status {
    if (auto st = c.add_node_check(now, std::move(spec)); !st) return Status::fail(err_of(st.code()), st.message());
    return {};
  });
}

Status Node::remove_node_check(const std::string& check) {
  return health_call([&](health::Checker& c, const registry::Now&) -> Status {
    if (c.remove_node_check(check) == 0) {
      return Status::fail(Err::not_found, "node check " + check + " does not exist");
    }
    return {};
  });
}

Result<health::CheckStatus> Node::node_check_status(const std::string& check) {
  health::CheckStatus out;
  Status st = health_call([&](health::Checker& c, const registry::Now&) -> Status {
    const health::CheckStatus* s = c.scheduler().status(health::CheckKey{health::node_checks_key(), check});
    if (s == nullptr) return Status::fail(Err::not_found, "node check " + check + " does not exist");
    out = *s;
    return {};
  });
  if (!st.ok()) return std::move(st).failure();
  return out;
}

void Node::on_critical(const std::string& service, HealFn fn) {
  std::lock_guard<std::mutex> lock(heal_mu_);
  if (fn) {
    heal_fns_[service] = std::move(fn);
  } else {
    heal_fns_.erase(service);
  }
}

serf::Health Node::advertised_health_locked() const {
  return severity(checks_health_) > severity(app_health_) ? checks_health_ : app_health_;
}

void Node::on_checks_health(registry::CheckState state, std::vector<health::TurnedCritical> turned) {
  bool changed = false;
  serf::Health advertised{};
  {
    std::lock_guard<std::mutex> lock(mu_);
    const serf::Health h = tag_of(state);
    if (checks_health_ != h) {
      checks_health_ = h;
      advertised = advertised_health_locked();
      changed = identity_.health != advertised;
    }
  }
  if (changed) {
    // Only a change of the tag: every one is a member update on every peer.
    log(LogLevel::info, std::string("the node's checks report ") + registry::check_state_name(state) +
                            "; its health is now " + serf::health_name(advertised));
    if (Status st = set_identity(identity()); !st.ok()) log(LogLevel::error, "node health: " + st.message());
  }
  const TimePoint now = transport::mono_now();
  for (const health::TurnedCritical& t : turned) {
    HealFn fn;
    {
      std::lock_guard<std::mutex> lock(heal_mu_);
      auto it = heal_fns_.find(t.instance.service);
      if (it == heal_fns_.end()) it = heal_fns_.find("");
      if (it == heal_fns_.end()) continue;
      fn = it->second;
    }
    if (!heal_limiter_->allow(now, t.instance)) {
      log(LogLevel::info, registry::key_text(t.instance) + " turned critical; its self-healing action is rate-limited");
      continue;
    }
    log(LogLevel::info, registry::key_text(t.instance) + " turned critical (" + t.check + ": " + t.output +
                            "); running its self-healing action");
    fn(t);
    if (closed_) return;
  }
}

}  // namespace wkd::runtime
