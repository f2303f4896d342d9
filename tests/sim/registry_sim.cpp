#include "sim/registry_sim.hpp"

#include <utility>

namespace wkd::sim::regsim {

using registry::InstanceStatus;

ClusterOptions registry_options(registry::ReplicaConfig base, std::function<bool(std::size_t)> plain) {
  ClusterOptions o;
  o.engine = Engine::core;
  o.configure_serf = [plain](std::size_t i, serf::Config& c) {
    if (!plain || !plain(i)) c.tags["wkd"] = "1";
  };
  o.configure_core = [base, plain = std::move(plain)](std::size_t i, CoreNode& n) {
    if (plain && plain(i)) return;
    registry::ReplicaConfig rc = base;
    rc.store.node = SimCluster::name_of(i);
    rc.store.generation = 1;
    n.core().enable_registry(rc, registry::Now{TimePoint{}, kWallStart});
  };
  return o;
}

ClusterOptions restarted_options(registry::ReplicaConfig base, std::uint64_t generation) {
  ClusterOptions o = registry_options(base);
  o.configure_core = [base, generation](std::size_t i, CoreNode& n) {
    registry::ReplicaConfig rc = base;
    rc.store.node = SimCluster::name_of(i);
    rc.store.generation = generation;
    n.core().enable_registry(rc, registry::Now{TimePoint{}, kWallStart});
  };
  return o;
}

registry::Instance instance(const std::string& service, const std::string& id, int port) {
  registry::Instance in;
  in.service = service;
  in.id = id;
  in.host = "192.0.2.10";  // a documentation address: nothing dials it
  in.port = port;
  return in;
}

std::vector<std::size_t> range(std::size_t from, std::size_t to) {
  std::vector<std::size_t> v;
  for (std::size_t i = from; i < to; ++i) v.push_back(i);
  return v;
}

void register_many(SimCluster& c, std::size_t i, int count) {
  on(c, i, [&](registry::Replica& r, const registry::Now& now) {
    for (int k = 0; k < count; ++k) {
      ASSERT_TRUE(r.register_instance(now, instance("svc" + std::to_string(i), std::to_string(k))).ok());
    }
  });
}

std::size_t live_count(SimCluster& c, std::size_t i) {
  const auto counts = replica(c, i).store().counts();
  std::size_t n = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (s != static_cast<std::size_t>(InstanceStatus::deregistered)) n += counts[s];
  }
  return n + replica(c, i).store().dependencies().size();
}

std::map<registry::InstanceKey, OwnerRecord> owners_records(SimCluster& c) {
  std::map<registry::InstanceKey, OwnerRecord> out;
  registry::Query all;
  all.include_deregistered = true;
  for (std::size_t j = 0; j < c.size(); ++j) {
    if (!c.is_live(j) || !has_registry(c, j)) continue;
    const std::string self = SimCluster::name_of(j);
    const registry::Store& st = replica(c, j).store();
    auto take = [&](const registry::Instance* r) {
      if (r->owner == self) out[r->key()] = OwnerRecord{r->owner, r->record_version, r->status};
    };
    for (const registry::Instance* r : st.instances(all)) take(r);
    for (const registry::Instance* r : st.dependencies({}, true)) take(r);
  }
  return out;
}

std::size_t live_records(const std::map<registry::InstanceKey, OwnerRecord>& expected) {
  std::size_t n = 0;
  for (const auto& [key, e] : expected) n += e.status != InstanceStatus::deregistered ? 1 : 0;
  return n;
}

namespace {

std::string describe(const registry::InstanceKey& k) {
  return k.kind == registry::RecordKind::dependency ? "dependency " + k.service + " -> " + k.id
                                                    : k.service + "/" + k.id;
}

std::string describe(const registry::Instance& r) {
  return r.owner + " v" + std::to_string(r.record_version) + " " + registry::status_name(r.status);
}

}  // namespace

std::string mismatch(SimCluster& c) {
  const auto expected = owners_records(c);
  const std::size_t live = live_records(expected);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.is_live(i) || !has_registry(c, i)) continue;
    const registry::Store& st = replica(c, i).store();
    const std::string at = SimCluster::name_of(i) + ": ";
    for (const auto& [key, e] : expected) {
      const registry::Instance* r = st.find(key);
      if (e.status == InstanceStatus::deregistered) {
        if (r != nullptr && r->status != InstanceStatus::deregistered && r->owner == e.owner) {
          return at + describe(key) + " is " + describe(*r) + ", its owner deregistered it";
        }
        continue;
      }
      if (r == nullptr) return at + describe(key) + " is missing (owner " + e.owner + ")";
      if (r->owner != e.owner || r->record_version != e.version || r->status != e.status) {
        return at + describe(key) + " is " + describe(*r) + ", the owner holds " + e.owner + " v" +
               std::to_string(e.version) + " " + registry::status_name(e.status);
      }
    }
    if (const std::size_t n = live_count(c, i); n != live) {
      return at + std::to_string(n) + " live records, the owners hold " + std::to_string(live);
    }
  }
  return {};
}

std::string wait_registry(SimCluster& c, Duration limit, Duration poll) {
  const TimePoint end = c.now() + limit;
  std::string why = mismatch(c);
  while (!why.empty() && c.now() < end) {
    c.run_for(poll);
    why = mismatch(c);
  }
  return why;
}

}  // namespace wkd::sim::regsim
