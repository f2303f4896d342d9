// The replica's local changes, its gossip (rumours and announcements, the
// eager push) and its timers; replica_sync.cpp has the digest and pulls.
#include "registry/replica.hpp"

#include <algorithm>

namespace wkd::registry {

namespace {

// The record's slot in Serf's wkd gossip queue: a newer change of the
// same record replaces the queued one.
std::string record_key(const Instance& r) {
  return (r.kind == RecordKind::dependency ? "d/" : "r/") + r.service + "/" + r.id;
}

// 0.5x to 1.5x the interval, so the cluster's rounds do not line up.
Duration jittered(Rng& rng, Duration interval) {
  const auto base = std::chrono::duration_cast<std::chrono::microseconds>(interval).count();
  const auto jitter = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(std::max<std::int64_t>(base, 1))));
  return std::chrono::microseconds(base / 2 + jitter);
}

bool is_wkd_member(const serf::Member& m) {
  const auto it = m.tags.find("wkd");
  return it != m.tags.end() && !(*it).second.empty();
}

}  // namespace

Status validate(const ReplicaConfig& c) {
  if (auto st = validate(c.store); !st) return st;
  if (c.fanout < 0 || c.fanout > 64) return invalid("fanout: must be 0-64");
  if (c.eager_delay < Duration::zero()) return invalid("eager_delay: must not be negative");
  if (c.datagram_max < 256 || c.datagram_max > 65000) return invalid("datagram_max: must be 256-65000 bytes");
  if (c.inline_max < 64 || c.inline_max > c.datagram_max - 32) {
    return invalid("inline_max: must be 64 bytes to datagram_max - 32");
  }
  if (c.sync_interval <= Duration::zero()) return invalid("sync_interval: must be positive");
  if (c.recent_interval < std::chrono::milliseconds(1)) return invalid("recent_interval: must be at least 1 ms");
  if (c.recent_peers < 0 || c.recent_peers > 64) return invalid("recent_peers: must be 0-64");
  if (c.request_timeout <= Duration::zero()) return invalid("request_timeout: must be positive");
  if (c.pull_page_bytes < 4096) return invalid("pull_page_bytes: must be at least 4096");
  return {};
}

Replica::Replica(ReplicaConfig cfg, serf::Serf& serf, Rng& rng, LogSink& log, const Now& start)
    : cfg_(std::move(cfg)), serf_(serf), rng_(rng), log_(log), store_(cfg_.store, rng) {
  now_ = anchor_mono_ = start.mono;
  anchor_wall_ = start.wall_ms;
  store_.set_commit_hook([this](const Instance& rec, std::uint64_t prior) { on_commit(rec, prior); });
  serf_.set_wkd_handler(this);
  schedule_sync(start.mono);
}

Replica::~Replica() {
  *alive_ = false;
  serf_.set_wkd_handler(nullptr);
}

Now Replica::now_at(TimePoint t) const { return Now{t, anchor_wall_ + to_ms(t - anchor_mono_)}; }

void Replica::log(LogLevel level, const std::string& msg) {
  if (level >= log_.min_level()) log_.log(level, "registry: " + msg);
}

// ---- the local shard ----

// Every call with the caller's time re-anchors the wall clock for the
// records timers stamp.
void Replica::touch(const Now& now) {
  now_ = std::max(now_, now.mono);
  anchor_mono_ = now.mono;
  anchor_wall_ = now.wall_ms;
}

Result<Instance> Replica::register_instance(const Now& now, Instance in, RegisterOptions opt) {
  touch(now);
  return store_.register_instance(now, std::move(in), opt);
}

Result<Instance> Replica::deregister(const Now& now, const InstanceKey& key) {
  touch(now);
  return store_.deregister(now, key);
}

Result<Instance> Replica::drain(const Now& now, const InstanceKey& key) {
  touch(now);
  return store_.drain(now, key);
}

Result<Instance> Replica::apply_check(const Now& now, const InstanceKey& key, CheckState check) {
  touch(now);
  return store_.apply_check(now, key, check);
}

Result<Instance> Replica::renew(const Now& now, const InstanceKey& key, CheckState check) {
  touch(now);
  return store_.renew(now, key, check);
}

Result<Instance> Replica::force_deregister(const Now& now, const InstanceKey& key) {
  touch(now);
  return store_.force_deregister(now, key);
}

Result<Instance> Replica::declare_dependency(const Now& now, Dependency dep) {
  touch(now);
  return store_.declare_dependency(now, std::move(dep));
}

Result<Instance> Replica::remove_dependency(const Now& now, const std::string& service, const std::string& depends_on) {
  touch(now);
  return store_.remove_dependency(now, service, depends_on);
}

void Replica::on_commit(const Instance& rec, std::uint64_t prior) {
  mark_recent(cfg_.store.node);
  spread(WireRecord{rec, prior});
}

// ---- spreading ----

void Replica::spread(const WireRecord& wr) {
  Bytes one;
  append_record(one, wr);
  if (one.size() > cfg_.inline_max) {
    announce(wr.rec.owner, wr.rec.owner_generation, wr.rec.record_version);
    return;
  }
  // The gossip queue's copy: one slot per record, a newer change replaces
  // an older one still queued.
  Bytes msg = encode_records(cfg_.store.node, {ByteView(one)});
  if (serf_.broadcast_wkd(now_, msg, record_key(wr.rec)).ok()) {
    ++stats_.records_sent;
    stats_.bytes_sent += msg.size();
  }
  outbox_.push_back(std::move(one));
  arm_eager();
}

void Replica::announce(const std::string& owner, std::uint64_t generation, std::uint64_t version) {
  AnnounceMsg a{cfg_.store.node, {ShardVersion{owner, generation, version}}};
  Bytes msg = encode(a);
  if (serf_.broadcast_wkd(now_, msg, "a/" + owner).ok()) {
    ++stats_.announces_sent;
    stats_.bytes_sent += msg.size();
  }
  announce_box_.push_back(a.shards.front());
  arm_eager();
}

void Replica::arm_eager() { eager_at_ = std::min(eager_at_, now_ + cfg_.eager_delay); }

std::vector<const Replica::Peer*> Replica::pick_peers(std::size_t k) {
  std::vector<const Peer*> out;
  const std::size_t n = peer_list_.size();
  if (n == 0 || k == 0) return out;
  if (k >= n) {
    for (const auto& name : peer_list_) out.push_back(&peers_.at(name));
    return out;
  }
  std::set<std::size_t> chosen;
  while (chosen.size() < k) chosen.insert(static_cast<std::size_t>(rng_.below(n)));
  for (std::size_t i : chosen) out.push_back(&peers_.at(peer_list_[i]));
  return out;
}

void Replica::send_datagram(const Bytes& msg, const std::vector<const Peer*>& to) {
  for (const Peer* p : to) {
    if (!serf_.send_wkd(now_, p->addr, msg).ok()) continue;
    ++stats_.datagrams_sent;
    stats_.bytes_sent += msg.size();
  }
}

// The eager push: fresh records batched into datagrams, each to `fanout`
// random wkd peers; then the pulls that announcements asked for.
void Replica::flush_eager() {
  eager_at_ = TimePoint::max();
  const auto to = pick_peers(static_cast<std::size_t>(cfg_.fanout));
  std::vector<ByteView> batch;
  std::size_t size = 0;
  auto send_batch = [&] {
    if (batch.empty()) return;
    send_datagram(encode_records(cfg_.store.node, batch), to);
    stats_.records_sent += batch.size() * to.size();
    batch.clear();
    size = 0;
  };
  for (const Bytes& r : outbox_) {
    if (size + r.size() + 16 + cfg_.store.node.size() > cfg_.datagram_max) send_batch();
    batch.push_back(ByteView(r));
    size += r.size();
  }
  send_batch();
  outbox_.clear();
  if (!announce_box_.empty()) {
    AnnounceMsg a{cfg_.store.node, {}};
    for (auto& s : announce_box_) {
      a.shards.push_back(std::move(s));
      if (a.shards.size() == 32) {
        send_datagram(encode(a), to);
        a.shards.clear();
      }
    }
    if (!a.shards.empty()) send_datagram(encode(a), to);
    announce_box_.clear();
  }
  auto wanted = std::move(wanted_);
  wanted_.clear();
  for (auto& [peer, shards] : wanted) {
    std::vector<ShardVersion> list;
    for (auto& [owner, sv] : shards) list.push_back(std::move(sv));
    request_pull(now_, peer, std::move(list), true);
  }
}

// ---- stragglers: the recent set ----

void Replica::mark_recent(const std::string& owner) {
  if (cfg_.recent_peers == 0 || peer_list_.empty()) return;
  auto [it, fresh] = recent_.try_emplace(owner);
  if (!fresh) recent_order_.erase(it->second.seq);
  it->second = Recent{++recent_seq_, 0};
  recent_order_.emplace(it->second.seq, owner);
  if (recent_at_ == TimePoint::max()) {
    recent_at_ = now_ + jittered(rng_, cfg_.recent_interval);
  }
}

// One datagram to one random wkd peer: the recent set's shards, most
// recent first, at their watermark here. What did not fit waits for the
// next round; the set's tail beyond a few datagrams' worth is dropped, so
// under churn its size and cost stay bounded (anti-entropy repairs what a
// dropped shard leaves behind).
void Replica::announce_recent() {
  recent_at_ = TimePoint::max();
  const auto to = pick_peers(1);
  AnnounceMsg a{cfg_.store.node, {}};
  // The type byte, the array, the name and the list's header.
  std::size_t size = 16 + cfg_.store.node.size();
  std::vector<std::uint64_t> done;
  for (auto it = recent_order_.rbegin(); it != recent_order_.rend(); ++it) {
    const std::string& owner = it->second;
    const auto held = store_.shard(owner);
    const std::uint64_t w = watermark(owner);
    if (held && w > 0) {
      ShardVersion sv{owner, held->generation, w};
      const std::size_t entry = encoded_size(sv);
      if (size + entry > cfg_.datagram_max) break;
      a.shards.push_back(std::move(sv));
      size += entry;
    }
    Recent& r = recent_.at(owner);
    if (!held || w == 0 || ++r.sent >= cfg_.recent_peers) done.push_back(it->first);
  }
  for (std::uint64_t seq : done) {
    recent_.erase(recent_order_.at(seq));
    recent_order_.erase(seq);
  }
  const std::size_t keep = 4 * (cfg_.datagram_max / 16 + 1);
  while (recent_order_.size() > keep) {
    recent_.erase(recent_order_.begin()->second);
    recent_order_.erase(recent_order_.begin());
  }
  if (!a.shards.empty() && !to.empty()) {
    const Bytes msg = encode(a);
    if (serf_.send_wkd(now_, to.front()->addr, msg).ok()) {
      ++stats_.recent_sent;
      stats_.bytes_sent += msg.size();
    }
  }
  if (!recent_order_.empty()) {
    recent_at_ = now_ + jittered(rng_, cfg_.recent_interval);
  }
}

// ---- gossip in ----

bool Replica::on_wkd_message(ByteView msg) {
  stats_.bytes_received += msg.size();
  auto type = peek_type(msg);
  if (!type) {
    ++stats_.decode_errors;
    log(LogLevel::debug, type.message());
    return false;
  }
  switch (*type) {
    case MsgType::records: handle_records(msg); break;
    case MsgType::announce: handle_announce(msg); break;
    default:
      ++stats_.decode_errors;
      log(LogLevel::debug, "a request type (" + std::to_string(msg[0]) + ") arrived by gossip: dropped");
      break;
  }
  // The replica re-queues what is news itself (one slot per record).
  return false;
}

bool Replica::handle_records(ByteView msg) {
  auto m = decode_records(msg);
  if (!m) {
    ++stats_.decode_errors;
    log(LogLevel::warn, "dropped a malformed message: " + m.message());
    return false;
  }
  for (const WireRecord& wr : m->records) take(wr, true);
  return true;
}

void Replica::handle_announce(ByteView msg) {
  auto m = decode_announce(msg);
  if (!m) {
    ++stats_.decode_errors;
    log(LogLevel::warn, "dropped a malformed message: " + m.message());
    return;
  }
  if (m->from == cfg_.store.node || !peers_.count(m->from)) return;
  for (const ShardVersion& s : m->shards) {
    if (s.owner == cfg_.store.node) continue;
    const auto held = store_.shard(s.owner);
    // Against the watermark, not the highest version held: a node that
    // missed one change of a shard and got the next has the newest
    // version but a gap below it.
    const std::uint64_t mine = watermark(s.owner);
    const bool same_gen = held && held->generation == s.generation;
    const bool behind = !held || s.generation > held->generation || (same_gen && s.version > mine);
    if (!behind) continue;
    if (const auto p = pulling_.find(s.owner);
        p != pulling_.end() && (p->second.full || now_ - p->second.started < cfg_.recent_interval)) {
      continue;  // a pull is under way (a slow one is doubled, not a whole-shard one)
    }
    const std::uint64_t after = same_gen ? mine : 0;
    wanted_[m->from][s.owner] = ShardVersion{s.owner, s.generation, after};
    arm_eager();
  }
}

// A record from a peer (gossip or pull): its versions are noted whatever
// the store decides, and news is relayed when asked.
Applied Replica::take(const WireRecord& wr, bool relay) {
  ++stats_.records_received;
  note(wr.rec.owner, wr.rec.owner_generation, wr.rec.record_version, wr.prior);
  const Applied a = store_.apply_remote(now_at(now_), wr.rec);
  if (a == Applied::applied) {
    ++stats_.records_applied;
    if (relay) spread(wr);
  } else if (a == Applied::refused) {
    ++stats_.refused;
  }
  return a;
}

void Replica::note(const std::string& owner, std::uint64_t generation, std::uint64_t version, std::uint64_t prior) {
  if (owner == cfg_.store.node) return;
  Progress& p = progress_[owner];
  if (generation < p.generation) return;
  if (generation > p.generation) p = Progress{generation, 0, {}};
  const std::uint64_t before = p.watermark;
  for (std::uint64_t v : {prior, version}) {
    if (v > p.watermark) p.ahead.insert(v);
  }
  p.close_gaps();
  if (p.watermark > before) mark_recent(owner);
  while (p.ahead.size() > cfg_.max_ahead) p.ahead.erase(std::prev(p.ahead.end()));
}

std::uint64_t Replica::watermark(const std::string& owner) const {
  if (owner == cfg_.store.node) {
    const auto s = store_.shard(owner);
    return s ? s->version : 0;
  }
  const auto held = store_.shard(owner);
  const auto p = progress_.find(owner);
  if (!held || p == progress_.end() || p->second.generation != held->generation) return 0;
  return p->second.watermark;
}

// ---- membership ----

void Replica::add_peer(const serf::Member& m) {
  if (m.name == cfg_.store.node) return;
  auto [it, fresh] = peers_.try_emplace(m.name);
  it->second.addr = m.addr;
  if (fresh) {
    it->second.index = peer_list_.size();
    peer_list_.push_back(m.name);
  }
}

void Replica::remove_peer(const std::string& name) {
  const auto it = peers_.find(name);
  if (it == peers_.end()) return;
  const std::size_t i = it->second.index;
  if (i + 1 != peer_list_.size()) {
    peer_list_[i] = std::move(peer_list_.back());
    peers_.at(peer_list_[i]).index = i;
  }
  peer_list_.pop_back();
  peers_.erase(it);
}

void Replica::on_member_event(TimePoint now, const serf::MemberEvent& e) {
  now_ = std::max(now_, now);
  switch (e.type) {
    case serf::MemberEventType::join:
    case serf::MemberEventType::update:
      if (is_wkd_member(e.member) && e.member.status == serf::MemberStatus::alive) {
        add_peer(e.member);
      } else {
        remove_peer(e.member.name);
      }
      break;
    case serf::MemberEventType::leave:
    case serf::MemberEventType::failed:
    case serf::MemberEventType::reap: remove_peer(e.member.name); break;
  }
  const registry::OwnerState before = store_.owner_state(e.member.name);
  store_.on_member_event(now, e);
  const bool back = before == OwnerState::failed || before == OwnerState::gone || before == OwnerState::left;
  if (back && store_.owner_state(e.member.name) == OwnerState::alive && e.member.name != cfg_.store.node) {
    // An owner back from failed (a partition longer than down_drop_after,
    // say): the records this node dropped meanwhile left no trace in the
    // watermark, so forget it and fetch the owner's shard again, from the
    // owner itself if it is a wkd peer, at once.
    if (auto p = progress_.find(e.member.name); p != progress_.end()) p->second = Progress{p->second.generation, 0, {}};
    ++stats_.owner_refetches;
    if (peers_.count(e.member.name)) sync_hint_ = e.member.name;
    sync_at_ = std::min(sync_at_, now + cfg_.eager_delay);
  }
}

// ---- timers ----

TimePoint Replica::next_deadline() const {
  return std::min({store_.next_deadline(), eager_at_, recent_at_, sync_at_});
}

void Replica::on_timer(TimePoint now) {
  now_ = std::max(now_, now);
  if (store_.next_deadline() <= now) store_.on_timer(now);
  if (eager_at_ <= now) flush_eager();
  if (recent_at_ <= now) announce_recent();
  if (sync_at_ <= now) {
    schedule_sync(now);
    std::string peer = std::move(sync_hint_);
    sync_hint_.clear();
    if (peer.empty() || !peers_.count(peer)) {
      const auto picked = pick_peers(1);
      if (!picked.empty()) peer = peer_list_[picked.front()->index];
    }
    if (!peer.empty()) start_sync(now, peer);
  }
}

void Replica::schedule_sync(TimePoint now) { sync_at_ = now + jittered(rng_, cfg_.sync_interval); }

}  // namespace wkd::registry
