// Serf engine: queries, responses, relays and name-conflict resolution
// (serf query.go, internal_query.go, serf.go handleQuery/handleQueryResponse/
// resolveNodeConflict, delegate.go relay; docs/wire.md §11.6, §11.8).
//
// A query is processed once per (LTime, ID) (QueryBuffer). If its filters
// match this node, an ack is sent at once when asked for, then the query is
// either answered internally (names starting "_serf_") or handed to the user,
// who may answer once before the deadline. Every ack or response goes by UDP
// straight to the querier's Addr:Port; with a relay factor r, r more copies
// go through random alive members that speak serf protocol 5 (relay message
// type 9: the relay node forwards the inner message to the querier), so an
// answer survives a lossy direct path.
//
// Internal queries: _serf_ping needs no answer (the ack is the point);
// _serf_conflict is answered with our view of the named member (0x06 ‖
// Member, or 0x06 c0 if unknown), except when the name is ours; the key
// queries (_serf_install-key, use-key, remove-key, list-keys) are never
// acted on, since wkd does not rotate keys over gossip: they are logged and
// answered with Result=false and a message saying so, which is what a
// `serf keys` operator sees for this node.
//
// Name conflicts: when memberlist reports another address claiming our name,
// the engine asks the cluster (_serf_conflict with our name) and counts the
// answers that name our address; fewer than a majority (responses / 2 + 1)
// means the cluster believes the other node. Serf shuts down then; wkd
// raises conflicted() and reports it, leaving the decision to the runtime.
#include <algorithm>
#include <cmath>
#include <utility>

#include "serf/engine.hpp"
#include "wire/serf_codec.hpp"

namespace wkd::serf {

namespace {

wire::NilBytes nil_if_empty(ByteView b) {
  if (b.empty()) return std::nullopt;
  return Bytes(b.begin(), b.end());
}

wire::SerfMember to_wire_member(const Member& m) {
  wire::SerfMember out;
  out.name = m.name;
  out.addr = Bytes(m.addr.ip_bytes().begin(), m.addr.ip_bytes().end());
  out.port = m.addr.port;
  out.tags = m.tags.to_map();
  out.status = static_cast<wire::SerfMemberStatus>(m.status);
  out.protocol_min = m.vsn.pmin;
  out.protocol_max = m.vsn.pmax;
  out.protocol_cur = m.vsn.pcur;
  out.delegate_min = m.vsn.dmin;
  out.delegate_max = m.vsn.dmax;
  out.delegate_cur = m.vsn.dcur;
  return out;
}

}  // namespace

Duration Engine::default_query_timeout() const {
  std::size_t n = 0;
  for (const auto& [mname, m] : members_.members()) {
    if (m.status == MemberStatus::alive || m.status == MemberStatus::leaving) ++n;
  }
  n = std::max<std::size_t>(n, 1);
  const auto scale = static_cast<Duration::rep>(std::ceil(std::log10(static_cast<double>(n) + 1.0)));
  return cfg_.memberlist.gossip_interval * cfg_.query_timeout_mult * scale;
}

Result<std::uint32_t> Engine::query(TimePoint now, std::string_view qname, ByteView payload,
                                    QueryParams params, QueryHandlers handlers) {
  if (cfg_.protocol_version() < 4) {
    return fail(Err::unsupported, "queries need serf protocol 4 or later");
  }
  if (state_ == SerfState::created || state_ == SerfState::shutdown) {
    return fail(Err::state, "serf: not running");
  }
  const Duration timeout = params.timeout > Duration::zero() ? params.timeout : default_query_timeout();
  const Address& self = cfg_.memberlist.advertise;

  wire::SerfQuery q;
  q.ltime = query_clock_.time();
  q.id = static_cast<std::uint32_t>(rng_.below(std::uint64_t{1} << 31));
  q.addr = Bytes(self.ip_bytes().begin(), self.ip_bytes().end());
  q.port = self.port;
  q.source_node = name();
  q.filters = encode_filters(params);
  q.flags = params.request_ack ? wire::kQueryFlagAck : 0;
  q.relay_factor = params.relay_factor;
  q.timeout_ns = timeout.count();
  q.name = std::string(qname);
  q.payload = nil_if_empty(payload);

  auto raw = wire::encode_serf_message(q, cfg_.memberlist.int_style);
  if (!raw) return fail(Err::invalid_argument, "query: " + raw.message());
  if (raw->size() > cfg_.query_size_limit) {
    return fail(Err::too_large, "query exceeds limit of " + std::to_string(cfg_.query_size_limit) +
                                    " bytes (" + std::to_string(raw->size()) + ")");
  }
  tracker_.add(q.ltime, q.id, now + timeout, params.request_ack, std::move(handlers));
  handle_query(now, q);
  queries_q_.push({}, std::move(*raw));
  return q.id;
}

bool Engine::handle_query(TimePoint now, const wire::SerfQuery& q) {
  query_clock_.witness(q.ltime);
  switch (query_buffer_.record(query_clock_.time(), q.ltime, q.id)) {
    case Dedup::too_old:
      if (q.ltime >= query_buffer_.min_time()) {
        log(LogLevel::warn, "received old query " + q.name + " from time " + std::to_string(q.ltime) +
                                " (current: " + std::to_string(query_clock_.time()) + ")");
      }
      return false;
    case Dedup::duplicate: return false;
    case Dedup::fresh: break;
  }
  ++queries_handled_;
  const bool rebroadcast = (q.flags & wire::kQueryFlagNoBroadcast) == 0;
  if (!should_process(q.filters, name(), tags_, log_)) return rebroadcast;

  QueryEvent ev;
  ev.ltime = q.ltime;
  ev.id = q.id;
  ev.name = q.name;
  if (q.payload) ev.payload = *q.payload;
  ev.source_node = q.source_node;
  ev.relay_factor = q.relay_factor;
  ev.deadline = now + Duration(std::max<std::int64_t>(q.timeout_ns, 0));
  if (auto addr = Address::from_bytes(q.addr, q.port)) {
    ev.respond_to = *addr;
  } else {
    log(LogLevel::warn, "query " + q.name + " from " + q.source_node + " has no usable address (" +
                            std::to_string(q.addr.size()) + " bytes); cannot answer it");
  }

  if ((q.flags & wire::kQueryFlagAck) != 0 && ev.respond_to.is_set()) {
    wire::SerfQueryResponse ack{q.ltime, q.id, name(), wire::kQueryFlagAck, std::nullopt};
    auto raw = wire::encode_serf_message(ack, cfg_.memberlist.int_style);
    if (raw) {
      send_and_relay(now, ev, ack, *raw);
    } else {
      log(LogLevel::error, "failed to format ack: " + raw.message());
    }
  }

  if (is_internal_query(q.name)) {
    handle_internal_query(now, ev);
  } else {
    responders_.insert_or_assign({ev.ltime, ev.id}, ev.deadline);
    sink_.on_query(ev);
  }
  return rebroadcast;
}

void Engine::handle_internal_query(TimePoint now, const QueryEvent& q) {
  if (q.name == kQueryPing) return;

  if (q.name == kQueryConflict) {
    const std::string node = to_string(q.payload);
    if (node == name()) return;  // the conflict is about us: others answer
    log(LogLevel::debug, "Got conflict resolution query for '" + node + "'");
    wire::SerfConflictResponse out;
    if (const Member* m = members_.find(node)) out.member = to_wire_member(*m);
    auto raw = wire::encode_serf_message(out, cfg_.memberlist.int_style);
    if (!raw) {
      log(LogLevel::error, "Failed to encode conflict query response: " + raw.message());
      return;
    }
    if (auto st = send_response(now, q, std::move(*raw)); !st) {
      log(LogLevel::error, "Failed to respond to conflict query: " + st.message());
    }
    return;
  }

  if (is_key_query(q.name)) {
    ++key_queries_refused_;
    log(LogLevel::warn, "ignoring " + q.name + " query from " + q.source_node + ": " +
                            std::string(kKeyManagementDisabled));
    wire::SerfKeyResponse resp;
    resp.result = false;
    resp.message = std::string(kKeyManagementDisabled);
    auto raw = wire::encode_serf_message(resp, cfg_.memberlist.int_style);
    if (!raw) {
      log(LogLevel::error, "Failed to encode key response: " + raw.message());
      return;
    }
    if (auto st = send_response(now, q, std::move(*raw)); !st) {
      log(LogLevel::error, "Failed to respond to key query: " + st.message());
    }
    return;
  }

  log(LogLevel::warn, "Unhandled internal query '" + q.name.substr(kInternalQueryPrefix.size()) + "'");
}

Status Engine::send_response(TimePoint now, const QueryEvent& q, wire::NilBytes payload) {
  if (!q.respond_to.is_set()) return fail(Err::invalid_argument, "query has no address to respond to");
  if (now > q.deadline) return fail(Err::state, "response is past the deadline");
  wire::SerfQueryResponse resp{q.ltime, q.id, name(), 0, std::move(payload)};
  auto raw = wire::encode_serf_message(resp, cfg_.memberlist.int_style);
  if (!raw) return fail(Err::invalid_argument, "failed to format response: " + raw.message());
  if (raw->size() > cfg_.query_response_size_limit) {
    return fail(Err::too_large, "response exceeds limit of " + std::to_string(cfg_.query_response_size_limit) +
                                    " bytes (" + std::to_string(raw->size()) + ")");
  }
  send_and_relay(now, q, resp, *raw);
  return {};
}

Status Engine::respond(TimePoint now, const QueryEvent& q, ByteView payload) {
  auto it = responders_.find({q.ltime, q.id});
  if (it == responders_.end()) return fail(Err::state, "response already sent (or unknown query)");
  auto st = send_response(now, q, nil_if_empty(payload));
  // A response that is too large may be retried smaller; anything else
  // (sent, or past the deadline) ends the query for us.
  if (st || st.code() != Err::too_large) responders_.erase(it);
  return st;
}

void Engine::send_and_relay(TimePoint now, const QueryEvent& q, const wire::SerfQueryResponse& resp,
                            ByteView raw) {
  (void)resp;
  host_.send_user_packet(now, q.respond_to, raw);
  relay_response(now, q.relay_factor, q.respond_to, q.source_node, raw);
}

void Engine::relay_response(TimePoint now, std::uint8_t relay_factor, const Address& dest,
                            const std::string& dest_name, ByteView raw_response) {
  if (relay_factor == 0) return;
  std::vector<const Member*> all;
  for (const auto& [mname, m] : members_.members()) all.push_back(&m);
  if (all.size() < static_cast<std::size_t>(relay_factor) + 1) return;

  wire::SerfRelay relay;
  relay.header.dest_ip = Bytes(dest.ip_bytes().begin(), dest.ip_bytes().end());
  relay.header.dest_port = dest.port;
  relay.header.dest_name = dest_name;
  relay.inner = Bytes(raw_response.begin(), raw_response.end());
  auto raw = wire::encode_serf_message(relay, cfg_.memberlist.int_style);
  if (!raw) {
    log(LogLevel::error, "failed to format relayed response: " + raw.message());
    return;
  }
  if (raw->size() > cfg_.query_response_size_limit) {
    log(LogLevel::error, "relayed response exceeds limit of " +
                             std::to_string(cfg_.query_response_size_limit) + " bytes");
    return;
  }
  // Up to relay_factor distinct alive protocol-5 members, drawn at random
  // with at most 3n tries (serf's kRandomMembers).
  std::vector<const Member*> picked;
  const std::size_t n = all.size();
  for (std::size_t i = 0; i < 3 * n && picked.size() < relay_factor; ++i) {
    const Member* m = all[rng_.below(n)];
    if (m->status != MemberStatus::alive || m->vsn.pmax < 5 || m->name == name()) continue;
    if (std::find(picked.begin(), picked.end(), m) != picked.end()) continue;
    picked.push_back(m);
  }
  for (const Member* m : picked) host_.send_user_packet(now, m->addr, *raw);
}

void Engine::handle_query_response(TimePoint now, const wire::SerfQueryResponse& r) {
  std::string why;
  if (!tracker_.on_response(now, r, &why) && !why.empty()) log(LogLevel::warn, why);
}

void Engine::handle_relay(TimePoint now, const wire::SerfRelay& r) {
  std::optional<Address> dest;
  if (r.header.dest_port >= 0 && r.header.dest_port <= 65535) {
    dest = Address::from_bytes(r.header.dest_ip, static_cast<std::uint16_t>(r.header.dest_port));
  }
  if (!dest) {
    ++messages_dropped_;
    log(LogLevel::error, "Error decoding relay header: bad destination address");
    return;
  }
  log(LogLevel::debug, "Relaying response to addr: " + dest->to_string());
  host_.send_user_packet(now, *dest, r.inner);
}

// ---------------------------------------------------------------- name conflicts

void Engine::notify_conflict(TimePoint now, const swim::NodeInfo& existing, const swim::NodeInfo& other) {
  if (existing.name != name()) {
    log(LogLevel::warn, "Name conflict for '" + existing.name + "' both " + existing.addr.to_string() +
                            " and " + other.addr.to_string() + " are claiming");
    return;
  }
  log(LogLevel::error, "Node name conflicts with another node at " + other.addr.to_string() +
                           ". Names must be unique! (Resolution enabled: " +
                           (cfg_.enable_name_conflict_resolution ? "true" : "false") + ")");
  if (cfg_.enable_name_conflict_resolution) resolve_conflict(now, other.addr);
}

void Engine::resolve_conflict(TimePoint now, const Address& other) {
  if (conflict_query_running_) return;
  conflict_query_running_ = true;
  conflict_responses_ = 0;
  conflict_matching_ = 0;
  const Address local = cfg_.memberlist.advertise.unmapped();

  QueryHandlers h;
  h.on_response = [this, local](const std::string& from, ByteView payload) {
    if (payload.empty() || payload[0] != static_cast<std::uint8_t>(wire::SerfType::conflict_response)) {
      log(LogLevel::error, "Invalid conflict query response type from " + from);
      return;
    }
    auto r = wire::decode_serf_conflict_response(payload.subspan(1));
    if (!r) {
      log(LogLevel::error, "Failed to decode conflict query response: " + r.message());
      return;
    }
    ++conflict_responses_;
    if (r->member) {
      auto addr = Address::from_bytes(r->member->addr, r->member->port);
      if (addr && addr->unmapped() == local) ++conflict_matching_;
    }
  };
  h.on_done = [this, other] { finish_conflict(other); };
  auto id = query(now, kQueryConflict, as_bytes(name()), {}, std::move(h));
  if (!id) {
    conflict_query_running_ = false;
    log(LogLevel::error, "Failed to start name resolution query: " + id.message());
  }
}

void Engine::finish_conflict(const Address& other) {
  conflict_query_running_ = false;
  ConflictReport report;
  report.other_addr = other.to_string();
  report.responses = conflict_responses_;
  report.matching = conflict_matching_;
  const int majority = conflict_responses_ / 2 + 1;
  report.minority = conflict_matching_ < majority;
  const std::string tally = " [" + std::to_string(conflict_matching_) + " / " +
                            std::to_string(conflict_responses_) + "]";
  if (!report.minority) {
    log(LogLevel::info, "majority in name conflict resolution" + tally);
  } else {
    conflicted_ = true;
    log(LogLevel::warn, "minority in name conflict resolution" + tally +
                            ": the cluster sees our name at " + report.other_addr +
                            "; this node stays up but is marked conflicted");
  }
  sink_.on_name_conflict(report);
}

}  // namespace wkd::serf
