// The replica's repair paths: the hashed digest, the anti-entropy exchange
// and the pull of records over the request/response stream.
#include <algorithm>

#include "registry/replica.hpp"

namespace wkd::registry {

namespace {

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t name_hash(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return mix(h);
}

std::uint64_t state_hash(const ShardState& s) {
  return mix(name_hash(s.owner) ^ mix(s.generation + 0x9e3779b97f4a7c15ULL) ^ mix(~s.watermark));
}

// About eight shards a bucket, 1 to kMaxSyncBuckets buckets.
std::uint32_t bucket_count(std::size_t shards) {
  std::uint32_t b = 1;
  while (b < kMaxSyncBuckets && b * 8 < shards) b *= 2;
  return b;
}

std::uint32_t bucket_of(const std::string& owner, std::uint32_t buckets) {
  return static_cast<std::uint32_t>(name_hash(owner) & (buckets - 1));
}

}  // namespace

ShardState Replica::state_of(const ShardDigest& d) const {
  return ShardState{d.owner, d.generation, watermark(d.owner), d.gc_version};
}

// The digest, hashed: a shard that never held a record is left out, so a
// node that registered nothing does not differ from peers that never heard
// of it.
SyncMsg Replica::make_sync() const {
  const auto digest = store_.digest();
  SyncMsg m;
  m.from = cfg_.store.node;
  m.buckets = bucket_count(digest.size());
  m.hashes.assign(m.buckets, 0);
  for (const ShardDigest& d : digest) {
    if (d.version == 0 && d.gc_version == 0) continue;
    m.hashes[bucket_of(d.owner, m.buckets)] += state_hash(state_of(d));
  }
  return m;
}

std::vector<ShardState> Replica::differing(const SyncMsg& theirs) const {
  const auto digest = store_.digest();
  std::vector<std::uint64_t> ours(theirs.buckets, 0);
  std::vector<ShardState> states;
  states.reserve(digest.size());
  for (const ShardDigest& d : digest) {
    // An empty shard stays out of the hashes but is answered for when its
    // bucket differs: a peer still holding records of an owner's earlier
    // life (a restart without its state) learns the new generation from
    // the owner, or from any node that learnt it, before anything is
    // registered in it.
    const bool empty = d.version == 0 && d.gc_version == 0;
    states.push_back(state_of(d));
    if (!empty) ours[bucket_of(d.owner, theirs.buckets)] += state_hash(states.back());
  }
  std::vector<ShardState> out;
  for (ShardState& s : states) {
    const std::uint32_t b = bucket_of(s.owner, theirs.buckets);
    if (ours[b] != theirs.hashes[b]) out.push_back(std::move(s));
  }
  // A bucket that differs only by shards this node lacks gives nothing to
  // send, but says the peer has something: sync with it next.
  if (out.empty() && ours != theirs.hashes) out.push_back(ShardState{});
  return out;
}

// ---- anti-entropy, the requester's side ----

void Replica::start_sync(TimePoint now, const std::string& peer) {
  const auto p = peers_.find(peer);
  if (p == peers_.end()) return;
  const Bytes msg = encode(make_sync());
  ++stats_.syncs;
  stats_.bytes_sent += msg.size();
  std::weak_ptr<bool> alive = alive_;
  auto st = serf_.request_wkd(now, p->second.addr, msg, cfg_.request_timeout,
                              [this, alive, peer](TimePoint t, swim::Memberlist::Reply r) {
                                if (alive.expired()) return;
                                now_ = std::max(now_, t);
                                if (!r.ok) {
                                  log(LogLevel::debug, "sync with " + peer + " failed: " + r.error);
                                  return;
                                }
                                stats_.bytes_received += r.body.size();
                                on_sync_reply(t, peer, r.body);
                              });
  if (!st) log(LogLevel::debug, "sync with " + peer + " not sent: " + st.message());
}

void Replica::on_sync_reply(TimePoint now, const std::string& peer, ByteView reply) {
  auto m = decode_sync_reply(reply);
  if (!m) {
    ++stats_.decode_errors;
    log(LogLevel::warn, "dropped a malformed sync reply from " + peer + ": " + m.message());
    return;
  }
  std::vector<ShardVersion> want;
  for (const ShardState& s : m->shards) {
    if (s.owner.empty() || s.owner == cfg_.store.node || pulling_.count(s.owner)) continue;
    const auto held = store_.shard(s.owner);
    const std::uint64_t mine = watermark(s.owner);
    const bool same_gen = held && held->generation == s.generation;
    const bool behind = !held || s.generation > held->generation || (same_gen && s.watermark > mine);
    if (behind) want.push_back(ShardVersion{s.owner, s.generation, same_gen ? mine : 0});
  }
  if (!want.empty()) request_pull(now, peer, std::move(want), false);
}

// ---- pulls, the requester's side ----

void Replica::request_pull(TimePoint now, const std::string& peer, std::vector<ShardVersion> shards, bool relay) {
  const auto p = peers_.find(peer);
  if (p == peers_.end() || shards.empty()) return;
  std::vector<std::string> owners;
  for (const ShardVersion& s : shards) {
    PullState& ps = pulling_[s.owner];
    ++ps.inflight;
    ps.started = now;
    owners.push_back(s.owner);
  }
  PullMsg pm{cfg_.store.node, cfg_.pull_page_bytes, std::move(shards)};
  const Bytes msg = encode(pm);
  ++stats_.pulls;
  stats_.bytes_sent += msg.size();
  std::weak_ptr<bool> alive = alive_;
  auto done = [this, alive, peer, relay, owners](TimePoint t, swim::Memberlist::Reply r) {
    if (alive.expired()) return;
    now_ = std::max(now_, t);
    if (!r.ok) {
      ++stats_.pull_failures;
      log(LogLevel::debug, "pull from " + peer + " failed: " + r.error);
      end_pulls(owners);
      return;
    }
    stats_.bytes_received += r.body.size();
    on_pull_reply(t, peer, r.body, relay, owners);
  };
  auto st = serf_.request_wkd(now, p->second.addr, msg, cfg_.request_timeout, std::move(done));
  if (!st) {
    end_pulls(owners);
    log(LogLevel::debug, "pull from " + peer + " not sent: " + st.message());
  }
}

// A request for these shards is over without an answer: a shard no other
// request asks for is no longer being pulled.
void Replica::end_pulls(const std::vector<std::string>& owners) {
  for (const auto& o : owners) {
    const auto it = pulling_.find(o);
    if (it != pulling_.end() && --it->second.inflight <= 0) pulling_.erase(it);
  }
}

void Replica::lift(const std::string& owner, std::uint64_t generation, std::uint64_t watermark) {
  const auto held = store_.shard(owner);
  if (!held || held->generation != generation || owner == cfg_.store.node) return;
  Progress& p = progress_[owner];
  if (p.generation != generation) p = Progress{generation, 0, {}};
  const std::uint64_t before = p.watermark;
  p.watermark = std::max(p.watermark, watermark);
  p.close_gaps();
  if (p.watermark > before) mark_recent(owner);
}

void Replica::on_pull_reply(TimePoint now, const std::string& peer, ByteView reply, bool relay,
                            const std::vector<std::string>& asked) {
  auto m = decode_pull_reply(reply);
  if (!m) {
    ++stats_.decode_errors;
    log(LogLevel::warn, "dropped a malformed pull reply from " + peer + ": " + m.message());
    end_pulls(asked);
    return;
  }
  for (const auto& o : asked) {
    if (const auto it = pulling_.find(o); it != pulling_.end()) --it->second.inflight;
  }
  std::vector<ShardVersion> more;
  std::set<std::string> answered;
  bool progress = false;
  for (const PullSection& s : m->sections) {
    const std::string& owner = s.state.owner;
    const auto ps = pulling_.find(owner);
    if (ps == pulling_.end() || !answered.insert(owner).second) continue;  // not asked (or twice)
    if (s.full && !ps->second.full) {
      ps->second.full = true;
      ps->second.generation = s.state.generation;
      ps->second.full_from = peer;
    } else if (ps->second.full && ps->second.full_from != peer) {
      // One peer's key set decides what a whole-shard pull collects. With
      // no request left out, that pull is over unfinished: forget it, so
      // the next sync pulls the shard again.
      if (ps->second.inflight <= 0) pulling_.erase(ps);
      continue;
    }
    for (const WireRecord& wr : s.records) {
      take(wr, relay);
      ++stats_.pulled_records;
      if (ps->second.full) ps->second.present.insert(wr.rec.key());
    }
    progress = progress || !s.records.empty() || s.complete;
    if (s.complete) {
      // The owner restarted without its state (perhaps with no record
      // yet): what this node holds of its older life goes DOWN.
      store_.adopt_generation(now, owner, s.state.generation);
      if (ps->second.full) {
        store_.collect_absent(now, owner, s.state.generation, s.state.watermark, ps->second.present);
      }
      lift(owner, s.state.generation, s.state.watermark);
      pulling_.erase(ps);
    } else if (s.records.empty()) {
      // No page and not complete: give up until the next sync (unless
      // another request for it is still out).
      if (ps->second.inflight <= 0) pulling_.erase(ps);
    } else {
      more.push_back(ShardVersion{owner, s.state.generation, s.records.back().rec.record_version});
    }
  }
  // Shards the reply had no room for are asked again, from where they were.
  for (const auto& o : asked) {
    const auto ps = pulling_.find(o);
    if (answered.count(o) || ps == pulling_.end()) continue;
    if (!progress) {
      if (ps->second.inflight <= 0) pulling_.erase(ps);
      continue;
    }
    const auto held = store_.shard(o);
    more.push_back(ShardVersion{o, held ? held->generation : 0, held ? watermark(o) : 0});
  }
  if (!more.empty()) request_pull(now, peer, std::move(more), relay);
}

// ---- the responder's side ----

std::optional<Bytes> Replica::answer_wkd_request(ByteView msg) {
  stats_.bytes_received += msg.size();
  auto type = peek_type(msg);
  if (!type) {
    ++stats_.decode_errors;
    return std::nullopt;
  }
  Bytes out;
  switch (*type) {
    case MsgType::sync: out = answer_sync(msg); break;
    case MsgType::pull: out = answer_pull(msg); break;
    default: return std::nullopt;  // gossip types sent one-way
  }
  stats_.bytes_sent += out.size();
  return out;
}

Bytes Replica::answer_sync(ByteView msg) {
  auto m = decode_sync(msg);
  if (!m) {
    ++stats_.decode_errors;
    log(LogLevel::warn, "answered a malformed sync with nothing: " + m.message());
    return encode(SyncReply{});
  }
  ++stats_.sync_answers;
  SyncReply r{differing(*m)};
  // The requester has something this node lacks, or the other way round:
  // the next exchange of this node goes to it.
  if (!r.shards.empty() && m->from != cfg_.store.node) sync_hint_ = m->from;
  std::erase_if(r.shards, [](const ShardState& s) { return s.owner.empty(); });
  return encode(r);
}

Bytes Replica::answer_pull(ByteView msg) {
  auto m = decode_pull(msg);
  if (!m) {
    ++stats_.decode_errors;
    log(LogLevel::warn, "answered a malformed pull with nothing: " + m.message());
    return encode(PullReply{});
  }
  ++stats_.pull_answers;
  const std::size_t budget = std::clamp<std::uint64_t>(m->max_bytes, 4096, cfg_.pull_page_bytes);
  std::size_t used = 0;
  PullReply reply;
  for (const ShardVersion& want : m->shards) {
    if (used >= budget) break;
    PullSection s;
    const auto held = store_.shard(want.owner);
    if (!held) {
      s.state = ShardState{want.owner, want.generation, 0, 0};
      s.complete = true;
      reply.sections.push_back(std::move(s));
      continue;
    }
    s.state = state_of(*held);
    std::uint64_t after = want.version;
    if (held->generation != want.generation || after < held->gc_version) {
      s.full = held->generation >= want.generation;
      after = 0;
    }
    s.complete = true;
    if (held->generation >= want.generation) {
      for (Instance& rec : store_.records_since(want.owner, after)) {
        WireRecord wr{std::move(rec), 0};
        const std::size_t size = encoded_size(wr);
        if (used + size > budget && used > 0) {
          s.complete = false;
          break;
        }
        used += size;
        s.records.push_back(std::move(wr));
      }
    }
    // The page is full before this shard's first record: leave it and the
    // rest out, so the requester asks for them with its next page (an empty
    // incomplete section would tell it to give up until its next sync).
    if (!s.complete && s.records.empty()) break;
    reply.sections.push_back(std::move(s));
  }
  return encode(reply);
}

// ---- the digest in Serf's push/pull ----

Bytes Replica::wkd_local_state(bool) { return encode(make_sync()); }

void Replica::merge_wkd_state(ByteView state, bool) {
  auto m = decode_sync(state);
  if (!m) {
    ++stats_.decode_errors;
    log(LogLevel::warn, "dropped a malformed WkdState: " + m.message());
    return;
  }
  if (m->from == cfg_.store.node || differing(*m).empty()) return;
  // Different: exchange with that node at once (a joiner catches up here).
  sync_hint_ = m->from;
  sync_at_ = std::min(sync_at_, now_ + cfg_.eager_delay);
}

}  // namespace wkd::registry
