// wkd::registry::Replica — one node's copy of the registry, kept in step
// with every other wkd node's.
//
// The replica owns the node's Store (store.hpp: the records, their
// ownership and the local decisions) and spreads what changes in it to the
// other wkd nodes through the Serf layer, never to plain Serf or
// memberlist peers (docs/registry.md, "Replication"):
//
//  * Rumour. A change of the local shard, or a record newer than what this
//    node held, goes out at once (within `eager_delay`, batched) in its own
//    datagram to `fanout` random wkd peers, and into Serf's wkd gossip
//    queue for memberlist's retransmissions, one slot per record so a newer
//    change replaces an older one. A record too big to ride inline is
//    announced (owner, generation, version) instead, and a node that hears
//    of it pulls it from the node that told it.
//  * Stragglers. The rumour misses about e^-fanout of the nodes, and
//    under load the gossip queue gives a fresh record about one
//    transmission. So a shard whose watermark moved here joins this
//    node's recent set, and every `recent_interval` (jittered) the node
//    announces the set, most recent first and as much as one datagram
//    holds, to one random wkd peer as [owner, generation, watermark]; a
//    peer whose watermark is lower pulls the difference from it. A shard
//    leaves the set once announced `recent_peers` times: since every node
//    that holds the change announces it, a node the rumour missed is told
//    about once a round and left out after k rounds with odds about e^-k.
//    Nothing is sent while nothing changes; under churn one datagram a
//    node per interval at most.
//  * Pull. A request/response exchange over TCP (Serf::request_wkd): "the
//    records of these shards after these versions", in pages of at most
//    `pull_page_bytes`. One pull per shard at a time, but one unanswered
//    after `recent_interval` is doubled to the next peer announcing the
//    shard (under loss a lost SYN costs a second).
//  * Anti-entropy. Every `sync_interval` (jittered) the replica sends one
//    random wkd peer its digest hashed into buckets; the peer answers with
//    its shards of the buckets that differ and the replica pulls what it
//    lacks. The same digest rides in Serf's push/pull (the WkdState key),
//    so a node that joins catches up at once.
//
// Out-of-order gossip is why a shard's progress is a watermark, not its
// highest version: every change carries the version it replaced, so a
// node counts a version it no longer needs (superseded) as held, and the
// watermark is the highest version up to which nothing is missing. The
// digest compares watermarks; a complete pull from a peer lifts ours to
// the peer's.
//
// The replica has the shape of a core::Part (next_deadline, on_timer,
// on_member_event) and is Serf's WkdHandler. Pure: time comes with every
// call, randomness from the injected Rng.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/address.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "common/time.hpp"
#include "registry/codec.hpp"
#include "registry/store.hpp"
#include "serf/events.hpp"
#include "serf/serf.hpp"
#include "serf/wkd_messages.hpp"

namespace wkd::registry {

struct ReplicaConfig {
  StoreConfig store;
  // Random wkd peers each fresh change is pushed to at once.
  int fanout = 5;
  // How long fresh changes wait to be batched into one datagram.
  Duration eager_delay = std::chrono::milliseconds(5);
  // An encoded record over this many bytes is announced, then pulled.
  std::size_t inline_max = 1024;
  // The largest datagram the eager push builds.
  std::size_t datagram_max = 1200;
  // Anti-entropy: one digest exchange per interval (jittered to 0.5-1.5x).
  Duration sync_interval = std::chrono::seconds(5);
  // Stragglers: the recent set announced to one random wkd peer per
  // interval (jittered to 0.5-1.5x), each shard to this many peers.
  Duration recent_interval = std::chrono::milliseconds(100);
  int recent_peers = 8;
  Duration request_timeout = std::chrono::seconds(10);
  std::size_t pull_page_bytes = std::size_t{1} << 20;
  // Versions held above a shard's watermark that are remembered (past it
  // a gap is left to anti-entropy).
  std::size_t max_ahead = 4096;
};

// Every refusal names its field.
Status validate(const ReplicaConfig& cfg);

struct ReplicaStats {
  std::uint64_t records_sent = 0;      // inline, eager or gossip-queued
  std::uint64_t announces_sent = 0;
  std::uint64_t recent_sent = 0;       // recent-set announcements (datagrams)
  std::uint64_t datagrams_sent = 0;    // eager pushes
  std::uint64_t records_received = 0;  // decoded, gossip and pulls
  std::uint64_t records_applied = 0;
  std::uint64_t syncs = 0, sync_answers = 0;
  std::uint64_t pulls = 0, pull_answers = 0, pull_failures = 0;
  std::uint64_t pulled_records = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0;  // registry messages, before framing
  std::uint64_t decode_errors = 0;                   // malformed registry messages dropped
  std::uint64_t refused = 0;                         // records the store refused
  std::uint64_t owner_refetches = 0;                 // owners back from failed, refetched
};

class Replica final : public serf::WkdHandler {
 public:
  // `serf` must outlive the replica; the replica registers itself as its
  // WkdHandler. `start` anchors the wall clock for records stamped by
  // timers.
  Replica(ReplicaConfig cfg, serf::Serf& serf, Rng& rng, LogSink& log, const Now& start);
  ~Replica() override;
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  // ---- the local shard (store.hpp; each change is replicated) ----
  Result<Instance> register_instance(const Now& now, Instance in, RegisterOptions opt = {});
  Result<Instance> deregister(const Now& now, const InstanceKey& key);
  Result<Instance> drain(const Now& now, const InstanceKey& key);
  Result<Instance> apply_check(const Now& now, const InstanceKey& key, CheckState check);
  Result<Instance> renew(const Now& now, const InstanceKey& key, CheckState check = CheckState::passing);
  Result<Instance> force_deregister(const Now& now, const InstanceKey& key);
  Result<Instance> declare_dependency(const Now& now, Dependency dep);
  Result<Instance> remove_dependency(const Now& now, const std::string& service, const std::string& depends_on);

  const Store& store() const noexcept { return store_; }
  Changes drain_changes() { return store_.drain_changes(); }
  const ReplicaStats& stats() const noexcept { return stats_; }
  // The highest version of `owner`'s shard up to which nothing is missing
  // here (this node's own shard: its version).
  std::uint64_t watermark(const std::string& owner) const;
  // wkd peers this node would push to (alive, tagged `wkd`, not itself).
  std::size_t wkd_peers() const noexcept { return peer_list_.size(); }

  // ---- the core::Part shape ----
  // The time of the call the owner is in. Gossip arrives without one
  // (on_wkd_message), and what it starts (the eager push's batching delay,
  // relays, records applied) is timed by the latest time the replica knows;
  // the core calls this at each of its entries.
  void advance(TimePoint now) noexcept { now_ = std::max(now_, now); }
  TimePoint next_deadline() const;
  void on_timer(TimePoint now);
  void on_member_event(TimePoint now, const serf::MemberEvent& e);

  // ---- serf::WkdHandler ----
  bool on_wkd_message(ByteView msg) override;
  std::optional<Bytes> answer_wkd_request(ByteView msg) override;
  Bytes wkd_local_state(bool join) override;
  void merge_wkd_state(ByteView state, bool join) override;

 private:
  struct Peer {
    Address addr;
    std::size_t index = 0;  // in peer_list_
  };
  struct Progress {
    std::uint64_t generation = 0;
    std::uint64_t watermark = 0;
    std::set<std::uint64_t> ahead;
    // Moves the watermark over the held versions that now follow it.
    void close_gaps() {
      while (!ahead.empty() && *ahead.begin() <= watermark + 1) {
        watermark = std::max(watermark, *ahead.begin());
        ahead.erase(ahead.begin());
      }
    }
  };
  // What a pull in flight asked, by shard, to continue a page or finish a
  // whole-shard pull. A pull that has not answered within
  // `recent_interval` (a lost SYN costs a second) may be doubled by one
  // to another peer that announces the shard; the first complete answer
  // ends both.
  struct PullState {
    bool full = false;
    std::uint64_t generation = 0;
    std::set<InstanceKey> present;  // full: the keys the peer has
    std::string full_from;          // full: that peer (a doubled pull's other answer is left)
    int inflight = 0;               // requests asking for the shard
    TimePoint started{};            // the latest of them
  };

  // replica.cpp: local changes, gossip and the timers.
  void on_commit(const Instance& rec, std::uint64_t prior);
  void spread(const WireRecord& wr);
  void announce(const std::string& owner, std::uint64_t generation, std::uint64_t version);
  void arm_eager();
  void flush_eager();
  void send_datagram(const Bytes& msg, const std::vector<const Peer*>& to);
  std::vector<const Peer*> pick_peers(std::size_t k);
  bool handle_records(ByteView msg);
  void handle_announce(ByteView msg);
  Applied take(const WireRecord& wr, bool relay);
  void note(const std::string& owner, std::uint64_t generation, std::uint64_t version, std::uint64_t prior);
  void mark_recent(const std::string& owner);
  void announce_recent();
  void add_peer(const serf::Member& m);
  void remove_peer(const std::string& name);
  Now now_at(TimePoint t) const;
  void touch(const Now& now);
  void log(LogLevel level, const std::string& msg);
  // replica_sync.cpp: digest, anti-entropy and pulls.
  ShardState state_of(const ShardDigest& d) const;
  SyncMsg make_sync() const;
  std::vector<ShardState> differing(const SyncMsg& theirs) const;
  void start_sync(TimePoint now, const std::string& peer);
  void on_sync_reply(TimePoint now, const std::string& peer, ByteView reply);
  void request_pull(TimePoint now, const std::string& peer, std::vector<ShardVersion> shards, bool relay);
  void on_pull_reply(TimePoint now, const std::string& peer, ByteView reply, bool relay,
                     const std::vector<std::string>& asked);
  void lift(const std::string& owner, std::uint64_t generation, std::uint64_t watermark);
  void end_pulls(const std::vector<std::string>& owners);
  Bytes answer_sync(ByteView msg);
  Bytes answer_pull(ByteView msg);
  void schedule_sync(TimePoint now);

  ReplicaConfig cfg_;
  // Cleared when the replica goes, for replies still on their way.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  serf::Serf& serf_;
  Rng& rng_;
  LogSink& log_;
  Store store_;
  ReplicaStats stats_;
  TimePoint now_{};
  TimePoint anchor_mono_{};
  std::int64_t anchor_wall_ = 0;

  std::unordered_map<std::string, Peer> peers_;
  std::vector<std::string> peer_list_;
  std::unordered_map<std::string, Progress> progress_;

  // Fresh records (encoded) and announcements waiting for the eager push.
  std::vector<Bytes> outbox_;
  std::vector<ShardVersion> announce_box_;
  TimePoint eager_at_ = TimePoint::max();
  // Shards announced newer than held, by the peer that told: pulled at the
  // next eager flush.
  std::map<std::string, std::map<std::string, ShardVersion>> wanted_;
  // Shards with a pull in flight (no second one until it ends).
  std::map<std::string, PullState> pulling_;
  // The recent set: shards whose watermark moved here, by a sequence
  // number (the latest move: highest), each with the times it was
  // announced since.
  struct Recent {
    std::uint64_t seq = 0;
    int sent = 0;
  };
  std::unordered_map<std::string, Recent> recent_;
  std::map<std::uint64_t, std::string> recent_order_;
  std::uint64_t recent_seq_ = 0;
  TimePoint recent_at_ = TimePoint::max();
  TimePoint sync_at_ = TimePoint::max();
  std::string sync_hint_;  // a peer whose digest differed in a push/pull
};

}  // namespace wkd::registry
