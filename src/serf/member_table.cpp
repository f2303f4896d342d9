// Serf member table (see member_table.hpp for the state machine).
#include "serf/member_table.hpp"

#include <algorithm>
#include <utility>

#include "wire/tags.hpp"

namespace wkd::serf {

const char* member_status_name(MemberStatus s) noexcept {
  switch (s) {
    case MemberStatus::none: return "none";
    case MemberStatus::alive: return "alive";
    case MemberStatus::leaving: return "leaving";
    case MemberStatus::left: return "left";
    case MemberStatus::failed: return "failed";
  }
  return "unknown";
}

const char* member_event_name(MemberEventType t) noexcept {
  switch (t) {
    case MemberEventType::join: return "member-join";
    case MemberEventType::leave: return "member-leave";
    case MemberEventType::failed: return "member-failed";
    case MemberEventType::update: return "member-update";
    case MemberEventType::reap: return "member-reap";
  }
  return "unknown";
}

MemberTable::MemberTable(std::string self_name, EventSink& sink, LogSink& log)
    : self_(std::move(self_name)), sink_(sink), log_(log) {}

void MemberTable::log(LogLevel level, const std::string& line) {
  if (level >= log_.min_level()) log_.log(level, "serf: " + line);
}

void MemberTable::emit(MemberEventType type, const Member& m) {
  MemberEvent e;
  e.type = type;
  e.member = m;
  sink_.on_member_event(e);
}

void MemberTable::remove_name(std::vector<std::string>& list, std::string_view name) {
  auto it = std::find(list.begin(), list.end(), name);
  if (it != list.end()) list.erase(it);
}

wire::Tags MemberTable::decode_meta(ByteView meta) {
  auto tags = wire::decode_tags(meta);
  if (!tags) {
    log(LogLevel::error, "Failed to decode tags: " + tags.message());
    return {};
  }
  return std::move(*tags);
}

// A member's clock moves past every join it stamps, so a join and a leave
// with the same Lamport time never both come from the member itself. The
// tie arises when a push/pull from a member that is leaving reaches a peer
// before its leave intent: the merge replays the member's status time (the
// leave's own time) as an artificial join. The leave wins the tie, or the
// intent would be dropped as stale and the graceful leave taken for a
// failure.
bool MemberTable::intent_is_newer(wire::SerfType type, LamportTime ltime, wire::SerfType held_type,
                                  LamportTime held_ltime) {
  if (ltime != held_ltime) return ltime > held_ltime;
  return type == wire::SerfType::leave && held_type != wire::SerfType::leave;
}

bool MemberTable::upsert_intent(TimePoint now, const std::string& node, wire::SerfType type,
                                LamportTime ltime) {
  auto it = intents_.find(node);
  if (it != intents_.end() && !intent_is_newer(type, ltime, it->second.type, it->second.ltime)) return false;
  intents_.insert_or_assign(node, Intent{type, now, ltime});
  return true;
}

std::optional<LamportTime> MemberTable::recent_intent(const std::string& node, wire::SerfType type) const {
  auto it = intents_.find(node);
  if (it != intents_.end() && it->second.type == type) return it->second.ltime;
  return std::nullopt;
}

void MemberTable::on_join(TimePoint now, const swim::NodeInfo& n) {
  auto it = members_.find(n.name);
  MemberStatus old_status = MemberStatus::none;
  if (it == members_.end()) {
    Member m;
    m.name = n.name;
    m.status = MemberStatus::alive;
    if (auto t = recent_intent(n.name, wire::SerfType::join)) m.status_ltime = *t;
    if (auto t = recent_intent(n.name, wire::SerfType::leave)) {
      m.status = MemberStatus::leaving;
      m.status_ltime = *t;
    }
    it = members_.emplace(n.name, std::move(m)).first;
  } else {
    old_status = it->second.status;
    if (old_status == MemberStatus::failed && now - it->second.leave_time < flap_timeout_) ++flaps_;
    it->second.status = MemberStatus::alive;
    it->second.leave_time = TimePoint{};
  }
  Member& m = it->second;
  m.addr = n.addr;
  m.tags = SharedTags(decode_meta(n.meta.view()));
  m.vsn = n.vsn;
  m.last_seen = n.last_seen;
  if (old_status == MemberStatus::failed || old_status == MemberStatus::left) {
    remove_name(failed_, m.name);
    remove_name(left_, m.name);
  }
  log(LogLevel::info, "EventMemberJoin: " + m.name + " " + m.addr.ip_string());
  emit(MemberEventType::join, m);
}

void MemberTable::on_leave(TimePoint now, const swim::NodeInfo& n) {
  auto it = members_.find(n.name);
  if (it == members_.end()) return;
  Member& m = it->second;
  MemberEventType type;
  switch (m.status) {
    case MemberStatus::leaving:
      m.status = MemberStatus::left;
      m.leave_time = now;
      left_.push_back(m.name);
      type = MemberEventType::leave;
      break;
    case MemberStatus::alive:
      m.status = MemberStatus::failed;
      m.leave_time = now;
      failed_.push_back(m.name);
      type = MemberEventType::failed;
      break;
    default:
      log(LogLevel::warn, std::string("Bad state when leave: ") + member_status_name(m.status) + " (" +
                              m.name + ")");
      return;
  }
  log(LogLevel::info, std::string(type == MemberEventType::leave ? "EventMemberLeave: " : "EventMemberFailed: ") +
                          m.name + " " + m.addr.ip_string());
  emit(type, m);
}

void MemberTable::on_update(TimePoint, const swim::NodeInfo& n) {
  auto it = members_.find(n.name);
  if (it == members_.end()) return;
  Member& m = it->second;
  m.addr = n.addr;
  // An update that leaves the tags as they were (a new address or version)
  // keeps the map the snapshot records already share.
  if (wire::Tags tags = decode_meta(n.meta.view()); !(m.tags == tags)) m.tags = SharedTags(std::move(tags));
  m.vsn = n.vsn;
  m.last_seen = n.last_seen;
  log(LogLevel::info, "EventMemberUpdate: " + m.name);
  emit(MemberEventType::update, m);
}

MemberTable::LeaveOutcome MemberTable::apply_leave(TimePoint now, const wire::SerfLeave& msg,
                                                   bool self_alive) {
  LeaveOutcome out;
  auto it = members_.find(msg.node);
  if (it == members_.end()) {
    out.rebroadcast = upsert_intent(now, msg.node, wire::SerfType::leave, msg.ltime);
    return out;
  }
  Member& m = it->second;
  const bool leave_held = m.status == MemberStatus::leaving || m.status == MemberStatus::left;
  if (!intent_is_newer(wire::SerfType::leave, msg.ltime, leave_held ? wire::SerfType::leave : wire::SerfType::join,
                       m.status_ltime)) {
    return out;
  }

  if (msg.node == self_ && self_alive) {
    log(LogLevel::debug, "Refuting an older leave intent");
    out.refute = true;
    return out;
  }

  m.status_ltime = msg.ltime;
  switch (m.status) {
    case MemberStatus::alive:
      m.status = MemberStatus::leaving;
      sink_.on_member_changed(m.name);
      break;
    case MemberStatus::failed:
      m.status = MemberStatus::left;
      remove_name(failed_, m.name);
      left_.push_back(m.name);
      log(LogLevel::info, "EventMemberLeave (forced): " + m.name + " " + m.addr.ip_string());
      emit(MemberEventType::leave, m);
      break;
    case MemberStatus::leaving:
    case MemberStatus::left:
      break;
    default:
      return out;
  }
  out.rebroadcast = true;
  out.prune = msg.prune;
  return out;
}

bool MemberTable::apply_join(TimePoint now, const wire::SerfJoin& msg) {
  auto it = members_.find(msg.node);
  if (it == members_.end()) return upsert_intent(now, msg.node, wire::SerfType::join, msg.ltime);
  Member& m = it->second;
  if (msg.ltime <= m.status_ltime) return false;
  m.status_ltime = msg.ltime;
  if (m.status == MemberStatus::leaving) {
    m.status = MemberStatus::alive;
    sink_.on_member_changed(m.name);
  }
  return true;
}

std::optional<Member> MemberTable::erase(std::string_view name) {
  auto it = members_.find(name);
  if (it == members_.end()) return std::nullopt;
  Member m = std::move(it->second);
  members_.erase(it);
  remove_name(failed_, name);
  remove_name(left_, name);
  log(LogLevel::info, "EventMemberReap: " + m.name);
  emit(MemberEventType::reap, m);
  return m;
}

std::vector<Member> MemberTable::reap(TimePoint now, Duration reconnect_timeout,
                                      Duration tombstone_timeout, Duration intent_timeout) {
  std::vector<std::string> due;
  for (const auto& name : failed_) {
    auto it = members_.find(name);
    if (it != members_.end() && now - it->second.leave_time > reconnect_timeout) due.push_back(name);
  }
  for (const auto& name : left_) {
    auto it = members_.find(name);
    if (it != members_.end() && now - it->second.leave_time > tombstone_timeout) due.push_back(name);
  }
  std::vector<Member> reaped;
  for (const auto& name : due) {
    if (auto m = erase(name)) reaped.push_back(std::move(*m));
  }
  for (auto it = intents_.begin(); it != intents_.end();) {
    if (now - it->second.at > intent_timeout) {
      it = intents_.erase(it);
    } else {
      ++it;
    }
  }
  return reaped;
}

void MemberTable::set_local_tags(const wire::Tags& tags) {
  if (auto it = members_.find(self_); it != members_.end()) it->second.tags = SharedTags(tags);
}

const Member* MemberTable::find(std::string_view name) const {
  auto it = members_.find(name);
  return it == members_.end() ? nullptr : &it->second;
}

Member* MemberTable::find_mutable(std::string_view name) {
  auto it = members_.find(name);
  return it == members_.end() ? nullptr : &it->second;
}

bool MemberTable::has_alive_others() const {
  for (const auto& [name, m] : members_) {
    if (name != self_ && m.status == MemberStatus::alive) return true;
  }
  return false;
}

}  // namespace wkd::serf
