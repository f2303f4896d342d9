// runtime::Node's health-check calls: each runs as one entry of the core on
// the node's loop, like the registry calls.
#include <chrono>

#include "runtime/check_runner.hpp"
#include "runtime/node.hpp"
#include "runtime/stack.hpp"

namespace wkd::runtime {

namespace {

constexpr Duration kHealthCallTimeout = std::chrono::seconds(30);

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

Status Node::add_check(const registry::InstanceKey& instance, health::CheckSpec spec) {
  if (spec.kind == health::CheckKind::script && !opts_.script_checks) {
    return Status::fail(Err::not_supported,
                        "kind: script checks execute programs and are off on this node (NodeOptions::script_checks)");
  }
  if (!CheckRunner::performs(spec.kind, opts_.script_checks)) {
    return Status::fail(Err::not_supported, std::string("kind: this node does not perform ") +
                                                health::check_kind_name(spec.kind) + " checks");
  }
  return health_call([&](health::Checker& c, const registry::Now& now) -> Status {
    if (auto st = c.add(now, instance, std::move(spec)); !st) return Status::fail(err_of(st.code()), st.message());
    return {};
  });
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

}  // namespace wkd::runtime
