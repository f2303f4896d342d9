// Dissemination and streams: datagrams with piggybacked broadcasts, the
// gossip round, and the TCP exchanges (push/pull anti-entropy, TCP ping,
// user messages) — memberlist net.go and state.go gossip / pushPull.
//
// A datagram for one message (ping, ack, indirect ping, nack) carries as
// many queued broadcasts as fit in UDPBufferSize: memberlist's own first,
// then the delegate's (Serf's). Every gossip interval the queues are also
// drained to GossipNodes random members that are alive, suspect, or dead for
// less than GossipToTheDeadTime. Gossip carries a CRC header for peers of
// protocol 5 and up, like memberlist.
//
// Push/pull sends the whole member table and the delegate's state over TCP
// and merges the peer's reply: on join, and periodically with one random
// member, at an interval scaled with the cluster size. The responder
// answers before merging, echoing the request's Join flag.
#include <algorithm>

#include "swim/memberlist_impl.hpp"

namespace wkd::swim {

namespace {
// The messages of one datagram, as the packet encoder takes them: `first`
// unless it is empty (no message is), then msgs.
std::vector<ByteView> views_of(const std::vector<SharedBytes>& msgs, ByteView first = {}) {
  std::vector<ByteView> views;
  views.reserve(msgs.size() + 1);
  if (!first.empty()) views.push_back(first);
  for (const SharedBytes& m : msgs) views.push_back(m.view());
  return views;
}
}  // namespace

wire::PacketBudget Memberlist::Impl::budget() const {
  wire::PacketBudget b;
  b.label = cfg.label;
  b.encrypted = encrypt_outgoing();
  b.udp_buffer_size = cfg.udp_buffer_size;
  return b;
}

wire::PacketEncodeOptions Memberlist::Impl::packet_options(bool crc) const {
  wire::PacketEncodeOptions o;
  o.compress = cfg.enable_compression;
  o.compress_min_size = cfg.compress_min_size;
  o.crc = crc;
  o.keyring = encrypt_outgoing() ? &keyring : nullptr;
  o.label = cfg.label;
  return o;
}

void Memberlist::Impl::collect_broadcasts(const NodeInfo* target, std::size_t limit,
                                          std::vector<SharedBytes>& out) {
  const std::size_t first = out.size();
  broadcasts.take(wire::kBroadcastOverhead, limit, est_num_nodes(), out, tally_for(target));
  std::size_t used = 0;
  for (std::size_t i = first; i < out.size(); ++i) used += out[i]->size() + wire::kBroadcastOverhead;
  stats.gossip_messages += out.size() - first;
  if (limit <= used || limit - used <= wire::kUserBroadcastOverhead) return;
  std::vector<Bytes> user;
  delegate.get_broadcasts(target, wire::kUserBroadcastOverhead, limit - used, user);
  for (Bytes& u : user) {
    Bytes framed;
    framed.reserve(u.size() + 1);
    framed.push_back(static_cast<std::uint8_t>(wire::MsgType::user));
    append(framed, u);
    out.emplace_back(std::move(framed));
  }
  stats.gossip_messages += user.size();
}

void Memberlist::Impl::send_msg(const Address& to, const NodeInfo* target, Bytes msg) {
  const std::size_t avail = wire::piggyback_budget(msg.size(), budget());
  std::vector<SharedBytes> extra;  // allocates only when something is queued
  if (avail > 0) collect_broadcasts(target, avail, extra);
  // Like memberlist, the "send to an address" path adds no CRC.
  auto packet = [&] {
    // Nothing to piggyback (an idle cluster's pings and acks): the message
    // is the datagram's payload, with no copy.
    if (extra.empty()) return wire::encode_single_packet(std::move(msg), packet_options(false), rng);
    return wire::encode_packet(views_of(extra, msg), packet_options(false), rng);
  }();
  if (!packet.ok()) {
    log(LogLevel::error, "memberlist: failed to encode a packet for " + to.to_string() + ": " + packet.message());
    return;
  }
  ++stats.packets_out;
  stats.bytes_out += packet->size();
  rt.send_packet(to, *packet);
}

void Memberlist::Impl::send_raw(const Address& to, const NodeInfo* target, const std::vector<SharedBytes>& msgs) {
  const bool crc = target != nullptr && target->vsn.pmax >= 5;
  const std::vector<ByteView> views = views_of(msgs);
  auto packets = wire::encode_packets(views, packet_options(crc), rng);
  if (!packets.ok()) {
    log(LogLevel::error, "memberlist: failed to encode a packet for " + to.to_string() + ": " + packets.message());
    return;
  }
  for (const Bytes& p : *packets) {
    ++stats.packets_out;
    stats.bytes_out += p.size();
    rt.send_packet(to, p);
  }
}

void Memberlist::Impl::gossip() {
  auto targets = k_random_nodes(cfg.gossip_nodes, [this](const NodeInfo& n) {
    if (n.name == cfg.name) return true;
    switch (n.state) {
      case NodeState::alive:
      case NodeState::suspect:
        return false;
      case NodeState::dead:
        return now - n.state_change > cfg.gossip_to_the_dead_time;
      default:
        return true;
    }
  });
  const std::size_t avail = wire::gossip_budget(budget());
  for (NodeInfo* node : targets) {
    std::vector<SharedBytes> msgs;
    collect_broadcasts(node, avail, msgs);
    // What a node gets depends on it (the delegate may keep some news for
    // some peers), so an empty datagram for one says nothing of the next.
    if (msgs.empty()) continue;
    send_raw(node->addr, node, msgs);
  }
}

void Memberlist::Impl::handle_packet(const Address& from, ByteView datagram) {
  ++stats.packets_in;
  stats.bytes_in += datagram.size();
  wire::PacketDecodeOptions o;
  o.keyring = keyring.empty() ? nullptr : &keyring;
  o.verify_incoming = cfg.gossip_verify_incoming;
  o.label = cfg.label;
  auto packet = wire::decode_packet(datagram, o, stats.drops);
  if (!packet.ok()) {
    log(LogLevel::debug, "memberlist: dropped a packet from " + from.to_string() + ": " + packet.message());
    return;
  }
  for (const wire::InnerMessage& m : packet->messages) handle_message(from, m);
}

void Memberlist::Impl::handle_message(const Address& from, wire::InnerMessage m) {
  const auto type = static_cast<wire::MsgType>(m.type());
  auto drop = [&](const Failure<wire::Err>& f) {
    stats.drops.count(f.code);
    log(LogLevel::debug, std::string("memberlist: dropped a ") + wire::msg_type_name(type) + " from " +
                             from.to_string() + ": " + f.message);
  };
  switch (type) {
    case wire::MsgType::ping: {
      auto p = wire::decode_ping(m.body());
      if (!p.ok()) return drop(p.failure());
      handle_ping(from, *p);
      break;
    }
    case wire::MsgType::indirect_ping: {
      auto p = wire::decode_indirect_ping(m.body());
      if (!p.ok()) return drop(p.failure());
      handle_indirect_ping(from, std::move(p).value());
      break;
    }
    case wire::MsgType::ack: {
      auto a = wire::decode_ack(m.body());
      if (!a.ok()) return drop(a.failure());
      handle_ack(from, *a);
      break;
    }
    case wire::MsgType::nack: {
      auto n = wire::decode_nack(m.body());
      if (!n.ok()) return drop(n.failure());
      handle_nack(*n);
      break;
    }
    case wire::MsgType::alive: {
      auto a = wire::decode_alive(m.body());
      if (!a.ok()) return drop(a.failure());
      if (!Address::from_bytes(a->addr, a->port)) {
        return drop(Failure<wire::Err>{wire::Err::bad_field, "alive: address is not 4 or 16 bytes"});
      }
      alive_node(*a, false);
      break;
    }
    case wire::MsgType::suspect: {
      auto s = wire::decode_suspect(m.body());
      if (!s.ok()) return drop(s.failure());
      suspect_node(*s);
      break;
    }
    case wire::MsgType::dead: {
      auto d = wire::decode_dead(m.body());
      if (!d.ok()) return drop(d.failure());
      dead_node(*d);
      break;
    }
    case wire::MsgType::user:
      delegate.notify_msg(m.body());
      break;
    default:
      drop(Failure<wire::Err>{wire::Err::unknown_type,
                              "message type " + std::to_string(m.type()) + " is not valid in a datagram"});
      break;
  }
}

// ---- streams ----

ConnId Memberlist::Impl::dial(ConnKind kind, const Address& to, Duration timeout) {
  const ConnId id = next_conn++;
  wire::StreamEncodeOptions eo;
  eo.compress = cfg.enable_compression;
  eo.keyring = encrypt_outgoing() ? &keyring : nullptr;
  eo.label = cfg.label;
  Conn c{kind, to, wire::StreamEncoder(wire::StreamRole::dialer, std::move(eo)), 0, false, 0, 0, {}, false};
  c.deadline = timers.schedule(now + timeout, [this, id](TimePoint t) {
    now = t;
    auto it = conns.find(id);
    if (it == conns.end()) return;
    it->second.deadline = 0;
    conn_failed(id, "i/o timeout");
  });
  conns.emplace(id, std::move(c));
  ++stats.streams_out;
  rt.stream_dial(id, to);
  return id;
}

void Memberlist::Impl::conn_write(ConnId id, ByteView message) {
  auto it = conns.find(id);
  if (it == conns.end()) return;
  auto framed = it->second.encoder.encode(message, rng);
  if (!framed.ok()) {
    conn_failed(id, "failed to frame a stream message: " + framed.message());
    return;
  }
  stats.bytes_out += framed->size();
  rt.stream_write(id, *framed);
}

void Memberlist::Impl::conn_close(ConnId id) {
  auto it = conns.find(id);
  if (it != conns.end()) {
    timers.cancel(it->second.deadline);
    conns.erase(it);
  }
  rt.stream_close(id);
}

void Memberlist::Impl::conn_failed(ConnId id, const std::string& reason) {
  auto it = conns.find(id);
  if (it == conns.end()) return;
  Conn c = std::move(it->second);
  timers.cancel(c.deadline);
  conns.erase(it);
  rt.stream_abort(id);
  switch (c.kind) {
    case ConnKind::push_pull:
      if (c.join) {
        join_result(c.join_id, false, c.peer.to_string() + ": " + reason, c.peer);
      } else {
        log(LogLevel::warn, "memberlist: push/pull with " + c.peer.to_string() + " failed: " + reason);
      }
      break;
    case ConnKind::tcp_ping:
      log(LogLevel::debug, "memberlist: failed fallback TCP ping to " + c.peer.to_string() + ": " + reason);
      break;
    case ConnKind::request:
      if (c.reply) {
        Memberlist::Reply r;
        r.error = reason;
        c.reply(now, std::move(r));
      }
      break;
    case ConnKind::inbound:
      break;
  }
}

const NodeInfo* Memberlist::Impl::stream_peer(const Address& from,
                                              const std::vector<wire::PushNodeState>& remote) {
  // A push/pull does not say who sent it. The sender is in its own node
  // list; name it only when exactly one entry has the connection's IP. A
  // sender we do not know yet (a joiner) is described from that entry.
  const wire::PushNodeState* match = nullptr;
  int matches = 0;
  const Address y = from.unmapped();
  for (const auto& r : remote) {
    auto a = Address::from_bytes(r.addr, r.port);
    if (!a) continue;
    const Address x = a->unmapped();
    if (x.ip_len != y.ip_len || !std::equal(x.ip.begin(), x.ip.begin() + x.ip_len, y.ip.begin())) continue;
    ++matches;
    match = &r;
  }
  if (matches != 1) return nullptr;
  if (NodeInfo* known = by_name.find(match->name)) return known;
  stream_peer_tmp.name = match->name;
  stream_peer_tmp.addr = Address::from_bytes(match->addr, match->port).value_or(Address{});
  stream_peer_tmp.meta = match->meta;
  stream_peer_tmp.incarnation = match->incarnation;
  stream_peer_tmp.state = match->state;
  stream_peer_tmp.vsn = match->vsn.value_or(wire::Vsn{});
  return &stream_peer_tmp;
}

Bytes Memberlist::Impl::local_state_message(bool join, const NodeInfo* peer) {
  wire::PushPull pp;
  pp.join = join;
  pp.nodes.reserve(nodes.size());
  for (const auto& n : nodes) {
    wire::PushNodeState s;
    s.name = n->name;
    s.addr = Bytes(n->addr.ip_bytes().begin(), n->addr.ip_bytes().end());
    s.port = n->addr.port;
    s.meta = n->meta;
    s.incarnation = n->incarnation;
    s.state = n->state;
    // Every entry carries a full Vsn: one short entry makes every Go peer's
    // verifyProtocol fail (and Debian serf panic).
    s.vsn = n->vsn.pmin == 0 ? cfg.vsn : n->vsn;
    pp.nodes.push_back(std::move(s));
  }
  pp.user_state = delegate.local_state(join, peer);
  auto msg = wire::encode_message(pp, cfg.int_style);
  if (!msg.ok()) {
    log(LogLevel::error, "memberlist: failed to encode local state: " + msg.message());
    return {};
  }
  return std::move(msg).value();
}

void Memberlist::Impl::push_pull_node(const Address& to, bool join, std::uint64_t join_id) {
  const ConnId id = dial(ConnKind::push_pull, to, cfg.tcp_timeout);
  auto it = conns.find(id);
  it->second.join = join;
  it->second.join_id = join_id;
  const NodeInfo* peer = nullptr;
  for (const auto& n : nodes) {
    if (n->addr == to) peer = n.get();
  }
  Bytes state = local_state_message(join, peer);
  if (state.empty()) {
    conn_failed(id, "failed to encode local state");
    return;
  }
  conn_write(id, state);
}

void Memberlist::Impl::periodic_push_pull() {
  auto targets = k_random_nodes(1, [this](const NodeInfo& n) {
    return n.name == cfg.name || n.state != NodeState::alive;
  });
  if (targets.empty()) return;
  push_pull_node(targets.front()->addr, false, 0);
}

void Memberlist::Impl::send_tcp_ping(const Address& to, std::uint32_t seq, const std::string& target,
                                     TimePoint deadline) {
  const Duration timeout = deadline > now ? deadline - now : Duration(1);
  const ConnId id = dial(ConnKind::tcp_ping, to, timeout);
  conns.at(id).seq = seq;
  ++stats.tcp_pings;
  auto ping = wire::encode_message(make_ping(seq, target), cfg.int_style);
  if (!ping.ok()) {
    conn_failed(id, ping.message());
    return;
  }
  conn_write(id, *ping);
}

void Memberlist::Impl::handle_stream(ConnId id, const Address& from, ByteView message) {
  stats.bytes_in += message.size();
  if (message.empty()) return;
  const auto type = static_cast<wire::MsgType>(message[0]);
  const ByteView body = message.subspan(1);
  auto it = conns.find(id);

  if (it == conns.end()) {
    if ((id & kInboundConnBit) == 0) return;  // a late reply on a connection we gave up
    ++stats.streams_in;
    wire::StreamEncodeOptions eo;
    eo.compress = cfg.enable_compression;
    eo.keyring = encrypt_outgoing() ? &keyring : nullptr;
    eo.label = cfg.label;
    wire::StreamEncoder enc(wire::StreamRole::acceptor, std::move(eo));
    auto reply = [&](ByteView msg) {
      auto framed = enc.encode(msg, rng);
      if (framed.ok()) {
        stats.bytes_out += framed->size();
        rt.stream_write(id, *framed);
      }
    };
    switch (type) {
      case wire::MsgType::ping: {
        auto p = wire::decode_ping(body);
        if (!p.ok()) {
          stats.drops.count(p.code());
          break;
        }
        if (!p->node.empty() && p->node != cfg.name) {
          log(LogLevel::warn, "memberlist: got TCP ping for unexpected node " + p->node);
          break;
        }
        wire::Ack ack;
        ack.seq_no = p->seq_no;
        auto msg = wire::encode_message(ack, cfg.int_style);
        if (msg.ok()) reply(*msg);
        break;
      }
      case wire::MsgType::push_pull: {
        auto pp = wire::decode_push_pull(body);
        if (!pp.ok()) {
          stats.drops.count(pp.code());
          log(LogLevel::warn, "memberlist: failed to read remote state from " + from.to_string() + ": " + pp.message());
          break;
        }
        const NodeInfo* peer = stream_peer(from, pp->nodes);
        // Reply first (echoing Join), then merge.
        Bytes state = local_state_message(pp->join, peer);
        if (!state.empty()) reply(state);
        ++stats.push_pulls;
        if (auto err = verify_protocol(pp->nodes); !err.empty()) {
          log(LogLevel::error, "memberlist: failed push/pull merge: " + err);
          break;
        }
        const std::string peer_name = peer != nullptr ? peer->name : std::string();
        merge_state(pp->nodes);
        NodeInfo* known = peer_name.empty() ? nullptr : find_node(peer_name);
        if (known != nullptr && !known->dead_or_left()) known->last_seen = now;
        if (!pp->user_state.empty()) delegate.merge_remote_state(pp->user_state, pp->join, stream_peer(from, pp->nodes));
        break;
      }
      case wire::MsgType::user: {
        auto r = wire::msgpack::Reader(body);
        auto h = wire::decode_user_msg_header(r);
        if (!h.ok()) {
          stats.drops.count(h.code());
          break;
        }
        const ByteView rest = body.subspan(r.offset());
        if (h->user_msg_len < 0 || static_cast<std::uint64_t>(h->user_msg_len) > rest.size()) {
          stats.drops.count(wire::Err::truncated);
          break;
        }
        const ByteView msg = rest.first(static_cast<std::size_t>(h->user_msg_len));
        if (auto answer = delegate.answer_stream_msg(msg)) {
          reply(wire::encode_stream_user_message(*answer, cfg.int_style));
        } else {
          delegate.notify_msg(msg);
        }
        break;
      }
      default:
        stats.drops.count(wire::Err::unknown_type);
        log(LogLevel::warn, "memberlist: received invalid stream message type " + std::to_string(message[0]) +
                                " from " + from.to_string());
        break;
    }
    rt.stream_close(id);
    return;
  }

  // A reply on a connection we dialled.
  Conn& c = it->second;
  switch (c.kind) {
    case ConnKind::push_pull: {
      if (type == wire::MsgType::err) {
        auto e = wire::decode_err_resp(body);
        conn_failed(id, "remote error: " + (e.ok() ? e->error : std::string("(undecodable)")));
        return;
      }
      if (type != wire::MsgType::push_pull) {
        conn_failed(id, "received invalid msgType (" + std::to_string(message[0]) + "), expected pushPullMsg (6)");
        return;
      }
      auto pp = wire::decode_push_pull(body);
      if (!pp.ok()) {
        stats.drops.count(pp.code());
        conn_failed(id, "failed to read remote state: " + pp.message());
        return;
      }
      const bool join = c.join;
      const std::uint64_t join_id = c.join_id;
      const Address peer_addr = c.peer;
      conn_close(id);
      ++stats.push_pulls;
      if (auto err = verify_protocol(pp->nodes); !err.empty()) {
        log(LogLevel::error, "memberlist: failed push/pull merge: " + err);
        if (join) join_result(join_id, false, peer_addr.to_string() + ": " + err, peer_addr);
        return;
      }
      merge_state(pp->nodes);
      const NodeInfo* peer = nullptr;
      for (const auto& n : nodes) {
        if (n->addr == peer_addr) peer = n.get();
      }
      if (peer != nullptr) const_cast<NodeInfo*>(peer)->last_seen = now;
      if (!pp->user_state.empty()) delegate.merge_remote_state(pp->user_state, join, peer);
      if (join) join_result(join_id, true, "", peer_addr);
      return;
    }
    case ConnKind::tcp_ping: {
      const std::uint32_t seq = c.seq;
      conn_close(id);
      if (type != wire::MsgType::ack) return;
      auto a = wire::decode_ack(body);
      if (!a.ok() || a->seq_no != seq) return;
      if (probe && probe->seq == seq) probe->tcp_ok = true;
      return;
    }
    case ConnKind::request: {
      Memberlist::ReplyDone done = std::move(c.reply);
      conn_close(id);
      Memberlist::Reply r;
      if (type != wire::MsgType::user) {
        r.error = type == wire::MsgType::err ? "remote error" : "reply of message type " + std::to_string(message[0]);
      } else {
        auto rd = wire::msgpack::Reader(body);
        auto h = wire::decode_user_msg_header(rd);
        const ByteView rest = body.subspan(h.ok() ? rd.offset() : 0);
        if (!h.ok()) {
          stats.drops.count(h.code());
          r.error = "reply: " + h.message();
        } else if (h->user_msg_len < 0 || static_cast<std::uint64_t>(h->user_msg_len) > rest.size()) {
          stats.drops.count(wire::Err::truncated);
          r.error = "reply: user message shorter than its header says";
        } else {
          r.ok = true;
          const ByteView payload = rest.first(static_cast<std::size_t>(h->user_msg_len));
          r.body.assign(payload.begin(), payload.end());
        }
      }
      if (done) done(now, std::move(r));
      return;
    }
    case ConnKind::inbound:
      conn_close(id);
      return;
  }
}

}  // namespace wkd::swim
