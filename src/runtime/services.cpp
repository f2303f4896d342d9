#include "runtime/services.hpp"

#include <unordered_map>

namespace wkd::runtime {

namespace {

InstanceChange change_of(registry::ChangeKind k) {
  switch (k) {
    case registry::ChangeKind::added: return InstanceChange::registered;
    case registry::ChangeKind::updated: return InstanceChange::updated;
    case registry::ChangeKind::status_changed: return InstanceChange::status;
    case registry::ChangeKind::deregistered: return InstanceChange::deregistered;
    case registry::ChangeKind::dropped: return InstanceChange::removed;
    case registry::ChangeKind::moved: return InstanceChange::moved;
  }
  return InstanceChange::updated;
}

bool same_record(const registry::Instance& a, const registry::Instance& b) {
  return a.owner == b.owner && a.owner_generation == b.owner_generation && a.record_version == b.record_version &&
         a.status == b.status && a.check_state == b.check_state;
}

// Every record the store holds, tombstones included.
std::map<registry::InstanceKey, InstanceRecord> from_store(const registry::Store& store) {
  registry::Query all;
  all.include_deregistered = true;
  std::map<registry::InstanceKey, InstanceRecord> out;
  for (const registry::Instance* in : store.instances(all)) {
    out.emplace(in->key(), std::make_shared<const registry::Instance>(*in));
  }
  return out;
}

std::map<registry::InstanceKey, InstanceRecord> dependencies_from(const registry::Store& store,
                                                                  const ServicesView* previous) {
  std::map<registry::InstanceKey, InstanceRecord> out;
  for (const registry::Instance* d : store.dependencies()) {
    const InstanceRecord* old = previous != nullptr ? previous->find(d->key()) : nullptr;
    out.emplace(d->key(), old != nullptr && same_record(**old, *d) ? *old : std::make_shared<const registry::Instance>(*d));
  }
  return out;
}

ServicesUpdate resync(const ServicesView* previous, const registry::Store& store) {
  auto view = std::make_shared<ServicesView>();
  view->instances = from_store(store);
  view->dependencies = dependencies_from(store, previous);
  ServicesUpdate u;
  static const ServicesView kEmpty;
  const ServicesView& before = previous != nullptr ? *previous : kEmpty;
  for (auto& [key, rec] : view->instances) {
    const InstanceRecord* old = before.find(key);
    if (old != nullptr && same_record(**old, *rec)) {
      rec = *old;  // unchanged: share the previous record
      continue;
    }
    u.events.push_back(InstanceEvent{old ? InstanceChange::updated : InstanceChange::registered, rec,
                                     old ? *old : nullptr});
  }
  for (const auto& [key, rec] : before.instances) {
    if (!view->instances.count(key)) u.events.push_back(InstanceEvent{InstanceChange::removed, rec, rec});
  }
  u.view = std::move(view);
  return u;
}

}  // namespace

const InstanceRecord* ServicesView::find(const registry::InstanceKey& key) const {
  const auto& table = key.kind == registry::RecordKind::dependency ? dependencies : instances;
  const auto it = table.find(key);
  return it == table.end() ? nullptr : &it->second;
}

std::vector<InstanceRecord> ServicesView::dependencies_of(const std::string& service) const {
  std::vector<InstanceRecord> out;
  auto it = service.empty() ? dependencies.begin() : dependencies.lower_bound({service, {}});
  for (; it != dependencies.end() && (service.empty() || it->first.service == service); ++it) out.push_back(it->second);
  return out;
}

std::vector<InstanceRecord> ServicesView::dependents_of(const std::string& service) const {
  std::vector<InstanceRecord> out;
  for (const auto& [key, rec] : dependencies) {
    if (key.id == service) out.push_back(rec);
  }
  return out;
}

std::vector<DependencyHealth> ServicesView::dependency_health(const std::string& service) const {
  std::vector<DependencyHealth> out;
  for (InstanceRecord& dep : dependencies_of(service)) {
    std::vector<const registry::Instance*> of;
    for (auto it = instances.lower_bound({dep->id, {}}); it != instances.end() && it->first.service == dep->id; ++it) {
      of.push_back(it->second.get());
    }
    registry::DependencyVerdict v = registry::judge_dependency(*dep->dependency, of);
    out.push_back(DependencyHealth{std::move(dep), std::move(v)});
  }
  return out;
}

std::vector<std::string> ServicesView::services() const {
  std::vector<std::string> out;
  for (const auto& [key, rec] : instances) {
    if (rec->status == registry::InstanceStatus::deregistered) continue;
    if (out.empty() || out.back() != key.service) out.push_back(key.service);
  }
  return out;
}

std::vector<InstanceRecord> ServicesView::select(const registry::Query& q) const {
  std::vector<InstanceRecord> out;
  auto it = q.service.empty() ? instances.begin() : instances.lower_bound({q.service, {}});
  for (; it != instances.end(); ++it) {
    if (!q.service.empty() && it->first.service != q.service) break;
    if (registry::matches(q, *it->second)) out.push_back(it->second);
  }
  return out;
}

ServicesUpdate update_services(const ServicesView* previous, const registry::Changes& changes,
                               const registry::Store& store) {
  if (changes.overflowed) return resync(previous, store);
  auto view = std::make_shared<ServicesView>();
  if (previous != nullptr) {
    view->instances = previous->instances;
    view->dependencies = previous->dependencies;
  }
  ServicesUpdate u;
  // The last change of each instance, at the place of its first.
  std::unordered_map<std::string, std::size_t> slot;
  for (const registry::Change& c : changes.changes) {
    const registry::InstanceKey key = c.record.key();
    if (key.kind == registry::RecordKind::dependency) {
      // The view keeps live dependencies only, and raises no event for them.
      if (c.kind == registry::ChangeKind::dropped || c.kind == registry::ChangeKind::deregistered) {
        view->dependencies.erase(key);
      } else {
        view->dependencies[key] = std::make_shared<const registry::Instance>(c.record);
      }
      continue;
    }
    const InstanceRecord* old = previous != nullptr ? previous->find(key) : nullptr;
    InstanceRecord rec = std::make_shared<const registry::Instance>(c.record);
    if (c.kind == registry::ChangeKind::dropped) {
      view->instances.erase(key);
    } else {
      view->instances[key] = rec;
    }
    InstanceEvent ev{change_of(c.kind), std::move(rec), old ? *old : nullptr};
    const std::string k = key.service + '\0' + key.id;
    const auto [it, fresh] = slot.try_emplace(k, u.events.size());
    if (fresh) {
      u.events.push_back(std::move(ev));
    } else {
      u.events[it->second] = std::move(ev);
    }
  }
  // An instance that came and went within the burst was never seen.
  std::erase_if(u.events, [](const InstanceEvent& e) { return e.type == InstanceChange::removed && !e.previous; });
  u.view = std::move(view);
  return u;
}

}  // namespace wkd::runtime
