// wkd::serf::Serf — a HashiCorp Serf node on top of the memberlist-
// compatible SWIM core, as a pure state machine (docs/wire.md §10, §11).
//
// Serf owns a swim::Memberlist built with itself as the Delegate, and an
// Engine (engine.hpp) that does all of serf's work. The split is about
// re-entrancy: memberlist calls its delegate from inside its own methods and
// must not be called back from there, while serf's logic constantly wants
// to send a query response, start a join or leave, or forget a reaped node
// in reaction to something memberlist just told it. So the engine talks to
// memberlist only through the Host interface, which Serf implements by
// queueing each request and running the queue when the outermost call into
// Serf (on_packet, on_timer, join, ...) is about to return — by then
// memberlist is idle. Requests made while running the queue join its end.
//
// The runtime drives a Serf exactly as it would drive a Memberlist:
// on_packet / on_stream_message / on_stream_closed with the current time,
// then next_deadline() (the earlier of memberlist's and serf's own timers)
// and on_timer() when it comes. Nothing here reads a clock, opens a socket,
// starts a thread or draws randomness other than from the injected Rng.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "common/time.hpp"
#include "serf/config.hpp"
#include "serf/engine.hpp"
#include "serf/events.hpp"
#include "serf/identity.hpp"
#include "serf/member.hpp"
#include "serf/query.hpp"
#include "serf/wkd_messages.hpp"
#include "swim/delegate.hpp"
#include "swim/memberlist.hpp"
#include "swim/runtime.hpp"
#include "wire/coordinate.hpp"
#include "wire/keyring.hpp"
#include "wire/tags.hpp"

namespace wkd::serf {

class Serf final : private swim::Delegate {
 public:
  // cfg must pass validate(). The Runtime, Rng, LogSink and EventSink must
  // outlive the Serf.
  Serf(Config cfg, swim::Runtime& rt, Rng& rng, LogSink& log, EventSink& events,
       wire::Keyring keyring = {});
  ~Serf() override;
  Serf(const Serf&) = delete;
  Serf& operator=(const Serf&) = delete;

  // Checks the configuration and that the tags fit the 512-byte node meta,
  // then starts memberlist (the local member appears as alive).
  Status start(TimePoint now);

  // memberlist join (TCP push/pull with each seed), then a join intent if
  // any seed answered. done(joined, errors) runs when every seed answered
  // or failed.
  using JoinDone = Engine::JoinDone;
  void join(TimePoint now, std::vector<Address> seeds, JoinDone done, bool ignore_old = false);

  // Graceful leave in serf's order: leave intent (until gossiped or
  // BroadcastTimeout), memberlist leave (up to BroadcastTimeout), then
  // LeavePropagateDelay; done(clean) at the end. Nothing blocks.
  using LeaveDone = Engine::LeaveDone;
  Status leave(TimePoint now, LeaveDone done);

  // New tags, gossiped through memberlist meta. Tags encoding to more than
  // 512 bytes are refused (the message names both sizes) and the old tags
  // stay.
  Status set_tags(TimePoint now, wire::Tags tags);
  // set_tags(to_tags(id)) with identity validation first.
  Status set_identity(TimePoint now, const Identity& id);
  const wire::Tags& tags() const noexcept { return engine_.tags(); }

  // A user event (name + payload within UserEventSizeLimit, encoded too).
  Status user_event(TimePoint now, std::string_view name, ByteView payload, bool coalesce);

  // Queries and answers to queries delivered by EventSink::on_query.
  Result<std::uint32_t> query(TimePoint now, std::string_view name, ByteView payload,
                              QueryParams params = {}, QueryHandlers handlers = {});
  Status respond(TimePoint now, const QueryEvent& q, ByteView payload);

  // serf force-leave of a failed node (with prune: erase it at once).
  Status force_leave(TimePoint now, std::string_view name, bool prune);

  // wkd-only gossip (see wkd_messages.hpp). A non-empty key replaces a
  // queued message with the same key (a newer change of one record).
  Status broadcast_wkd(TimePoint now, ByteView msg, std::string key = {});
  // A wkd message in a datagram of its own to `to`, which must be a wkd
  // member (the caller checks its tags): the eager push of fresh news.
  Status send_wkd(TimePoint now, const Address& to, ByteView msg);
  // A request/response exchange with the wkd member at `to` over its own
  // TCP stream (swim::Memberlist::request): the peer's WkdHandler answers
  // it (answer_wkd_request). `done` is called exactly once, from a later
  // call into the Serf layer.
  Status request_wkd(TimePoint now, const Address& to, ByteView msg, Duration timeout,
                     swim::Memberlist::ReplyDone done);
  void set_wkd_handler(WkdHandler* h) noexcept { engine_.set_wkd_handler(h); }

  // The serf member table (sorted by name), the local node included;
  // last_seen comes from memberlist.
  std::vector<Member> members() const;
  // The same table without copying it: f(const Member&, const
  // swim::NodeInfo*) for each member in name order, with memberlist's record
  // of it (null before start or when memberlist no longer has it).
  template <class F>
  void for_each_member(F&& f) const {
    for (const auto& [name, m] : engine_.member_table().members()) {
      f(m, memberlist_record(m.name));
    }
  }
  // f(const Member&, const swim::NodeInfo*) for member `name` alone, as
  // for_each_member gives it; false (f not called) when serf has no such
  // member.
  template <class F>
  bool visit_member(std::string_view name, F&& f) const {
    const auto& table = engine_.member_table().members();
    auto it = table.find(name);
    if (it == table.end()) return false;
    f(it->second, memberlist_record(it->second.name));
    return true;
  }
  std::optional<Member> find(std::string_view name) const;
  std::optional<Member> local_member() const { return find(engine_.name()); }

  SerfState state() const noexcept { return engine_.state(); }
  // A name-conflict resolution went against this node (§11.8).
  bool conflicted() const noexcept { return engine_.conflicted(); }
  const wire::Coordinate& coordinate() const noexcept { return engine_.coordinate(); }
  std::optional<wire::Coordinate> cached_coordinate(std::string_view name) const {
    return engine_.cached_coordinate(name);
  }
  SerfStats stats() const { return engine_.stats(); }
  const Config& config() const noexcept { return engine_.config(); }

  swim::Memberlist& memberlist() noexcept { return *memberlist_; }
  const swim::Memberlist& memberlist() const noexcept { return *memberlist_; }

  // ---- runtime driving (as swim::Memberlist) ----
  void on_packet(TimePoint now, const Address& from, ByteView datagram);
  void on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message);
  void on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason);
  void on_timer(TimePoint now);
  TimePoint next_deadline() const noexcept;

 private:
  // Marks an entry into Serf: sets now_ and, when the outermost one
  // returns, runs the queued Host requests.
  class Scope;

  // swim::Delegate
  Bytes node_meta(std::size_t limit) override;
  void notify_msg(ByteView msg) override;
  std::optional<Bytes> answer_stream_msg(ByteView msg) override;
  bool has_broadcasts() const override { return engine_.has_broadcasts(); }
  void get_broadcasts(const swim::NodeInfo* target, std::size_t overhead, std::size_t limit,
                      std::vector<Bytes>& out) override;
  Bytes local_state(bool join, const swim::NodeInfo* peer) override;
  void merge_remote_state(ByteView state, bool join, const swim::NodeInfo* peer) override;
  void notify_join(const swim::NodeInfo& node) override;
  void notify_leave(const swim::NodeInfo& node) override;
  void notify_update(const swim::NodeInfo& node) override;
  void notify_changed(std::string_view name) override;
  void notify_conflict(const swim::NodeInfo& existing, const swim::NodeInfo& other) override;
  wire::NilBytes ack_payload() override;
  void notify_ping_complete(const swim::NodeInfo& node, Duration rtt, ByteView payload) override;

  // The engine's Host: every request is deferred (see the top of the file).
  class Deferred;

  void defer(std::function<void()> op);
  void flush();
  void log(LogLevel level, const std::string& line);
  // memberlist's record of `name`: null before start or when it has none.
  const swim::NodeInfo* memberlist_record(std::string_view name) const {
    return started_ ? memberlist_->find(name) : nullptr;
  }
  static Member with_last_seen(const Member& m, const swim::NodeInfo* record);

  LogSink& log_;
  EventSink& events_;
  // Declared first so it outlives the engine and memberlist, whose
  // destructors may still finish callbacks that queue requests.
  std::vector<std::function<void()>> deferred_;
  TimePoint now_{};
  int depth_ = 0;
  bool flushing_ = false;
  bool started_ = false;
  bool destroying_ = false;
  std::unique_ptr<Deferred> host_;
  Engine engine_;
  std::unique_ptr<swim::Memberlist> memberlist_;  // after engine_: it calls back into it
};

}  // namespace wkd::serf
