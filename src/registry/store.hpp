// The registry store: every service instance one node holds, and every
// decision it takes about them without the network.
//
// Records are keyed by (service, instance id) and each belongs to one
// owner: the node it was registered on, in one generation of that node (a
// 64-bit value the node picks when it starts without its state). The
// records of one (owner, generation) form a shard; only the owner writes
// it, and every real change raises the shard's version and stamps the
// record with it. The local node writes its own shard (register,
// deregister, drain, check results, TTL renewals); the records of other
// shards come from peers through apply_remote and are judged by the rules
// of docs/registry.md ("Ownership, versions and tombstones"):
//
//  * within a shard, the higher (generation, version) wins; a record of an
//    older generation of a known owner is dropped;
//  * between owners, the higher (Lamport time, owner name) wins: the same
//    key registered on another node moves there (a pod moved);
//  * a deregistration leaves a tombstone for `tombstone_retention`, then
//    the key is collected and remembered as (owner, generation, version,
//    Lamport time), so an older copy can never bring it back;
//  * the owner's membership is a view each node applies by itself: failed
//    turns its live instances DOWN at once and drops them after
//    `down_drop_after`; a graceful leave deregisters them; alive again (in
//    the same generation) restores them. None of these is a write by the
//    owner, so none changes a version.
//
// Every real change appends one Change to a bounded list that the runtime
// drains; no-ops (a re-registration that repeats itself, a renewal or a
// check that moves nothing) append nothing and change no version.
//
// The store offers the shape of a core::Part (next_deadline, on_timer,
// on_member_event) for the core to wrap. Pure: times come from the caller
// (a TimePoint for deadlines, wall-clock ms for the record fields), UUIDs
// from the injected Rng.
//
// Memory per record (g++ 12, x86-64, measured with sizeof): Instance is
// 576 B (its kind and a dependency's shared terms included), the store's
// Entry around it (the timers and the DOWN view) 632 B, and the map adds
// its node (32 B) and the key (service, id and kind again, 72 B): about
// 736 B before the heap. A pending deadline (a TTL, a DOWN
// drop, a tombstone's collection) adds a timer node of about 112 B. Strings
// up to 15 bytes (most service names, ids and hosts) live inline; each
// longer string, each URL, each tag (~80 B) and each metadata pair (~100 B
// plus its text) adds heap. So a bare instance costs ~0.75 KB and a typical
// one with two URLs and three tags ~1 KB, plus its metadata: over the
// issue's 500 B target, mostly by the key copy and the ten std::strings a
// record carries even when empty. Interning the strings and keying the map
// by the record itself are the ways under it, left until a benchmark says
// it matters. A collected key is remembered in 64 B plus its key's map node
// (~100 B) for `collected_memory`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/rng.hpp"
#include "common/time.hpp"
#include "registry/dependency.hpp"
#include "registry/errors.hpp"
#include "registry/instance.hpp"
#include "registry/query.hpp"
#include "serf/events.hpp"
#include "serf/lamport.hpp"

namespace wkd::registry {

// What this node knows of an owner's membership.
enum class OwnerState : std::uint8_t {
  alive,
  suspect,  // memberlist suspects it: its instances are shown as they are
  failed,   // declared failed: its live instances are DOWN
  left,     // left gracefully: its instances are deregistered
  gone,     // reaped (or never seen): only tombstones may remain
};
const char* owner_state_name(OwnerState s) noexcept;

struct StoreConfig {
  std::string node;              // the local node's name: the owner of its shard
  std::uint64_t generation = 0;  // the local shard's generation
  Duration tombstone_retention = std::chrono::hours(24);
  // A TTL registration left critical this long is deregistered; 0: never.
  Duration deregister_critical_after = std::chrono::minutes(10);
  // How long a failed owner's instances stay DOWN before they are dropped.
  Duration down_drop_after = std::chrono::hours(1);
  // How long a collected key is remembered after collection.
  Duration collected_memory = std::chrono::hours(24 * 7);
  // The change list's bound; past it the oldest change is lost and the
  // next drain says the consumer must resync.
  std::size_t max_changes = 4096;
  // The generation a member announces, if the membership layer carries it
  // (nullptr or nullopt: unknown, taken to be the one the store knows).
  std::function<std::optional<std::uint64_t>(const serf::Member&)> generation_of;
};

// The node's name must not be empty and no duration negative; the Store
// requires a config that passes.
Status validate(const StoreConfig& cfg);

// The caller's time: a monotonic point for deadlines and the wall clock
// (ms since the Unix epoch) for the record fields. The calls that take a
// TimePoint alone (on_timer, on_member_event) stamp records with the wall
// time the last Now implies for that point.
struct Now {
  TimePoint mono{};
  std::int64_t wall_ms = 0;
};

struct RegisterOptions {
  // Time to live: not renewed within it, the instance turns critical.
  // 0: no TTL.
  Duration ttl{0};
};

enum class ChangeKind : std::uint8_t { added, updated, status_changed, deregistered, dropped, moved };
const char* change_kind_name(ChangeKind k) noexcept;

struct Change {
  ChangeKind kind = ChangeKind::added;
  Instance record;             // after the change (dropped: as it was)
  std::string previous_owner;  // moved: the owner it moved from
};

struct Changes {
  std::vector<Change> changes;  // in the order they happened
  bool overflowed = false;      // some were lost: resync from the store
};

// One shard in the anti-entropy digest.
struct ShardDigest {
  std::string owner;
  std::uint64_t generation = 0;
  std::uint64_t version = 0;     // the highest version this node holds
  std::uint64_t gc_version = 0;  // the highest version collected here

  friend bool operator==(const ShardDigest&, const ShardDigest&) = default;
};

enum class Applied : std::uint8_t {
  applied,  // the record changed this node's view
  stale,    // this node already holds it or something newer
  refused,  // invalid, of an older generation, or collected
};

class Store {
 public:
  Store(StoreConfig cfg, Rng& rng);

  // ---- the local shard (each refuses a key this node does not own,
  // naming the owner: Err::not_owner) ----
  // Upsert: a new key starts STARTING; the same key again updates the
  // registrant's fields (a no-op if they are the same, which renews a
  // TTL). A key owned by another node moves here.
  Result<Instance> register_instance(const Now& now, Instance in, RegisterOptions opt = {});
  Result<Instance> deregister(const Now& now, const InstanceKey& key);
  Result<Instance> drain(const Now& now, const InstanceKey& key);
  // A health check's result (instance.hpp's apply_check).
  Result<Instance> apply_check(const Now& now, const InstanceKey& key, CheckState check);
  // Renews a TTL registration: a check result (passing by default) that
  // restarts the TTL. A critical one starts the deregister_critical_after
  // countdown as a lapse does; passing and warning stop it.
  Result<Instance> renew(const Now& now, const InstanceKey& key, CheckState check = CheckState::passing);
  // An operator's removal of a record whose owner is failed, left or gone.
  Result<Instance> force_deregister(const Now& now, const InstanceKey& key);
  // Declares that dep.service depends on dep.depends_on: the dependency
  // record keyed (service, dependsOn), owned by this node like an
  // instance. The same terms again are a no-op (declared by another node,
  // the record moves here, as an instance does); other terms while the
  // key is held live (neither removed nor DOWN with a failed owner) are
  // refused with Err::already_exists naming the owner: remove it first.
  // Two nodes declaring one key at once with different terms both
  // succeed, and the later by the Lamport clock wins everywhere.
  // Err::invalid_argument names the field.
  Result<Instance> declare_dependency(const Now& now, Dependency dep);
  // Removes it: a tombstone, kept for audit and collected like an
  // instance's. Refused for a dependency another node declared.
  Result<Instance> remove_dependency(const Now& now, const std::string& service, const std::string& depends_on);

  // ---- records from peers ----
  Applied apply_remote(const Now& now, const Instance& record);
  // Returns how many were applied.
  std::size_t apply_remote(const Now& now, std::span<const Instance> records);

  // A peer shows `owner`'s shard in a newer generation than this node
  // holds, with or without records (the owner restarted without its
  // state): the older generation's live records turn DOWN until the new
  // one re-announces them, and go after `down_drop_after` if it never
  // does. Returns whether the generation moved.
  bool adopt_generation(TimePoint now, const std::string& owner, std::uint64_t generation);

  // ---- the owners' membership (the core::Part shape) ----
  void on_member_event(TimePoint now, const serf::MemberEvent& e);
  void set_owner_suspect(const std::string& owner, bool suspect);
  OwnerState owner_state(const std::string& owner) const;

  // ---- timers: TTLs, deregister_critical_after, DOWN drops, tombstone
  // retention, collected-key memory ----
  TimePoint next_deadline() const;
  void on_timer(TimePoint now);

  // ---- change log and anti-entropy ----
  Changes drain_changes();
  // Called after every real change of the local shard (what replication
  // sends): the record and `prior`, the shard version the change replaced
  // (the record's version before it; 0 when the record is new to the
  // shard). Never called for a no-op.
  using CommitHook = std::function<void(const Instance& record, std::uint64_t prior)>;
  void set_commit_hook(CommitHook hook) { commit_hook_ = std::move(hook); }
  std::vector<ShardDigest> digest() const;
  // One shard of the digest; nullopt when its owner is unknown here.
  std::optional<ShardDigest> shard(const std::string& owner) const;
  // After a whole-shard pull (this node was behind the peer's GC): drops
  // the records of (owner, generation) up to version `upto` that the peer
  // no longer has (not in `present`): tombstones it collected, so they are
  // remembered as collected here too. Returns how many went.
  std::size_t collect_absent(TimePoint now, const std::string& owner, std::uint64_t generation,
                             std::uint64_t upto, const std::set<InstanceKey>& present);
  // The records of `owner`'s current generation with a version above
  // `after`, in version order, at most `limit` (the pull path). Records a
  // failed owner's view turned DOWN are given with the owner's status.
  std::vector<Instance> records_since(const std::string& owner, std::uint64_t after,
                                      std::size_t limit = SIZE_MAX) const;

  // ---- queries ----
  const Instance* find(const InstanceKey& key) const;
  // Services with at least one instance that is not DEREGISTERED.
  std::vector<std::string> services() const;
  // Instances only: dependency records never match a query.
  std::vector<const Instance*> instances(const Query& q) const;
  // Instances per status (indexed by InstanceStatus); empty: every service.
  std::array<std::size_t, 6> counts(const std::string& service = {}) const;
  // The dependency records (not removed, unless asked) of `service`, by
  // dependsOn; empty: of every service.
  std::vector<const Instance*> dependencies(const std::string& service = {}, bool include_removed = false) const;
  // The dependency records (not removed) whose dependsOn is `service`.
  std::vector<const Instance*> dependents(const std::string& service) const;
  std::size_t size() const noexcept { return entries_.size(); }
  const StoreConfig& config() const noexcept { return cfg_; }

 private:
  struct Entry {
    Instance rec;
    Duration ttl{0};                        // owner only
    TimePoint ttl_at = TimePoint::max();    // the TTL lapses
    TimePoint crit_at = TimePoint::max();   // deregister_critical_after ends
    TimePoint drop_at = TimePoint::max();   // a DOWN view is dropped
    TimePoint collect_at = TimePoint::max();  // a tombstone is collected
    TimePoint due = TimePoint::max();       // the earliest of the above
    InstanceStatus before_down = InstanceStatus::starting;
    bool down_view = false;  // DOWN by this node's view of the owner
  };
  struct Shard {
    std::uint64_t generation = 0;
    std::uint64_t version = 0;
    std::uint64_t gc_version = 0;
    OwnerState state = OwnerState::alive;
    // False while only the owner's membership is known (it failed or left
    // before any of its records arrived): no generation yet, no digest.
    bool known = true;
  };
  struct Collected {
    std::string owner;
    std::uint64_t generation = 0, version = 0, lamport = 0;
    TimePoint forget_at = TimePoint::max();
  };
  using Map = std::map<InstanceKey, Entry>;

  // store.cpp: the local shard and the plumbing.
  Result<Map::iterator> owned(const InstanceKey& key);
  Result<Instance> upsert(const Now& now, Instance in, RegisterOptions opt);
  Instance& commit(Entry& e, ChangeKind kind, std::int64_t wall_ms, std::string previous_owner = {});
  void emit(ChangeKind kind, const Instance& rec, std::string previous_owner = {});
  void reschedule(const Map::iterator& it);
  void unschedule(const Map::iterator& it);
  Map::iterator erase_entry(Map::iterator it, TimePoint now, bool remember);
  void make_tombstone(Entry& e, TimePoint now, std::int64_t wall_ms);
  Instance register_new(const Now& now, Instance in, Map::iterator old);
  void anchor(const Now& now);
  std::int64_t wall_at(TimePoint t) const;
  // store_remote.cpp: peers and membership.
  Applied apply_one(const Now& now, const Instance& r);
  bool resurrects(const Instance& r) const;
  void new_generation(const std::string& owner, Shard& s, std::uint64_t gen, TimePoint now,
                      const Instance* announced = nullptr);
  void set_down(Map::iterator it, TimePoint now);
  void apply_owner_view(Map::iterator it, const Shard& s, TimePoint now);
  void owner_failed(const std::string& owner, TimePoint now);
  void owner_left(const std::string& owner, TimePoint now);
  void owner_alive(const serf::Member& m, TimePoint now);
  void owner_reaped(const std::string& owner, TimePoint now);
  Shard& shard_for_event(const std::string& owner);
  void fire(Map::iterator it, TimePoint now);

  StoreConfig cfg_;
  Rng& rng_;
  serf::LamportClock clock_;
  Map entries_;
  std::map<std::string, Shard> shards_;  // by owner; the local one included
  std::map<InstanceKey, Collected> collected_;
  // Deadlines of entries and of collected keys, by time.
  std::set<std::pair<TimePoint, InstanceKey>> timers_;
  std::deque<Change> changes_;
  bool overflowed_ = false;
  CommitHook commit_hook_;
  TimePoint anchor_mono_{};
  std::int64_t anchor_wall_ = 0;
};

}  // namespace wkd::registry
