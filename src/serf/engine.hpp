// The Serf protocol engine: everything serf does above memberlist, as a pure
// state machine (serf serf.go, delegate.go, query.go, internal_query.go,
// ping_delegate.go; docs/wire.md §11).
//
// The engine receives memberlist's delegate hooks (user messages, broadcasts
// to piggyback, push/pull user state, join/leave/update/conflict
// notifications, ping acks) and the user's commands, and acts through a Host
// (the memberlist below it: UDP user packets, TCP joins, leave, forgetting
// nodes, re-reading meta). It never blocks: what serf does with sleeps and
// goroutines is a timer here, run from on_timer at next_deadline().
//
//  * Membership: the MemberTable applies memberlist events and Lamport-
//    stamped join/leave intents, so a graceful leave shows as `left` and a
//    crash as `failed`; a leave intent about this node while it runs is
//    refuted with a fresh join intent.
//  * Leave (serf Leave): leave intent -> wait until it has been gossiped its
//    full retransmit count, or BroadcastTimeout -> memberlist leave (dead
//    about ourselves, again up to BroadcastTimeout) -> LeavePropagateDelay ->
//    done. With no other alive member the intent wait is skipped.
//  * Gossip: intents, queries, events and wkd messages each have a
//    transmit-limited queue (swim::BroadcastQueue); get_broadcasts drains them in that order (serf's
//    order, wkd last), wkd messages only towards wkd nodes. Received news is
//    re-queued as received, so it spreads epidemically.
//  * Events: deduplicated in a 512-slot ring by Lamport time and delivered
//    once; queries likewise, answered by UDP to the querier (engine_query.cpp).
//  * Anti-entropy: the push/pull user state carries the three clocks, every
//    member's status LTime, the left members and the event ring; merging it
//    witnesses the clocks (LTime - 1), replays left members as leave intents
//    and the rest as join intents, and replays the events.
//  * Housekeeping: every ReapInterval failed members older than
//    ReconnectTimeout and left members older than TombstoneTimeout are
//    reaped (and removed from memberlist); every ReconnectInterval, with
//    probability failed/alive, a random failed member is re-joined.
//  * Coordinates: a Vivaldi client fed by direct probe acks; this node's
//    coordinate is the payload of its own acks.
//  * Name conflicts: a conflict about our own name runs the _serf_conflict
//    query; if fewer than a majority of answers agree with our address, the
//    engine raises conflicted() and reports it instead of shutting down.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "common/time.hpp"
#include "serf/config.hpp"
#include "serf/coordinate_client.hpp"
#include "serf/event_buffer.hpp"
#include "serf/events.hpp"
#include "serf/lamport.hpp"
#include "serf/member.hpp"
#include "serf/member_table.hpp"
#include "serf/query.hpp"
#include "serf/wkd_messages.hpp"
#include "swim/broadcast_queue.hpp"
#include "swim/node_state.hpp"
#include "wire/coordinate.hpp"
#include "wire/serf_messages.hpp"

namespace wkd::serf {

// What the engine needs from the memberlist below it. Calls may be made from
// inside delegate hooks; the implementation defers them until the
// memberlist call in progress has returned (Serf does).
class Host {
 public:
  virtual ~Host() = default;
  using JoinDone = std::function<void(TimePoint now, int joined, std::string errors)>;
  using LeaveDone = std::function<void(TimePoint now, bool sent)>;

  // A serf message (type byte ‖ body) in its own UDP datagram.
  virtual void send_user_packet(TimePoint now, const Address& to, ByteView serf_message) = 0;
  // TCP push/pull join with the seeds.
  virtual void join(TimePoint now, std::vector<Address> seeds, JoinDone done) = 0;
  // memberlist leave: gossip dead(self) for up to `timeout`.
  virtual void leave(TimePoint now, Duration timeout, LeaveDone done) = 0;
  // Forget a reaped member.
  virtual void remove_node(TimePoint now, std::string_view name) = 0;
  // Re-read node_meta() and gossip it.
  virtual void update_meta(TimePoint now) = 0;
};

enum class SerfState : std::uint8_t { created, alive, leaving, left, shutdown };

const char* serf_state_name(SerfState s) noexcept;

struct SerfStats {
  std::size_t members = 0, failed = 0, left = 0, recent_intents = 0;
  LamportTime member_time = 0, event_time = 0, query_time = 0;
  std::size_t intent_queue = 0, event_queue = 0, query_queue = 0, wkd_queue = 0;
  std::size_t coordinate_resets = 0;
  std::uint64_t coordinates_rejected = 0;
  std::uint64_t messages_dropped = 0;  // undecodable or of unknown type
  std::uint64_t events_delivered = 0;
  std::uint64_t queries_handled = 0;
  std::uint64_t key_queries_refused = 0;
  std::uint64_t flaps = 0;
};

class Engine {
 public:
  // cfg must pass validate(). Host, Rng, LogSink and EventSink must outlive
  // the engine.
  Engine(Config cfg, Host& host, Rng& rng, LogSink& log, EventSink& sink);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- lifecycle and commands ----

  // Checks the tags fit in node meta and arms the periodic timers. Call
  // before memberlist starts (it asks node_meta()).
  Status start(TimePoint now);

  using JoinDone = std::function<void(int joined, std::string errors)>;
  // memberlist join, then (if any seed answered) a join intent. With
  // ignore_old, events older than the ones the seeds know are not replayed.
  void join(TimePoint now, std::vector<Address> seeds, JoinDone done, bool ignore_old = false);

  using LeaveDone = std::function<void(bool clean)>;
  // Starts the graceful leave; `done(clean)` runs when it is over (clean:
  // both broadcasts went out before their timeouts).
  Status leave(TimePoint now, LeaveDone done);

  // Refuses tags whose encoded meta exceeds 512 bytes, keeping the old ones.
  Status set_tags(TimePoint now, wire::Tags tags);
  const wire::Tags& tags() const noexcept { return tags_; }

  Status user_event(TimePoint now, std::string_view name, ByteView payload, bool coalesce);

  // Starts a query; returns its ID. Handlers run as answers arrive and at
  // the deadline.
  Result<std::uint32_t> query(TimePoint now, std::string_view name, ByteView payload,
                              QueryParams params = {}, QueryHandlers handlers = {});
  // Answers a query delivered through EventSink::on_query (once, before its
  // deadline, within QueryResponseSizeLimit).
  Status respond(TimePoint now, const QueryEvent& q, ByteView payload);
  Duration default_query_timeout() const;

  // Gossips a leave intent for another (failed) node, as serf's
  // RemoveFailedNode; with prune the member is erased at once.
  Status force_leave(TimePoint now, std::string_view name, bool prune);

  // Queues a wkd-only message (first byte in 0xE0..0xEF).
  Status broadcast_wkd(ByteView msg, std::string key = {});
  // A TCP user message that may be a wkd request: the handler's answer, or
  // nullopt (not a wkd message, no handler, or no answer).
  std::optional<Bytes> answer_wkd_request(TimePoint now, ByteView msg);
  void set_wkd_handler(WkdHandler* h) noexcept { wkd_handler_ = h; }

  // ---- memberlist delegate hooks ----

  Bytes node_meta(std::size_t limit);
  void notify_msg(TimePoint now, ByteView msg);
  void get_broadcasts(TimePoint now, const swim::NodeInfo* target, std::size_t overhead,
                      std::size_t limit, std::vector<Bytes>& out);
  // Whether any of the four queues holds a message.
  bool has_broadcasts() const noexcept {
    return !intents_q_.empty() || !queries_q_.empty() || !events_q_.empty() || !wkd_q_.empty();
  }
  Bytes local_state(TimePoint now, bool join, const swim::NodeInfo* peer);
  void merge_remote_state(TimePoint now, ByteView state, bool join, const swim::NodeInfo* peer);
  void notify_join(TimePoint now, const swim::NodeInfo& node);
  void notify_leave(TimePoint now, const swim::NodeInfo& node);
  void notify_update(TimePoint now, const swim::NodeInfo& node);
  void notify_conflict(TimePoint now, const swim::NodeInfo& existing, const swim::NodeInfo& other);
  wire::NilBytes ack_payload();
  void notify_ping_complete(TimePoint now, const swim::NodeInfo& node, Duration rtt, ByteView payload);

  // ---- timers ----
  void on_timer(TimePoint now);
  TimePoint next_deadline() const noexcept;

  // ---- views ----
  SerfState state() const noexcept { return state_; }
  const MemberTable& member_table() const noexcept { return members_; }
  const Member* find(std::string_view name) const { return members_.find(name); }
  bool conflicted() const noexcept { return conflicted_; }
  const wire::Coordinate& coordinate() const noexcept { return coord_client_.coordinate(); }
  std::optional<wire::Coordinate> cached_coordinate(std::string_view name) const;
  const LamportClock& clock() const noexcept { return clock_; }
  const LamportClock& event_clock() const noexcept { return event_clock_; }
  const LamportClock& query_clock() const noexcept { return query_clock_; }
  SerfStats stats() const;
  const Config& config() const noexcept { return cfg_; }
  const std::string& name() const noexcept { return cfg_.memberlist.name; }

  // True when `node` advertises the `wkd` tag in its meta.
  static bool is_wkd_node(const swim::NodeInfo& node);

 private:
  enum class LeavePhase : std::uint8_t { none, intent, memberlist, propagate };

  void log(LogLevel level, const std::string& line);
  void queue_intent(Bytes msg, swim::BroadcastQueue::Done done = {});

  // Intents.
  void broadcast_join(TimePoint now, LamportTime ltime);
  bool handle_leave_intent(TimePoint now, const wire::SerfLeave& m);
  bool handle_join_intent(TimePoint now, const wire::SerfJoin& m);
  void prune_member(TimePoint now, const std::string& name);
  void erase_member(TimePoint now, const std::string& name);

  // Leave sequence.
  void leave_memberlist(TimePoint now);
  void on_memberlist_left(TimePoint now, bool sent);

  // Events.
  bool handle_user_event(const wire::SerfUserEvent& e);

  // Queries, responses and relays (engine_query.cpp).
  bool handle_query(TimePoint now, const wire::SerfQuery& q);
  void handle_internal_query(TimePoint now, const QueryEvent& q);
  void handle_query_response(TimePoint now, const wire::SerfQueryResponse& r);
  void handle_relay(TimePoint now, const wire::SerfRelay& r);
  Status send_response(TimePoint now, const QueryEvent& q, wire::NilBytes payload);
  void send_and_relay(TimePoint now, const QueryEvent& q, const wire::SerfQueryResponse& resp,
                      ByteView raw);
  void relay_response(TimePoint now, std::uint8_t relay_factor, const Address& dest,
                      const std::string& dest_name, ByteView raw_response);
  void resolve_conflict(TimePoint now, const Address& other);
  void finish_conflict(const Address& other);

  // Housekeeping.
  void reap(TimePoint now);
  void reconnect(TimePoint now);
  void check_queues();
  void handle_wkd(ByteView msg);

  Config cfg_;
  Host& host_;
  Rng& rng_;
  LogSink& log_;
  EventSink& sink_;
  WkdHandler* wkd_handler_ = nullptr;

  SerfState state_ = SerfState::created;
  wire::Tags tags_;
  LamportClock clock_, event_clock_, query_clock_;
  MemberTable members_;
  EventBuffer event_buffer_;
  QueryBuffer query_buffer_;
  QueryTracker tracker_;
  // Incoming user queries not yet answered: (LTime, ID) -> deadline.
  std::map<std::pair<LamportTime, std::uint32_t>, TimePoint> responders_;
  // Serf's three gossip queues and wkd's (memberlist TransmitLimitedQueue
  // semantics; no keys, serf broadcasts never invalidate each other).
  swim::BroadcastQueue intents_q_, events_q_, queries_q_, wkd_q_;
  CoordinateClient coord_client_;  // also serf's coordinate cache (peer_coordinate)

  int ignore_old_joins_ = 0;
  // The time of the queue operation in progress, for finished callbacks.
  TimePoint queue_now_{};

  LeavePhase leave_phase_ = LeavePhase::none;
  TimePoint leave_deadline_ = TimePoint::max();
  bool leave_clean_ = true;
  LeaveDone leave_done_;

  TimePoint reap_at_ = TimePoint::max();
  TimePoint reconnect_at_ = TimePoint::max();
  TimePoint queue_check_at_ = TimePoint::max();
  std::vector<std::pair<TimePoint, std::string>> pending_prunes_;

  bool conflicted_ = false;
  bool conflict_query_running_ = false;
  int conflict_responses_ = 0;
  int conflict_matching_ = 0;

  std::uint64_t coordinates_rejected_ = 0;
  std::uint64_t messages_dropped_ = 0;
  std::uint64_t events_delivered_ = 0;
  std::uint64_t queries_handled_ = 0;
  std::uint64_t key_queries_refused_ = 0;
};

}  // namespace wkd::serf
