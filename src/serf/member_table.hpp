// Serf's member table: memberlist's view plus gossiped intents (serf.go
// handleNode*, handleNodeLeaveIntent/JoinIntent, reap; docs/wire.md §11.5).
//
// memberlist only knows alive and dead. Serf adds intent, gossiped as
// Lamport-stamped join/leave messages, to tell a graceful leave from a
// crash:
//
//   memberlist join   -> alive (a buffered leave intent makes it leaving)
//   leave intent      -> alive: leaving   failed: left (+ leave event)
//   join intent       -> leaving: alive
//   memberlist leave  -> leaving: left (leave event)   alive: failed
//
// An intent applies only if its LTime is newer than the member's
// status_ltime, which then takes the intent's LTime; so an old intent
// arriving late (gossip reorders) changes nothing. Intents about nodes not
// yet known are buffered in recent_intents (one per node, the newest) for
// RecentIntentTimeout, so a leave that overtakes the node's own alive
// message is not lost. A leave intent about ourselves while we are running
// is refuted by the caller (a fresh join intent).
//
// Failed members stay ReconnectTimeout and left members TombstoneTimeout
// after their leave_time, then are reaped (reap event). Both lists keep
// insertion order like serf's slices; the reconnect loop picks from
// failed_names() at random.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.hpp"
#include "common/time.hpp"
#include "serf/events.hpp"
#include "serf/member.hpp"
#include "swim/node_state.hpp"
#include "wire/serf_messages.hpp"

namespace wkd::serf {

class MemberTable {
 public:
  MemberTable(std::string self_name, EventSink& sink, LogSink& log);

  // memberlist notifications.
  void on_join(TimePoint now, const swim::NodeInfo& n);
  void on_leave(TimePoint now, const swim::NodeInfo& n);
  void on_update(TimePoint now, const swim::NodeInfo& n);

  struct LeaveOutcome {
    bool rebroadcast = false;  // news: gossip it further
    bool refute = false;       // a newer leave intent about ourselves
    bool prune = false;        // the intent asks to erase the member now
  };
  // Applies a leave intent. `self_alive`: this node is running (not
  // leaving), so an intent about it must be refuted rather than applied.
  LeaveOutcome apply_leave(TimePoint now, const wire::SerfLeave& m, bool self_alive);
  // Applies a join intent; true when it was news.
  bool apply_join(TimePoint now, const wire::SerfJoin& m);

  // Erases a member (reap event); nullopt if unknown.
  std::optional<Member> erase(std::string_view name);

  // Reaps failed/left members past their timeouts and forgets intents
  // older than intent_timeout. Returns the reaped members.
  std::vector<Member> reap(TimePoint now, Duration reconnect_timeout, Duration tombstone_timeout,
                           Duration intent_timeout);

  // Replaces the tags of our own entry (set_tags; memberlist may not echo
  // an update for the local node).
  void set_local_tags(const wire::Tags& tags);

  const Member* find(std::string_view name) const;
  Member* find_mutable(std::string_view name);
  const std::map<std::string, Member, std::less<>>& members() const noexcept { return members_; }
  std::size_t size() const noexcept { return members_.size(); }
  const std::vector<std::string>& failed_names() const noexcept { return failed_; }
  const std::vector<std::string>& left_names() const noexcept { return left_; }
  // Members with status alive other than ourselves exist.
  bool has_alive_others() const;
  std::size_t recent_intent_count() const noexcept { return intents_.size(); }
  std::uint64_t flaps() const noexcept { return flaps_; }

  // A failed member rejoining within this is counted as a flap.
  void set_flap_timeout(Duration d) noexcept { flap_timeout_ = d; }

  // Tags from node meta as serf decodes them (malformed maps are logged and
  // give what could be read, here nothing).
  wire::Tags decode_meta(ByteView meta);  // nil and empty alike

 private:
  struct Intent {
    wire::SerfType type;
    TimePoint at;
    LamportTime ltime;
  };

  static bool intent_is_newer(wire::SerfType type, LamportTime ltime, wire::SerfType held_type,
                              LamportTime held_ltime);
  bool upsert_intent(TimePoint now, const std::string& node, wire::SerfType type, LamportTime ltime);
  std::optional<LamportTime> recent_intent(const std::string& node, wire::SerfType type) const;
  void emit(MemberEventType type, const Member& m);
  void log(LogLevel level, const std::string& line);
  static void remove_name(std::vector<std::string>& list, std::string_view name);

  std::string self_;
  EventSink& sink_;
  LogSink& log_;
  Duration flap_timeout_ = seconds(60);
  std::map<std::string, Member, std::less<>> members_;
  std::vector<std::string> failed_;
  std::vector<std::string> left_;
  std::map<std::string, Intent, std::less<>> intents_;
  std::uint64_t flaps_ = 0;
};

}  // namespace wkd::serf
