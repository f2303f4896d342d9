// runtime::Node's registry calls: each runs as one entry of the core on
// the node's loop, so what it changes is replicated and published at once.
#include <chrono>

#include "runtime/node.hpp"
#include "runtime/stack.hpp"
#include "serf/coordinate_client.hpp"

namespace wkd::runtime {

namespace {

constexpr Duration kRegistryCallTimeout = std::chrono::seconds(30);

}  // namespace

Result<registry::Instance> Node::registry_call(RegistryOp op) {
  auto out = std::make_shared<registry::Instance>();
  Status st = run_sync(
      [out, op = std::move(op)](Stack& s) -> Status {
        registry::Replica* r = s.core().registry();
        if (r == nullptr) return Status::fail(Err::not_supported, "the service registry is off on this node");
        const registry::Now now = registry_now();
        auto res = s.core().enter(now.mono, [&]() -> registry::Result<registry::Instance> {
          auto done = op(*r, now);
          // A deregistered instance's checks go with it at once, so the
          // state they reported stops counting in the node's health.
          health::Checker* c = s.core().health();
          if (done && c != nullptr && done->status == registry::InstanceStatus::deregistered) {
            c->remove_instance(registry::InstanceKey{done->service, done->id, done->kind});
          }
          return done;
        });
        if (!res) return Status::fail(err_of(res.code()), res.message());
        *out = std::move(*res);
        return {};
      },
      kRegistryCallTimeout);
  if (!st.ok()) return std::move(st).failure();
  return std::move(*out);
}

Result<registry::Instance> Node::register_instance(registry::Instance in, Duration ttl) {
  return registry_call([in = std::move(in), ttl](registry::Replica& r, const registry::Now& now) {
    return r.register_instance(now, in, registry::RegisterOptions{ttl});
  });
}

Result<registry::Instance> Node::deregister_instance(const registry::InstanceKey& key) {
  auto out = std::make_shared<registry::Instance>();
  Status st = run_sync(
      [out, key](Stack& s) -> Status {
        registry::Replica* r = s.core().registry();
        if (r == nullptr) return Status::fail(Err::not_supported, "the service registry is off on this node");
        const registry::Now now = registry_now();
        return s.core().enter(now.mono, [&]() -> Status {
          auto res = r->deregister(now, key);
          if (!res) return Status::fail(err_of(res.code()), res.message());
          *out = std::move(*res);
          // A tombstone has no checks: they stop with the deregistration,
          // so a check whose result never changes does not go on running
          // (and taking reports) for a record that is gone, and a later
          // registration of the key, a new record, starts its checks
          // afresh.
          if (health::Checker* c = s.core().health(); c != nullptr) c->remove_instance(key);
          return {};
        });
      },
      kRegistryCallTimeout);
  if (!st.ok()) return std::move(st).failure();
  return std::move(*out);
}

Result<registry::Instance> Node::drain_instance(const registry::InstanceKey& key) {
  return registry_call([key](registry::Replica& r, const registry::Now& now) { return r.drain(now, key); });
}

Result<registry::Instance> Node::check_instance(const registry::InstanceKey& key, registry::CheckState state) {
  return registry_call(
      [key, state](registry::Replica& r, const registry::Now& now) { return r.apply_check(now, key, state); });
}

Result<registry::Instance> Node::renew_instance(const registry::InstanceKey& key) {
  return registry_call([key](registry::Replica& r, const registry::Now& now) { return r.renew(now, key); });
}

Result<registry::Instance> Node::update_ttl(const registry::InstanceKey& key, registry::CheckState state,
                                            const std::string& note) {
  auto res = registry_call(
      [key, state](registry::Replica& r, const registry::Now& now) { return r.renew(now, key, state); });
  if (res.ok() && !note.empty()) {
    log(state == registry::CheckState::passing ? LogLevel::debug : LogLevel::info,
        "instance " + key.service + "/" + key.id + " TTL " + registry::check_state_name(state) + ": " + note);
  }
  return res;
}

Result<registry::Instance> Node::force_deregister_instance(const registry::InstanceKey& key) {
  return registry_call(
      [key](registry::Replica& r, const registry::Now& now) { return r.force_deregister(now, key); });
}

Result<registry::Instance> Node::declare_dependency(registry::Dependency dep) {
  return registry_call([dep = std::move(dep)](registry::Replica& r, const registry::Now& now) {
    return r.declare_dependency(now, dep);
  });
}

Result<registry::Instance> Node::remove_dependency(const std::string& service, const std::string& depends_on) {
  return registry_call([service, depends_on](registry::Replica& r, const registry::Now& now) {
    return r.remove_dependency(now, service, depends_on);
  });
}

Result<registry::ReplicaStats> Node::registry_stats() {
  auto out = std::make_shared<registry::ReplicaStats>();
  Status st = run_sync(
      [out](Stack& s) -> Status {
        if (const registry::Replica* r = s.core().registry()) *out = r->stats();
        return {};
      },
      kRegistryCallTimeout);
  if (!st.ok()) return std::move(st).failure();
  return *out;
}

std::map<std::string, double> Node::rtt_estimates(const std::set<std::string>& nodes) {
  auto out = std::make_shared<std::map<std::string, double>>();
  if (nodes.empty()) return {};
  Status st = run_sync(
      [out, &nodes, me = name()](Stack& s) -> Status {
        const serf::Serf& serf = s.core().serf();
        // Absent when coordinates are off.
        const std::optional<wire::Coordinate> self = serf.cached_coordinate(me);
        if (!self) return {};
        for (const std::string& n : nodes) {
          const std::optional<wire::Coordinate> c = serf.cached_coordinate(n);
          if (!c || c->vec.size() != self->vec.size()) continue;
          out->emplace(n, serf::distance_seconds(*self, *c));
        }
        return {};
      },
      kRegistryCallTimeout);
  if (!st.ok()) return {};
  return std::move(*out);
}

}  // namespace wkd::runtime
