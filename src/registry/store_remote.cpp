// The store's other shards: records from peers, judged by generation,
// version and Lamport time, and the view each node keeps of the owners'
// membership (failed: DOWN, left: deregistered, back: restored). Nothing
// here is a write by an owner, so nothing here raises a version.
#include <tuple>

#include "registry/store.hpp"

namespace wkd::registry {

namespace {

// Which change a peer's newer record of the same owner makes to ours.
ChangeKind classify(const Instance& cur, const Instance& r) {
  const bool was_dead = cur.status == InstanceStatus::deregistered;
  const bool is_dead = r.status == InstanceStatus::deregistered;
  if (is_dead && !was_dead) return ChangeKind::deregistered;
  if (was_dead && !is_dead) return ChangeKind::added;
  if (cur.status != r.status || cur.check_state != r.check_state) return ChangeKind::status_changed;
  return ChangeKind::updated;
}

// Between owners, the higher (Lamport time, owner name) holds the key.
bool moves_over(const Instance& r, std::uint64_t lamport, const std::string& owner) {
  return std::tie(r.owner_lamport, r.owner) > std::tie(lamport, owner);
}

}  // namespace

bool Store::resurrects(const Instance& r) const {
  const auto c = collected_.find(r.key());
  if (c == collected_.end()) return false;
  const Collected& k = c->second;
  if (k.owner == r.owner) {
    return std::tie(r.owner_generation, r.record_version) <= std::tie(k.generation, k.version);
  }
  return !moves_over(r, k.lamport, k.owner);
}

Applied Store::apply_remote(const Now& now, const Instance& record) {
  anchor(now);
  return apply_one(now, record);
}

std::size_t Store::apply_remote(const Now& now, std::span<const Instance> records) {
  anchor(now);
  std::size_t n = 0;
  for (const auto& r : records) n += apply_one(now, r) == Applied::applied ? 1 : 0;
  return n;
}

Applied Store::apply_one(const Now& now, const Instance& r) {
  if (r.owner.empty() || !validate_record(r).ok()) return Applied::refused;
  // This node is the only writer of its own shard.
  if (r.owner == cfg_.node) return r.owner_generation == cfg_.generation ? Applied::stale : Applied::refused;
  clock_.witness(r.owner_lamport);
  auto [sit, fresh] = shards_.try_emplace(r.owner);
  Shard& s = sit->second;
  if (fresh || !s.known) {
    s.generation = r.owner_generation;
    s.known = true;
  } else if (r.owner_generation < s.generation) {
    return Applied::refused;
  } else if (r.owner_generation > s.generation) {
    new_generation(r.owner, s, r.owner_generation, now.mono, &r);
  }
  if (resurrects(r)) return Applied::refused;
  auto it = entries_.find(r.key());
  ChangeKind kind = r.status == InstanceStatus::deregistered ? ChangeKind::deregistered : ChangeKind::added;
  std::string previous;
  if (it != entries_.end()) {
    const Instance& cur = it->second.rec;
    if (cur.owner == r.owner) {
      if (std::tie(r.owner_generation, r.record_version) <= std::tie(cur.owner_generation, cur.record_version)) {
        return Applied::stale;
      }
      kind = classify(cur, r);
    } else {
      if (!moves_over(r, cur.owner_lamport, cur.owner)) return Applied::stale;
      if (cur.status == InstanceStatus::deregistered) {
        kind = classify(cur, r);  // a new record where a tombstone was
      } else {
        kind = ChangeKind::moved;
        previous = cur.owner;
      }
    }
    unschedule(it);
    it->second = Entry{};
  } else {
    it = entries_.emplace(r.key(), Entry{}).first;
  }
  it->second.rec = r;
  if (r.owner_generation == s.generation && r.record_version > s.version) s.version = r.record_version;
  if (r.status == InstanceStatus::deregistered) it->second.collect_at = now.mono + cfg_.tombstone_retention;
  apply_owner_view(it, s, now.mono);
  reschedule(it);
  emit(kind, it->second.rec, std::move(previous));
  return Applied::applied;
}

// A record arriving for an owner this node sees failed or gone is DOWN at
// once; for one that left, it is deregistered.
void Store::apply_owner_view(Map::iterator it, const Shard& s, TimePoint now) {
  Entry& e = it->second;
  if (e.rec.status == InstanceStatus::deregistered) return;
  if (s.state == OwnerState::failed || s.state == OwnerState::gone) {
    e.before_down = e.rec.status;
    e.rec.status = InstanceStatus::down;
    e.down_view = true;
    e.drop_at = now + cfg_.down_drop_after;
  } else if (s.state == OwnerState::left) {
    make_tombstone(e, now, wall_at(now));
  }
}

// The owner restarted without its state: the records of its older
// generation are DOWN until the new one re-announces them, and dropped if
// it never does (`announced`, the record that brought the news, replaces
// its own at once).
void Store::new_generation(const std::string& owner, Shard& s, std::uint64_t gen, TimePoint now,
                           const Instance* announced) {
  s.generation = gen;
  s.version = 0;
  s.gc_version = 0;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    const Instance& r = it->second.rec;
    if (r.owner != owner || r.owner_generation >= gen) continue;
    if (announced && it->first == announced->key()) continue;
    set_down(it, now);
  }
}

bool Store::adopt_generation(TimePoint now, const std::string& owner, std::uint64_t generation) {
  if (owner == cfg_.node) return false;
  const auto s = shards_.find(owner);
  if (s == shards_.end() || !s->second.known || generation <= s->second.generation) return false;
  new_generation(owner, s->second, generation, now);
  return true;
}

void Store::set_down(Map::iterator it, TimePoint now) {
  Entry& e = it->second;
  if (e.rec.status == InstanceStatus::deregistered || e.down_view) return;
  e.before_down = e.rec.status;
  e.rec.status = InstanceStatus::down;
  e.down_view = true;
  e.drop_at = now + cfg_.down_drop_after;
  reschedule(it);
  emit(ChangeKind::status_changed, e.rec);
}

// ---- the owners' membership ----

void Store::on_member_event(TimePoint now, const serf::MemberEvent& ev) {
  const std::string& name = ev.member.name;
  if (name == cfg_.node) return;
  switch (ev.type) {
    case serf::MemberEventType::failed: owner_failed(name, now); break;
    case serf::MemberEventType::leave: owner_left(name, now); break;
    case serf::MemberEventType::join:
    case serf::MemberEventType::update: owner_alive(ev.member, now); break;
    case serf::MemberEventType::reap: owner_reaped(name, now); break;
  }
}

// An owner heard of before its records: its state is kept, so records
// that arrive later are shown as that state says.
Store::Shard& Store::shard_for_event(const std::string& owner) {
  auto [it, fresh] = shards_.try_emplace(owner);
  if (fresh) it->second.known = false;
  return it->second;
}

void Store::owner_failed(const std::string& owner, TimePoint now) {
  shard_for_event(owner).state = OwnerState::failed;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.rec.owner == owner) set_down(it, now);
  }
}

void Store::owner_left(const std::string& owner, TimePoint now) {
  shard_for_event(owner).state = OwnerState::left;
  const std::int64_t wall = wall_at(now);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    Entry& e = it->second;
    if (e.rec.owner != owner || e.rec.status == InstanceStatus::deregistered) continue;
    make_tombstone(e, now, wall);
    reschedule(it);
    emit(ChangeKind::deregistered, e.rec);
  }
}

// Back (or still) alive: in the generation this node knows, the records
// this node's view turned DOWN come back as their owner left them.
void Store::owner_alive(const serf::Member& m, TimePoint now) {
  const auto sit = shards_.find(m.name);
  if (sit == shards_.end()) return;
  Shard& s = sit->second;
  if (!s.known) {
    shards_.erase(sit);  // back before any record of it arrived
    return;
  }
  const auto gen = cfg_.generation_of ? cfg_.generation_of(m) : std::nullopt;
  if (gen && *gen < s.generation) return;  // news of an older life
  s.state = OwnerState::alive;
  if (gen && *gen > s.generation) {
    new_generation(m.name, s, *gen, now);
    return;
  }
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    Entry& e = it->second;
    if (e.rec.owner != m.name || !e.down_view || e.rec.owner_generation != s.generation) continue;
    e.rec.status = e.before_down;
    e.down_view = false;
    e.drop_at = TimePoint::max();
    reschedule(it);
    emit(ChangeKind::status_changed, e.rec);
  }
}

// Reaped: its live records go now; its tombstones stay for their
// retention.
void Store::owner_reaped(const std::string& owner, TimePoint now) {
  const auto s = shards_.find(owner);
  if (s == shards_.end()) return;
  if (!s->second.known) {
    shards_.erase(s);  // nothing of it here: forget it
    return;
  }
  s->second.state = OwnerState::gone;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.rec.owner != owner || it->second.rec.status == InstanceStatus::deregistered) {
      ++it;
      continue;
    }
    emit(ChangeKind::dropped, it->second.rec);
    it = erase_entry(it, now, false);
  }
}

std::size_t Store::collect_absent(TimePoint now, const std::string& owner, std::uint64_t generation,
                                  std::uint64_t upto, const std::set<InstanceKey>& present) {
  if (owner == cfg_.node) return 0;
  std::size_t n = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Instance& r = it->second.rec;
    if (r.owner != owner || r.owner_generation != generation || r.record_version > upto || present.count(it->first)) {
      ++it;
      continue;
    }
    if (r.status != InstanceStatus::deregistered) emit(ChangeKind::dropped, r);
    it = erase_entry(it, now, true);
    ++n;
  }
  return n;
}

void Store::set_owner_suspect(const std::string& owner, bool suspect) {
  const auto s = shards_.find(owner);
  if (s == shards_.end()) return;
  OwnerState& st = s->second.state;
  if (suspect && st == OwnerState::alive) st = OwnerState::suspect;
  if (!suspect && st == OwnerState::suspect) st = OwnerState::alive;
}

OwnerState Store::owner_state(const std::string& owner) const {
  const auto s = shards_.find(owner);
  return s == shards_.end() ? OwnerState::gone : s->second.state;
}

Result<Instance> Store::force_deregister(const Now& now, const InstanceKey& key) {
  anchor(now);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return fail(Err::not_found, key_text(key) + " is not registered");
  Entry& e = it->second;
  if (e.rec.status == InstanceStatus::deregistered) return e.rec;
  if (e.rec.owner == cfg_.node) {
    return fail(Err::failed_precondition,
                key_text(key) + " is owned by this node: deregister it instead");
  }
  const OwnerState st = owner_state(e.rec.owner);
  if (st == OwnerState::alive || st == OwnerState::suspect) {
    return fail(Err::failed_precondition, key_text(key) + " is owned by node " + e.rec.owner +
                                              ", which is " + owner_state_name(st) +
                                              ": only a failed or departed owner's instances can be forced out");
  }
  make_tombstone(e, now.mono, now.wall_ms);
  reschedule(it);
  emit(ChangeKind::deregistered, e.rec);
  return e.rec;
}

}  // namespace wkd::registry
