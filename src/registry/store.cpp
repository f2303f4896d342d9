// The store's local shard (what this node registers and decides) and the
// plumbing every part of the store shares: the change list, the timers and
// the wall clock anchor.
#include "registry/store.hpp"

#include <algorithm>

#include "registry/dependency.hpp"

namespace wkd::registry {

const char* owner_state_name(OwnerState s) noexcept {
  switch (s) {
    case OwnerState::alive: return "alive";
    case OwnerState::suspect: return "suspect";
    case OwnerState::failed: return "failed";
    case OwnerState::left: return "left";
    case OwnerState::gone: return "gone";
  }
  return "unknown";
}

const char* change_kind_name(ChangeKind k) noexcept {
  switch (k) {
    case ChangeKind::added: return "added";
    case ChangeKind::updated: return "updated";
    case ChangeKind::status_changed: return "status_changed";
    case ChangeKind::deregistered: return "deregistered";
    case ChangeKind::dropped: return "dropped";
    case ChangeKind::moved: return "moved";
  }
  return "unknown";
}

Status validate(const StoreConfig& c) {
  if (c.node.empty()) return invalid("node: the local node's name must not be empty");
  const std::pair<const char*, Duration> durations[] = {
      {"tombstone_retention", c.tombstone_retention},
      {"deregister_critical_after", c.deregister_critical_after},
      {"down_drop_after", c.down_drop_after},
      {"collected_memory", c.collected_memory},
  };
  for (const auto& [name, d] : durations) {
    if (d < Duration::zero()) return invalid(std::string(name) + ": must not be negative");
  }
  return {};
}

Store::Store(StoreConfig cfg, Rng& rng) : cfg_(std::move(cfg)), rng_(rng) {
  Shard& self = shards_[cfg_.node];
  self.generation = cfg_.generation;
}

// ---- plumbing ----

void Store::anchor(const Now& now) {
  anchor_mono_ = now.mono;
  anchor_wall_ = now.wall_ms;
}

std::int64_t Store::wall_at(TimePoint t) const { return anchor_wall_ + to_ms(t - anchor_mono_); }

void Store::emit(ChangeKind kind, const Instance& rec, std::string previous_owner) {
  if (cfg_.max_changes == 0) {
    overflowed_ = true;
    return;
  }
  if (changes_.size() >= cfg_.max_changes) {
    changes_.pop_front();
    overflowed_ = true;
  }
  changes_.push_back(Change{kind, rec, std::move(previous_owner)});
}

Changes Store::drain_changes() {
  Changes out;
  out.changes.assign(std::make_move_iterator(changes_.begin()), std::make_move_iterator(changes_.end()));
  out.overflowed = overflowed_;
  changes_.clear();
  overflowed_ = false;
  return out;
}

// A real change to the local shard: the next version, stamped on the
// record, and one change event.
Instance& Store::commit(Entry& e, ChangeKind kind, std::int64_t wall_ms, std::string previous_owner) {
  Shard& self = shards_[cfg_.node];
  const std::uint64_t prior = e.rec.record_version;
  e.rec.record_version = ++self.version;
  e.rec.updated_ms = wall_ms;
  emit(kind, e.rec, std::move(previous_owner));
  if (commit_hook_) commit_hook_(e.rec, prior);
  return e.rec;
}

void Store::unschedule(const Map::iterator& it) {
  if (it->second.due == TimePoint::max()) return;
  const auto c = collected_.find(it->first);
  if (c != collected_.end() && c->second.forget_at == it->second.due) return;  // shared with the memory
  timers_.erase({it->second.due, it->first});
}

void Store::reschedule(const Map::iterator& it) {
  unschedule(it);
  Entry& e = it->second;
  e.due = std::min({e.ttl_at, e.crit_at, e.drop_at, e.collect_at});
  if (e.due != TimePoint::max()) timers_.insert({e.due, it->first});
}

// Removes a record. A collected tombstone is remembered, so no older copy
// brings it back, and advances its shard's GC version. A dropped DOWN
// record is not: a copy arriving while its owner is failed is DOWN again,
// and an owner back in the same generation may show it again.
Store::Map::iterator Store::erase_entry(Map::iterator it, TimePoint now, bool remember) {
  const Instance& r = it->second.rec;
  unschedule(it);
  if (!remember) return entries_.erase(it);
  auto& c = collected_[it->first];
  if (c.forget_at != TimePoint::max()) timers_.erase({c.forget_at, it->first});
  c = Collected{r.owner, r.owner_generation, r.record_version, r.owner_lamport, now + cfg_.collected_memory};
  timers_.insert({c.forget_at, it->first});
  const auto s = shards_.find(r.owner);
  if (s != shards_.end() && s->second.generation == r.owner_generation) {
    s->second.gc_version = std::max(s->second.gc_version, r.record_version);
  }
  return entries_.erase(it);
}

void Store::make_tombstone(Entry& e, TimePoint now, std::int64_t wall_ms) {
  e.rec.status = InstanceStatus::deregistered;
  e.rec.deregistered_ms = wall_ms;
  e.ttl_at = e.crit_at = e.drop_at = TimePoint::max();
  e.down_view = false;
  e.collect_at = now + cfg_.tombstone_retention;
}

// ---- the local shard ----

// The entry of a key this node owns and that is not a tombstone.
Result<Store::Map::iterator> Store::owned(const InstanceKey& key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return fail(Err::not_found, key_text(key) + " is not registered");
  const Instance& r = it->second.rec;
  if (r.owner != cfg_.node) {
    return fail(Err::not_owner, key_text(key) + " is owned by node " + r.owner);
  }
  if (r.status == InstanceStatus::deregistered) {
    return fail(Err::not_found, key_text(key) + " is deregistered");
  }
  return it;
}

// A record this node did not hold live: a new key, a tombstone's key (a
// new registration is a new record) or a key another node owned (it moves
// here, after everything the clock has seen of it).
Instance Store::register_new(const Now& now, Instance in, Map::iterator old) {
  std::string previous;
  if (old != entries_.end()) {
    const Instance& o = old->second.rec;
    clock_.witness(o.owner_lamport);
    if (o.owner != cfg_.node && o.status != InstanceStatus::deregistered) previous = o.owner;
  }
  if (const auto c = collected_.find(in.key()); c != collected_.end()) clock_.witness(c->second.lamport);
  in.status = InstanceStatus::starting;
  in.check_state = CheckState::critical;
  in.last_check_ms = 0;
  in.consecutive_failures = 0;
  in.uuid = Uuid::generate(rng_);
  in.registered_ms = now.wall_ms;
  in.deregistered_ms = 0;
  in.owner = cfg_.node;
  in.owner_generation = cfg_.generation;
  in.owner_lamport = clock_.increment();
  in.previous_owner = previous;
  // The version this change replaces in the local shard: a tombstone of
  // this node's own (re-registered), or nothing.
  in.record_version = 0;
  if (old != entries_.end() && old->second.rec.owner == cfg_.node &&
      old->second.rec.owner_generation == cfg_.generation) {
    in.record_version = old->second.rec.record_version;
  }
  if (old == entries_.end()) old = entries_.emplace(in.key(), Entry{}).first;
  unschedule(old);
  old->second = Entry{};
  old->second.rec = std::move(in);
  return commit(old->second, previous.empty() ? ChangeKind::added : ChangeKind::moved, now.wall_ms, previous);
}

Result<Instance> Store::register_instance(const Now& now, Instance in, RegisterOptions opt) {
  if (in.kind != RecordKind::instance) return invalid("kind: register_instance takes an instance");
  return upsert(now, std::move(in), opt);
}

Result<Instance> Store::declare_dependency(const Now& now, Dependency dep) {
  if (auto st = validate_dependency(dep); !st) return std::move(st).failure();
  const Instance* held = find(dep.key());
  if (held != nullptr && held->status != InstanceStatus::deregistered && held->status != InstanceStatus::down &&
      held->dependency != nullptr && !(*held->dependency == dep)) {
    return fail(Err::already_exists, key_text(dep.key()) + " is declared already (by node " + held->owner +
                                         ") with other terms; remove it before declaring new ones");
  }
  return upsert(now, dependency_record(std::move(dep)), {});
}

Result<Instance> Store::remove_dependency(const Now& now, const std::string& service, const std::string& depends_on) {
  return deregister(now, InstanceKey{service, depends_on, RecordKind::dependency});
}

Result<Instance> Store::upsert(const Now& now, Instance in, RegisterOptions opt) {
  anchor(now);
  if (auto st = validate_record(in); !st) return std::move(st).failure();
  if (opt.ttl < Duration::zero()) return invalid("ttl: must not be negative");
  auto it = entries_.find(in.key());
  const bool live_here = it != entries_.end() && it->second.rec.owner == cfg_.node &&
                         it->second.rec.status != InstanceStatus::deregistered;
  Instance out;
  if (!live_here) {
    out = register_new(now, std::move(in), it);
    it = entries_.find(out.key());
  } else if (!same_registration(it->second.rec, in)) {
    Instance& r = it->second.rec;
    r.host = std::move(in.host);
    r.port = in.port;
    r.protocol = std::move(in.protocol);
    r.version = std::move(in.version);
    r.tags = std::move(in.tags);
    r.metadata = std::move(in.metadata);
    r.weight = in.weight;
    r.region = std::move(in.region);
    r.zone = std::move(in.zone);
    r.health_check_url = std::move(in.health_check_url);
    r.metrics_url = std::move(in.metrics_url);
    r.dependency = std::move(in.dependency);
    out = commit(it->second, ChangeKind::updated, now.wall_ms);
  } else {
    out = it->second.rec;  // the same registration again: nothing changes
  }
  Entry& e = it->second;
  e.ttl = opt.ttl;
  e.ttl_at = opt.ttl > Duration::zero() ? now.mono + opt.ttl : TimePoint::max();
  if (opt.ttl == Duration::zero()) e.crit_at = TimePoint::max();
  reschedule(it);
  return out;
}

Result<Instance> Store::deregister(const Now& now, const InstanceKey& key) {
  anchor(now);
  const auto it = entries_.find(key);
  if (it != entries_.end() && it->second.rec.owner == cfg_.node &&
      it->second.rec.status == InstanceStatus::deregistered) {
    return it->second.rec;  // already a tombstone: nothing changes
  }
  auto found = owned(key);
  if (!found) return std::move(found).failure();
  make_tombstone((*found)->second, now.mono, now.wall_ms);
  reschedule(*found);
  return commit((*found)->second, ChangeKind::deregistered, now.wall_ms);
}

Result<Instance> Store::drain(const Now& now, const InstanceKey& key) {
  anchor(now);
  auto found = owned(key);
  if (!found) return std::move(found).failure();
  Entry& e = (*found)->second;
  if (e.rec.status == InstanceStatus::draining) return e.rec;
  e.rec.status = InstanceStatus::draining;
  return commit(e, ChangeKind::status_changed, now.wall_ms);
}

Result<Instance> Store::apply_check(const Now& now, const InstanceKey& key, CheckState check) {
  anchor(now);
  auto found = owned(key);
  if (!found) return std::move(found).failure();
  Entry& e = (*found)->second;
  if (!registry::apply_check(e.rec, check, now.wall_ms)) return e.rec;
  if (e.ttl > Duration::zero()) {
    // A TTL registration critical by a check counts down like a lapse.
    if (check != CheckState::critical) {
      e.crit_at = TimePoint::max();
    } else if (e.crit_at == TimePoint::max() && cfg_.deregister_critical_after > Duration::zero()) {
      e.crit_at = now.mono + cfg_.deregister_critical_after;
    }
    reschedule(*found);
  }
  return commit(e, ChangeKind::status_changed, now.wall_ms);
}

Result<Instance> Store::renew(const Now& now, const InstanceKey& key, CheckState check) {
  anchor(now);
  auto found = owned(key);
  if (!found) return std::move(found).failure();
  Entry& e = (*found)->second;
  if (e.ttl == Duration::zero()) {
    return fail(Err::failed_precondition, key_text(key) + " has no TTL to renew");
  }
  e.ttl_at = now.mono + e.ttl;
  if (check != CheckState::critical) {
    e.crit_at = TimePoint::max();
  } else if (e.crit_at == TimePoint::max() && cfg_.deregister_critical_after > Duration::zero()) {
    e.crit_at = now.mono + cfg_.deregister_critical_after;
  }
  reschedule(*found);
  if (!registry::apply_check(e.rec, check, now.wall_ms)) return e.rec;
  return commit(e, ChangeKind::status_changed, now.wall_ms);
}

// ---- timers ----

TimePoint Store::next_deadline() const { return timers_.empty() ? TimePoint::max() : timers_.begin()->first; }

void Store::on_timer(TimePoint now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    const InstanceKey key = timers_.begin()->second;
    timers_.erase(timers_.begin());
    if (const auto c = collected_.find(key); c != collected_.end() && c->second.forget_at <= now) {
      collected_.erase(c);
    }
    const auto it = entries_.find(key);
    if (it != entries_.end() && it->second.due <= now) {
      it->second.due = TimePoint::max();  // its timer is gone
      fire(it, now);
    }
  }
}

// Everything of one entry that is due, in the order it fell due.
void Store::fire(Map::iterator it, TimePoint now) {
  Entry& e = it->second;
  const std::int64_t wall = wall_at(now);
  if (e.collect_at <= now) {
    erase_entry(it, now, true);
    return;
  }
  if (e.drop_at <= now) {
    emit(ChangeKind::dropped, e.rec);
    erase_entry(it, now, false);
    return;
  }
  if (e.crit_at <= now) {
    make_tombstone(e, now, wall);
    commit(e, ChangeKind::deregistered, wall);
    reschedule(it);
    return;
  }
  if (e.ttl_at <= now) {
    e.ttl_at = TimePoint::max();
    if (cfg_.deregister_critical_after > Duration::zero() && e.crit_at == TimePoint::max()) {
      e.crit_at = now + cfg_.deregister_critical_after;
    }
    if (registry::apply_check(e.rec, CheckState::critical, wall)) commit(e, ChangeKind::status_changed, wall);
  }
  reschedule(it);
}

}  // namespace wkd::registry
