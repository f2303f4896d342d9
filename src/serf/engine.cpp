// Serf engine: lifecycle, intents, leave, events, gossip queues, push/pull,
// membership notifications, coordinates and housekeeping (see engine.hpp for
// the overview; queries live in engine_query.cpp).
#include "serf/engine.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <type_traits>
#include <variant>

#include "serf/push_pull.hpp"
#include "wire/msgpack.hpp"
#include "wire/serf_codec.hpp"
#include "wire/tags.hpp"

namespace wkd::serf {

namespace {

// Messages bigger than this never fit a gossip packet (1400-byte budget less
// the packet and compound headers), so broadcast_wkd refuses them.
constexpr std::size_t kGossipHeadroom = 100;

// Size of the node meta the tags encode to (0xFF ‖ msgpack map), whatever
// the limit.
std::size_t encoded_meta_size(const wire::Tags& tags) {
  Bytes out;
  out.push_back(wire::kTagMagicByte);
  wire::msgpack::Writer w(out);
  w.map_header(static_cast<std::uint32_t>(tags.size()));
  for (const auto& [k, v] : tags) {
    w.str(k);
    w.str(v);
  }
  return out.size();
}

wire::NilBytes nil_if_empty(ByteView b) {
  if (b.empty()) return std::nullopt;
  return Bytes(b.begin(), b.end());
}

}  // namespace

const char* serf_state_name(SerfState s) noexcept {
  switch (s) {
    case SerfState::created: return "created";
    case SerfState::alive: return "alive";
    case SerfState::leaving: return "leaving";
    case SerfState::left: return "left";
    case SerfState::shutdown: return "shutdown";
  }
  return "unknown";
}

Engine::Engine(Config cfg, Host& host, Rng& rng, LogSink& log, EventSink& sink)
    : cfg_(std::move(cfg)),
      host_(host),
      rng_(rng),
      log_(log),
      sink_(sink),
      tags_(cfg_.tags),
      members_(cfg_.memberlist.name, sink, log),
      event_buffer_(cfg_.event_buffer),
      query_buffer_(cfg_.query_buffer),
      intents_q_(cfg_.memberlist.retransmit_mult),
      events_q_(cfg_.memberlist.retransmit_mult),
      queries_q_(cfg_.memberlist.retransmit_mult),
      wkd_q_(cfg_.memberlist.retransmit_mult),
      coord_client_(VivaldiConfig{}, rng) {
  members_.set_flap_timeout(cfg_.flap_timeout);
  // Every clock starts at 1.
  clock_.increment();
  event_clock_.increment();
  query_clock_.increment();
}

Engine::~Engine() {
  // The queues finish (and call back) whatever they still hold when they
  // are destroyed; the leave callback must not reach the host by then.
  leave_phase_ = LeavePhase::none;
}

void Engine::log(LogLevel level, const std::string& line) {
  if (level >= log_.min_level()) log_.log(level, "serf: " + line);
}

void Engine::queue_intent(Bytes msg, swim::BroadcastQueue::Done done) {
  intents_q_.push({}, std::move(msg), std::move(done));
}

// ---------------------------------------------------------------- lifecycle

Status Engine::start(TimePoint now) {
  if (state_ != SerfState::created) return fail(Err::state, "serf: already started");
  if (auto m = validate(cfg_); !m.empty()) return fail(Err::invalid_config, "serf config: " + m);
  if (const auto size = encoded_meta_size(tags_); size > wire::kMetaMaxSize) {
    return fail(Err::too_large, "serf: tags encode to " + std::to_string(size) +
                                    " bytes of node meta, over the limit of " +
                                    std::to_string(wire::kMetaMaxSize) + " bytes");
  }
  state_ = SerfState::alive;
  if (cfg_.restore_member_clock > 0) clock_.witness(cfg_.restore_member_clock);
  if (cfg_.restore_event_clock > 0) {
    event_clock_.witness(cfg_.restore_event_clock);
    event_buffer_.set_min_time(cfg_.restore_event_clock + 1);
  }
  if (cfg_.restore_query_clock > 0) {
    query_clock_.witness(cfg_.restore_query_clock);
    query_buffer_.set_min_time(cfg_.restore_query_clock + 1);
  }
  reap_at_ = now + cfg_.reap_interval;
  reconnect_at_ = now + cfg_.reconnect_interval;
  queue_check_at_ = now + cfg_.queue_check_interval;
  return {};
}

void Engine::join(TimePoint now, std::vector<Address> seeds, JoinDone done, bool ignore_old) {
  if (state_ != SerfState::alive) {
    if (done) done(0, "Serf can't Join after Leave or Shutdown");
    return;
  }
  if (ignore_old) ++ignore_old_joins_;
  host_.join(now, std::move(seeds),
             [this, done = std::move(done), ignore_old](TimePoint t, int joined, std::string errors) {
               if (ignore_old) --ignore_old_joins_;
               if (joined > 0 && state_ == SerfState::alive) broadcast_join(t, clock_.time());
               if (done) done(joined, std::move(errors));
             });
}

Status Engine::leave(TimePoint now, LeaveDone done) {
  switch (state_) {
    case SerfState::left:
      if (done) done(true);
      return {};
    case SerfState::leaving: return fail(Err::state, "serf: leave already in progress");
    case SerfState::shutdown: return fail(Err::state, "serf: leave called after shutdown");
    case SerfState::created: return fail(Err::state, "serf: leave called before start");
    case SerfState::alive: break;
  }
  state_ = SerfState::leaving;
  leave_done_ = std::move(done);
  leave_clean_ = true;

  wire::SerfLeave msg{clock_.time(), name(), false};
  clock_.increment();
  handle_leave_intent(now, msg);

  if (!members_.has_alive_others()) {
    leave_memberlist(now);
    return {};
  }
  auto raw = wire::encode_serf_message(msg, cfg_.memberlist.int_style);
  if (!raw) {
    log(LogLevel::error, "Failed to encode leave intent: " + raw.message());
    leave_memberlist(now);
    return {};
  }
  leave_phase_ = LeavePhase::intent;
  leave_deadline_ = now + cfg_.broadcast_timeout;
  // Runs from get_broadcasts once the intent has been sent its full count
  // (or when pruned); the host defers the memberlist call it makes.
  queue_intent(std::move(*raw), [this](bool) {
    if (leave_phase_ == LeavePhase::intent) leave_memberlist(queue_now_);
  });
  return {};
}

void Engine::leave_memberlist(TimePoint now) {
  leave_phase_ = LeavePhase::memberlist;
  leave_deadline_ = TimePoint::max();
  host_.leave(now, cfg_.broadcast_timeout, [this](TimePoint t, bool sent) { on_memberlist_left(t, sent); });
}

void Engine::on_memberlist_left(TimePoint now, bool sent) {
  if (leave_phase_ != LeavePhase::memberlist) return;
  if (!sent) {
    log(LogLevel::warn, "timeout waiting for leave broadcast");
    leave_clean_ = false;
  }
  leave_phase_ = LeavePhase::propagate;
  leave_deadline_ = now + cfg_.leave_propagate_delay;
}

Status Engine::set_tags(TimePoint now, wire::Tags tags) {
  if (const auto size = encoded_meta_size(tags); size > wire::kMetaMaxSize) {
    return fail(Err::too_large, "serf: new tags encode to " + std::to_string(size) +
                                    " bytes of node meta, over the limit of " +
                                    std::to_string(wire::kMetaMaxSize) +
                                    " bytes; keeping the current tags (" +
                                    std::to_string(encoded_meta_size(tags_)) + " bytes)");
  }
  tags_ = std::move(tags);
  members_.set_local_tags(tags_);
  if (state_ == SerfState::alive || state_ == SerfState::leaving) host_.update_meta(now);
  return {};
}

Status Engine::user_event(TimePoint now, std::string_view ev_name, ByteView payload, bool coalesce) {
  (void)now;
  const std::size_t raw_size = ev_name.size() + payload.size();
  if (raw_size > cfg_.user_event_size_limit) {
    return fail(Err::too_large, "user event exceeds configured limit of " +
                                    std::to_string(cfg_.user_event_size_limit) +
                                    " bytes before encoding (name + payload = " +
                                    std::to_string(raw_size) + ")");
  }
  if (raw_size > kUserEventSizeCap) {
    return fail(Err::too_large, "user event exceeds sane limit of " + std::to_string(kUserEventSizeCap) +
                                    " bytes before encoding");
  }
  wire::SerfUserEvent msg{event_clock_.time(), std::string(ev_name), nil_if_empty(payload), coalesce};
  auto raw = wire::encode_serf_message(msg, cfg_.memberlist.int_style);
  if (!raw) return fail(Err::invalid_argument, "user event: " + raw.message());
  if (raw->size() > cfg_.user_event_size_limit) {
    return fail(Err::too_large, "encoded user event exceeds configured limit of " +
                                    std::to_string(cfg_.user_event_size_limit) + " bytes after encoding (" +
                                    std::to_string(raw->size()) + ")");
  }
  if (raw->size() > kUserEventSizeCap) {
    return fail(Err::too_large, "encoded user event exceeds reasonable limit of " +
                                    std::to_string(kUserEventSizeCap) + " bytes after encoding");
  }
  event_clock_.increment();
  handle_user_event(msg);
  events_q_.push({}, std::move(*raw));
  return {};
}

Status Engine::force_leave(TimePoint now, std::string_view node, bool prune) {
  if (state_ != SerfState::alive) return fail(Err::state, "serf: not running");
  wire::SerfLeave msg{clock_.time(), std::string(node), prune};
  clock_.increment();
  handle_leave_intent(now, msg);
  if (!members_.has_alive_others()) return {};
  auto raw = wire::encode_serf_message(msg, cfg_.memberlist.int_style);
  if (!raw) return fail(Err::invalid_argument, "leave intent: " + raw.message());
  queue_intent(std::move(*raw));
  return {};
}

Status Engine::broadcast_wkd(ByteView msg, std::string key) {
  if (msg.empty() || !is_wkd_type(msg[0])) {
    return fail(Err::invalid_argument, "wkd message must start with a type byte in 0xE0..0xEF");
  }
  const std::size_t budget = cfg_.memberlist.udp_buffer_size - kGossipHeadroom;
  if (msg.size() > budget) {
    return fail(Err::too_large, "wkd message of " + std::to_string(msg.size()) +
                                    " bytes exceeds the gossip budget of " + std::to_string(budget));
  }
  wkd_q_.push(std::move(key), Bytes(msg.begin(), msg.end()));
  return {};
}

// ---------------------------------------------------------------- intents

void Engine::broadcast_join(TimePoint now, LamportTime ltime) {
  wire::SerfJoin msg{ltime, name()};
  clock_.witness(ltime);
  handle_join_intent(now, msg);
  auto raw = wire::encode_serf_message(msg, cfg_.memberlist.int_style);
  if (!raw) {
    log(LogLevel::warn, "Failed to broadcast join intent: " + raw.message());
    return;
  }
  queue_intent(std::move(*raw));
}

bool Engine::handle_leave_intent(TimePoint now, const wire::SerfLeave& m) {
  clock_.witness(m.ltime);
  const auto out = members_.apply_leave(now, m, state_ == SerfState::alive);
  if (out.refute) {
    broadcast_join(now, clock_.time());
    return false;
  }
  if (out.prune) prune_member(now, m.node);
  return out.rebroadcast;
}

bool Engine::handle_join_intent(TimePoint now, const wire::SerfJoin& m) {
  clock_.witness(m.ltime);
  return members_.apply_join(now, m);
}

void Engine::prune_member(TimePoint now, const std::string& node) {
  const Member* m = members_.find(node);
  if (m == nullptr) return;
  if (m->status == MemberStatus::leaving) {
    // Give the member time to finish its own leave first (serf sleeps).
    pending_prunes_.emplace_back(now + cfg_.broadcast_timeout + cfg_.leave_propagate_delay, node);
    return;
  }
  log(LogLevel::info, "EventMemberReap (forced): " + node);
  erase_member(now, node);
}

void Engine::erase_member(TimePoint now, const std::string& node) {
  if (!members_.erase(node)) return;
  coord_client_.forget_node(node);
  host_.remove_node(now, node);
}

// ---------------------------------------------------------------- events

bool Engine::handle_user_event(const wire::SerfUserEvent& e) {
  event_clock_.witness(e.ltime);
  switch (event_buffer_.record(event_clock_.time(), e.ltime, e.payload, e.name)) {
    case Dedup::too_old:
      if (e.ltime >= event_buffer_.min_time()) {
        log(LogLevel::warn, "received old event " + e.name + " from time " + std::to_string(e.ltime) +
                                " (current: " + std::to_string(event_clock_.time()) + ")");
      }
      return false;
    case Dedup::duplicate: return false;
    case Dedup::fresh: break;
  }
  ++events_delivered_;
  UserEvent ev;
  ev.ltime = e.ltime;
  ev.name = e.name;
  if (e.payload) ev.payload = *e.payload;
  ev.coalesce = e.cc;
  sink_.on_user_event(ev);
  return true;
}

// ---------------------------------------------------------------- delegate hooks

Bytes Engine::node_meta(std::size_t limit) {
  auto meta = wire::encode_tags(tags_);
  if (!meta || meta->size() > limit) {
    // set_tags and start keep this from happening; advertise no tags
    // rather than fail memberlist.
    log(LogLevel::error, "tags do not fit node meta (limit " + std::to_string(limit) + ")");
    return Bytes{wire::kTagMagicByte, 0x80};
  }
  return std::move(*meta);
}

void Engine::notify_msg(TimePoint now, ByteView msg) {
  if (msg.empty()) return;
  if (is_wkd_type(msg[0])) {
    handle_wkd(msg);
    return;
  }
  auto decoded = wire::decode_serf_message(msg);
  if (!decoded) {
    ++messages_dropped_;
    if (decoded.code() == wire::Err::unknown_type) {
      log(LogLevel::warn, "Received message of unknown type: " + std::to_string(msg[0]));
    } else {
      log(LogLevel::error, "Error decoding " +
                               std::string(wire::serf_type_name(static_cast<wire::SerfType>(msg[0]))) +
                               " message: " + decoded.message());
    }
    return;
  }
  swim::BroadcastQueue* requeue = nullptr;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, wire::SerfLeave>) {
          log(LogLevel::debug, "messageLeaveType: " + m.node);
          if (handle_leave_intent(now, m)) requeue = &intents_q_;
        } else if constexpr (std::is_same_v<T, wire::SerfJoin>) {
          log(LogLevel::debug, "messageJoinType: " + m.node);
          if (handle_join_intent(now, m)) requeue = &intents_q_;
        } else if constexpr (std::is_same_v<T, wire::SerfUserEvent>) {
          log(LogLevel::debug, "messageUserEventType: " + m.name);
          if (handle_user_event(m)) requeue = &events_q_;
        } else if constexpr (std::is_same_v<T, wire::SerfQuery>) {
          log(LogLevel::debug, "messageQueryType: " + m.name);
          if (handle_query(now, m)) requeue = &queries_q_;
        } else if constexpr (std::is_same_v<T, wire::SerfQueryResponse>) {
          log(LogLevel::debug, "messageQueryResponseType: " + m.from);
          handle_query_response(now, m);
        } else {
          handle_relay(now, m);
        }
      },
      *decoded);
  if (requeue != nullptr) requeue->push({}, Bytes(msg.begin(), msg.end()));
}

void Engine::handle_wkd(ByteView msg) {
  if (wkd_handler_ == nullptr) {
    log(LogLevel::debug, "wkd message of type " + std::to_string(msg[0]) + " dropped: no handler");
    return;
  }
  if (wkd_handler_->on_wkd_message(msg)) wkd_q_.push({}, Bytes(msg.begin(), msg.end()));
}

std::optional<Bytes> Engine::answer_wkd_request(TimePoint, ByteView msg) {
  if (msg.empty() || !is_wkd_type(msg[0]) || wkd_handler_ == nullptr) return std::nullopt;
  return wkd_handler_->answer_wkd_request(msg);
}

bool Engine::is_wkd_node(const swim::NodeInfo& node) {
  if (!node.meta || node.meta->empty()) return false;
  auto tags = wire::decode_tags(*node.meta);
  if (!tags) return false;
  auto it = tags->find("wkd");
  return it != tags->end() && !it->second.empty();
}

void Engine::get_broadcasts(TimePoint now, const swim::NodeInfo* target, std::size_t overhead,
                            std::size_t limit, std::vector<Bytes>& out) {
  queue_now_ = now;
  const std::size_t n = members_.size();
  std::size_t used = 0;
  // Serf's order: intents, then queries, then events; wkd messages last and
  // only towards a node that advertises `wkd`.
  std::vector<SharedBytes> taken;
  // A member believed dead still gets the news, uncounted (see
  // broadcast_queue.hpp): a leave intent sent its full count to a dead
  // member alone would let the one live peer take the leave for a failure.
  const auto tally = swim::tally_for(target);
  auto drain = [&](swim::BroadcastQueue& q) {
    if (q.empty() || used + overhead >= limit) return;
    taken.clear();
    q.take(overhead, limit - used, n, taken, tally);
    for (const SharedBytes& m : taken) {
      used += overhead + m->size();
      out.push_back(*m);
    }
  };
  drain(intents_q_);
  drain(queries_q_);
  drain(events_q_);
  if (!wkd_q_.empty() && target != nullptr && is_wkd_node(*target)) drain(wkd_q_);
}

Bytes Engine::local_state(TimePoint now, bool join, const swim::NodeInfo* peer) {
  (void)now;
  PushPullState s;
  s.serf.ltime = clock_.time();
  for (const auto& [n, m] : members_.members()) s.serf.status_ltimes.emplace(n, m.status_ltime);
  s.serf.left_members = members_.left_names();
  s.serf.event_ltime = event_clock_.time();
  s.serf.events = event_buffer_.occupied();
  s.serf.query_ltime = query_clock_.time();
  if (wkd_handler_ != nullptr && peer != nullptr && is_wkd_node(*peer)) {
    Bytes wkd = wkd_handler_->wkd_local_state(join);
    if (!wkd.empty()) s.wkd_state = std::move(wkd);
  }
  auto raw = encode_push_pull_state(s, cfg_.memberlist.int_style);
  if (!raw) {
    log(LogLevel::error, "Failed to encode local state: " + raw.message());
    return {};
  }
  return std::move(*raw);
}

void Engine::merge_remote_state(TimePoint now, ByteView state, bool join, const swim::NodeInfo* peer) {
  (void)peer;
  if (state.empty()) {
    log(LogLevel::error, "Remote state is zero bytes");
    return;
  }
  auto decoded = decode_push_pull_state(state);
  if (!decoded) {
    ++messages_dropped_;
    if (decoded.code() == wire::Err::unknown_type) {
      log(LogLevel::error, "Remote state has bad type prefix: " + std::to_string(state[0]));
    } else {
      log(LogLevel::error, "Failed to decode remote state: " + decoded.message());
    }
    return;
  }
  const wire::SerfPushPull& pp = decoded->serf;
  if (pp.ltime > 0) clock_.witness(pp.ltime - 1);
  if (pp.event_ltime > 0) event_clock_.witness(pp.event_ltime - 1);
  if (pp.query_ltime > 0) query_clock_.witness(pp.query_ltime - 1);

  // Left members replay as leave intents one tick after their status time,
  // everyone else as a join intent at it.
  std::set<std::string_view> left(pp.left_members.begin(), pp.left_members.end());
  for (const auto& n : pp.left_members) {
    auto it = pp.status_ltimes.find(n);
    const LamportTime t = it == pp.status_ltimes.end() ? 0 : it->second;
    handle_leave_intent(now, wire::SerfLeave{t + 1, n, false});
  }
  for (const auto& [n, t] : pp.status_ltimes) {
    if (left.count(n) != 0) continue;
    handle_join_intent(now, wire::SerfJoin{t, n});
  }

  if (join && ignore_old_joins_ > 0 && pp.event_ltime > event_buffer_.min_time()) {
    event_buffer_.set_min_time(pp.event_ltime);
  }
  for (const auto& slot : pp.events) {
    if (!slot) continue;
    for (const auto& e : slot->events) {
      handle_user_event(wire::SerfUserEvent{slot->ltime, e.name, e.payload, false});
    }
  }
  if (decoded->wkd_state && wkd_handler_ != nullptr) {
    wkd_handler_->merge_wkd_state(*decoded->wkd_state, join);
  }
}

void Engine::notify_join(TimePoint now, const swim::NodeInfo& node) { members_.on_join(now, node); }

void Engine::notify_leave(TimePoint now, const swim::NodeInfo& node) {
  members_.on_leave(now, node);
  // The last other member went while our leave intent waited to be sent:
  // there is nobody to send it to, so go on to memberlist's leave now.
  if (leave_phase_ == LeavePhase::intent && !members_.has_alive_others()) leave_memberlist(now);
}

void Engine::notify_update(TimePoint now, const swim::NodeInfo& node) { members_.on_update(now, node); }

wire::NilBytes Engine::ack_payload() {
  if (cfg_.disable_coordinates) return std::nullopt;
  auto raw = wire::encode_coordinate_payload(coord_client_.coordinate());
  if (!raw) {
    log(LogLevel::error, "Failed to encode coordinate: " + raw.message());
    return std::nullopt;
  }
  return std::move(*raw);
}

void Engine::notify_ping_complete(TimePoint now, const swim::NodeInfo& node, Duration rtt,
                                  ByteView payload) {
  (void)now;
  if (cfg_.disable_coordinates || payload.empty()) return;
  if (payload[0] != wire::kPingPayloadVersion) {
    log(LogLevel::error, "Unsupported ping version: " + std::to_string(payload[0]));
    return;
  }
  auto coord = wire::decode_coordinate_payload(payload);
  if (!coord) {
    ++coordinates_rejected_;
    log(LogLevel::error, "Failed to decode coordinate from ping: " + coord.message());
    return;
  }
  std::string why;
  if (!coord_client_.update(node.name, *coord, rtt, &why)) {
    ++coordinates_rejected_;
    log(LogLevel::debug, "Rejected coordinate from " + node.name + ": " + why);
    return;
  }
}

std::optional<wire::Coordinate> Engine::cached_coordinate(std::string_view node) const {
  if (cfg_.disable_coordinates) return std::nullopt;
  if (node == name()) return coord_client_.coordinate();
  const wire::Coordinate* c = coord_client_.peer_coordinate(node);
  if (c == nullptr) return std::nullopt;
  return *c;
}

// ---------------------------------------------------------------- timers

void Engine::on_timer(TimePoint now) {
  if (state_ == SerfState::created || state_ == SerfState::shutdown) return;
  if (now >= reap_at_) {
    reap(now);
    reap_at_ = now + cfg_.reap_interval;
  }
  if (now >= reconnect_at_) {
    reconnect(now);
    reconnect_at_ = now + cfg_.reconnect_interval;
  }
  if (now >= queue_check_at_) {
    queue_now_ = now;
    check_queues();
    queue_check_at_ = now + cfg_.queue_check_interval;
  }
  if (!pending_prunes_.empty()) {
    std::vector<std::string> due;
    std::erase_if(pending_prunes_, [&](const auto& p) {
      if (p.first > now) return false;
      due.push_back(p.second);
      return true;
    });
    for (const auto& n : due) {
      log(LogLevel::info, "EventMemberReap (forced): " + n);
      erase_member(now, n);
    }
  }
  tracker_.expire(now);
  if (leave_phase_ == LeavePhase::intent && now >= leave_deadline_) {
    log(LogLevel::warn, "timeout while waiting for graceful leave");
    leave_clean_ = false;
    leave_memberlist(now);
  }
  if (leave_phase_ == LeavePhase::propagate && now >= leave_deadline_) {
    leave_phase_ = LeavePhase::none;
    leave_deadline_ = TimePoint::max();
    state_ = SerfState::left;
    auto done = std::move(leave_done_);
    leave_done_ = nullptr;
    if (done) done(leave_clean_);
  }
}

TimePoint Engine::next_deadline() const noexcept {
  if (state_ == SerfState::created || state_ == SerfState::shutdown) return TimePoint::max();
  TimePoint next = std::min({reap_at_, reconnect_at_, queue_check_at_, tracker_.next_deadline()});
  if (leave_phase_ == LeavePhase::intent || leave_phase_ == LeavePhase::propagate) {
    next = std::min(next, leave_deadline_);
  }
  for (const auto& p : pending_prunes_) next = std::min(next, p.first);
  return next;
}

void Engine::reap(TimePoint now) {
  auto reaped = members_.reap(now, cfg_.reconnect_timeout, cfg_.tombstone_timeout, cfg_.recent_intent_timeout);
  for (const auto& m : reaped) {
    coord_client_.forget_node(m.name);
    host_.remove_node(now, m.name);
  }
  std::erase_if(responders_, [&](const auto& r) { return r.second < now; });
}

void Engine::reconnect(TimePoint now) {
  if (state_ != SerfState::alive) return;
  const auto& failed = members_.failed_names();
  if (failed.empty()) return;
  const double num_failed = static_cast<double>(failed.size());
  double num_alive = static_cast<double>(members_.size() - failed.size() - members_.left_names().size());
  if (num_alive <= 0) num_alive = 1;
  if (rng_.unit() > num_failed / num_alive) {
    log(LogLevel::debug, "forgoing reconnect for random throttling");
    return;
  }
  const std::string& pick = failed[rng_.below(failed.size())];
  const Member* m = members_.find(pick);
  if (m == nullptr) return;
  log(LogLevel::info, "attempting reconnect to " + m->name + " " + m->addr.to_string());
  host_.join(now, {m->addr}, [](TimePoint, int, std::string) {});
}

void Engine::check_queues() {
  std::size_t max = cfg_.max_queue_depth;
  if (cfg_.min_queue_depth > 0) max = std::max(2 * members_.size(), cfg_.min_queue_depth);
  const std::pair<const char*, swim::BroadcastQueue*> queues[] = {
      {"Intent", &intents_q_}, {"Event", &events_q_}, {"Query", &queries_q_}, {"Wkd", &wkd_q_}};
  for (const auto& [qname, q] : queues) {
    const std::size_t n = q->size();
    if (n >= cfg_.queue_depth_warning) log(LogLevel::warn, std::string(qname) + " queue depth: " + std::to_string(n));
    if (n > max) {
      log(LogLevel::warn, std::string(qname) + " queue depth (" + std::to_string(n) + ") exceeds limit (" +
                              std::to_string(max) + "), dropping messages!");
      q->prune(max);
    }
  }
}

SerfStats Engine::stats() const {
  SerfStats s;
  s.members = members_.size();
  s.failed = members_.failed_names().size();
  s.left = members_.left_names().size();
  s.recent_intents = members_.recent_intent_count();
  s.member_time = clock_.time();
  s.event_time = event_clock_.time();
  s.query_time = query_clock_.time();
  s.intent_queue = intents_q_.size();
  s.event_queue = events_q_.size();
  s.query_queue = queries_q_.size();
  s.wkd_queue = wkd_q_.size();
  s.coordinate_resets = coord_client_.resets();
  s.coordinates_rejected = coordinates_rejected_;
  s.messages_dropped = messages_dropped_;
  s.events_delivered = events_delivered_;
  s.queries_handled = queries_handled_;
  s.key_queries_refused = key_queries_refused_;
  s.flaps = members_.flaps();
  return s;
}

}  // namespace wkd::serf
