// Failure detection: SWIM's probe cycle with Lifeguard's adjustments
// (SWIM §4.3; Lifeguard §3.1; memberlist state.go probe / probeNode and
// net.go handlePing / handleIndirectPing / handleAck / handleNack).
//
// Every probe interval the next member of a shuffled round-robin list is
// probed (skipping ourselves and dead or left members; when the list wraps,
// long-dead members are dropped and the list reshuffled, so each member is
// probed once per round in random order):
//
//   t0              ping (with a suspect message if it is already suspect)
//   t0 + timeout    no ack: ask k random alive members to ping it for us
//                   (indirect ping; protocol-4 members nack if they hear
//                   nothing), and try a TCP ping in parallel
//   t0 + interval*(score+1)
//                   no ack (direct, relayed): suspect it, unless only the
//                   TCP ping got through (then warn: UDP is broken)
//
// The local health score rises by one for each refutation and failed probe
// without nack-capable helpers, or by the number of missing nacks, and
// falls by one for each successful probe; it stretches the probe deadline.
// Acks and nacks are matched by sequence number only.
#include <algorithm>

#include "swim/memberlist_impl.hpp"

namespace wkd::swim {

wire::Ping Memberlist::Impl::make_ping(std::uint32_t seq, const std::string& target) const {
  wire::Ping p;
  p.seq_no = seq;
  p.node = target;
  p.source_addr = Bytes(cfg.advertise.ip_bytes().begin(), cfg.advertise.ip_bytes().end());
  p.source_port = cfg.advertise.port;
  p.source_node = cfg.name;
  return p;
}

void Memberlist::Impl::set_ack_handler(std::uint32_t seq, Duration timeout,
                                       std::function<void(ByteView, TimePoint)> on_ack,
                                       std::function<void()> on_nack) {
  AckHandler h;
  h.on_ack = std::move(on_ack);
  h.on_nack = std::move(on_nack);
  h.expiry = timers.schedule(now + timeout, [this, seq](TimePoint t) {
    now = t;
    erase_ack_handler(seq);
  });
  if (AckHandler* old = find_ack_handler(seq)) {
    timers.cancel(old->expiry);
    *old = std::move(h);
  } else {
    ack_handlers.emplace_back(seq, std::move(h));
  }
}

Memberlist::Impl::AckHandler* Memberlist::Impl::find_ack_handler(std::uint32_t seq) {
  for (auto& [s, h] : ack_handlers) {
    if (s == seq) return &h;
  }
  return nullptr;
}

void Memberlist::Impl::erase_ack_handler(std::uint32_t seq) {
  for (std::size_t i = 0; i < ack_handlers.size(); ++i) {
    if (ack_handlers[i].first != seq) continue;
    if (i + 1 != ack_handlers.size()) ack_handlers[i] = std::move(ack_handlers.back());
    ack_handlers.pop_back();
    return;
  }
}

void Memberlist::Impl::on_probe_tick() {
  // Go's ticker keeps one missed tick: a probe that outlasts the interval
  // is followed at once by the next.
  if (probe_running) {
    probe_tick_pending = true;
    return;
  }
  probe_next();
}

void Memberlist::Impl::probe_next() {
  std::size_t checked = 0;
  while (true) {
    if (checked >= nodes.size()) return;
    if (probe_index >= nodes.size()) {
      // resetNodes: forget members dead for longer than the gossip-to-the-
      // dead time, then reshuffle the probe order.
      std::vector<std::unique_ptr<NodeInfo>> keep;
      keep.reserve(nodes.size());
      for (auto& n : nodes) {
        if (n->dead_or_left() && n.get() != self && now - n->state_change > cfg.gossip_to_the_dead_time) {
          changed(n->name);
          by_name.erase(n->name);
          suspicions.erase(n->name);
          continue;
        }
        keep.push_back(std::move(n));
      }
      nodes = std::move(keep);
      for (std::size_t i = nodes.size(); i > 1; --i) std::swap(nodes[i - 1], nodes[rng.below(i)]);
      probe_index = 0;
      ++checked;
      continue;
    }
    NodeInfo* node = nodes[probe_index].get();
    ++probe_index;
    if (node == self || node->dead_or_left()) {
      ++checked;
      continue;
    }
    probe_node(*node);
    return;
  }
}

void Memberlist::Impl::probe_node(NodeInfo& node) {
  ++stats.probes;
  const Duration interval = awareness.scale(cfg.probe_interval);
  Probe p;
  p.target = node.name;
  p.addr = node.addr;
  p.seq = next_seq();
  p.sent = now;
  p.deadline = now + interval;
  const std::uint32_t seq = p.seq;

  set_ack_handler(
      seq, interval,
      [this, seq](ByteView payload, TimePoint at) {
        if (!probe || probe->seq != seq || probe->acked) return;
        probe->acked = true;
        NodeInfo* target = find_node(probe->target);
        if (target != nullptr) target->last_seen = at;
        // Only a direct ack before the probe timeout feeds the RTT to the
        // ping delegate (memberlist's first select).
        if (target != nullptr && at - probe->sent <= cfg.probe_timeout) {
          delegate.notify_ping_complete(*target, at - probe->sent, payload);
        }
        probe_finished(true, false);
      },
      [this, seq]() {
        if (probe && probe->seq == seq) ++probe->nacks;
      });

  auto ping = wire::encode_message(make_ping(seq, node.name), cfg.int_style);
  if (!ping.ok()) {
    log(LogLevel::error, "memberlist: failed to encode ping: " + ping.message());
    return;
  }
  if (node.state == NodeState::alive) {
    send_msg(node.addr, &node, std::move(ping).value());
  } else {
    // Tell a suspect member it is suspected so it can refute at once.
    wire::Suspect s;
    s.incarnation = node.incarnation;
    s.node = node.name;
    s.from = cfg.name;
    auto sus = wire::encode_message(s, cfg.int_style);
    std::vector<SharedBytes> msgs;
    msgs.emplace_back(std::move(ping).value());
    if (sus.ok()) msgs.emplace_back(std::move(sus).value());
    send_raw(node.addr, &node, msgs);
  }

  probe = std::move(p);
  probe_running = true;
  probe->timeout_timer = timers.schedule(now + cfg.probe_timeout, [this, seq](TimePoint t) {
    now = t;
    if (probe && probe->seq == seq) probe_timeout_elapsed();
  });
  probe->deadline_timer = timers.schedule(probe->deadline, [this, seq](TimePoint t) {
    now = t;
    if (probe && probe->seq == seq) probe_deadline_reached();
  });
}

void Memberlist::Impl::probe_timeout_elapsed() {
  probe->timeout_timer = 0;
  if (probe->acked) return;
  NodeInfo* target = find_node(probe->target);
  const std::string target_name = probe->target;
  probe->expected_nacks += send_indirect_pings(target_name, probe->addr, probe->seq, /*request_nacks=*/true);
  // TCP fallback: catches members whose UDP is broken but who are alive.
  if (!cfg.disable_tcp_pings && target != nullptr && target->vsn.pmax >= 3) {
    send_tcp_ping(probe->addr, probe->seq, target_name, probe->deadline);
  }
}

int Memberlist::Impl::send_indirect_pings(const std::string& target, const Address& addr, std::uint32_t seq,
                                          bool request_nacks) {
  auto helpers = k_random_nodes(cfg.indirect_checks, [&](const NodeInfo& n) {
    return n.name == cfg.name || n.name == target || n.state != NodeState::alive;
  });
  wire::IndirectPing ind;
  ind.seq_no = seq;
  ind.target = Bytes(addr.ip_bytes().begin(), addr.ip_bytes().end());
  ind.port = addr.port;
  ind.node = target;
  ind.source_addr = Bytes(cfg.advertise.ip_bytes().begin(), cfg.advertise.ip_bytes().end());
  ind.source_port = cfg.advertise.port;
  ind.source_node = cfg.name;
  int expected_nacks = 0;
  for (NodeInfo* helper : helpers) {
    // Nacks only from helpers that speak protocol 4.
    ind.nack = request_nacks && helper->vsn.pmax >= 4;
    if (ind.nack) ++expected_nacks;
    auto msg = wire::encode_message(ind, cfg.int_style);
    if (!msg.ok()) continue;
    ++stats.indirect_probes;
    send_msg(helper->addr, helper, std::move(msg).value());
  }
  return expected_nacks;
}

void Memberlist::Impl::probe_deadline_reached() {
  probe->deadline_timer = 0;
  if (probe->acked) return;
  if (probe->tcp_ok) {
    log(LogLevel::warn, "memberlist: was able to connect to " + probe->target +
                            " over TCP but UDP probes failed, network may be misconfigured");
    probe_finished(true, false);
    return;
  }
  probe_finished(false, true);
}

void Memberlist::Impl::probe_finished(bool success, bool suspect_target) {
  Probe p = std::move(*probe);
  probe.reset();
  timers.cancel(p.timeout_timer);
  timers.cancel(p.deadline_timer);
  if (success) {
    awareness.apply_delta(-1);
  } else {
    ++stats.probe_failures;
    // With nack-capable helpers, missing nacks measure our own health: if
    // they could not reach the target either, the fault is likely not ours.
    int delta = 0;
    if (p.expected_nacks > 0) {
      if (p.nacks < p.expected_nacks) delta = p.expected_nacks - p.nacks;
    } else {
      delta = 1;
    }
    awareness.apply_delta(delta);
  }
  if (suspect_target) {
    NodeInfo* target = find_node(p.target);
    if (target != nullptr) {
      log(LogLevel::info, "memberlist: suspect " + p.target + " has failed, no acks received");
      wire::Suspect s;
      s.incarnation = target->incarnation;
      s.node = p.target;
      s.from = cfg.name;
      if (target->state == NodeState::alive) ++stats.suspicions;
      suspect_node(s);
    }
  }
  probe_running = false;
  if (probe_tick_pending) {
    probe_tick_pending = false;
    probe_next();
  }
}

void Memberlist::Impl::handle_ping(const Address& from, const wire::Ping& p) {
  if (!p.node.empty() && p.node != cfg.name) {
    log(LogLevel::warn, "memberlist: got ping for unexpected node '" + p.node + "' from " + from.to_string());
    return;
  }
  wire::Ack ack;
  ack.seq_no = p.seq_no;
  ack.payload = delegate.ack_payload();
  Address reply = from;
  if (!p.source_addr.empty() && p.source_port > 0) {
    if (auto a = Address::from_bytes(p.source_addr, p.source_port)) reply = *a;
  }
  NodeInfo* sender = p.source_node.empty() ? nullptr : find_node(p.source_node);
  if (sender != nullptr && sender->state != NodeState::dead && sender->state != NodeState::left) {
    sender->last_seen = now;
  }
  auto msg = wire::encode_message(ack, cfg.int_style);
  if (msg.ok()) send_msg(reply, sender, std::move(msg).value());
}

void Memberlist::Impl::handle_indirect_ping(const Address& from, wire::IndirectPing ind) {
  if (ind.port == 0) ind.port = cfg.advertise.port;
  auto target = Address::from_bytes(ind.target, ind.port);
  if (!target) {
    ++stats.drops.by_reason[static_cast<std::size_t>(wire::Err::bad_field)];
    return;
  }
  Address requester = from;
  if (!ind.source_addr.empty()) {
    if (auto a = Address::from_bytes(ind.source_addr, ind.source_port)) requester = *a;
  }
  const std::uint32_t local_seq = next_seq();
  const std::uint32_t their_seq = ind.seq_no;
  // Relay the ack to the requester; cancel the nack when it comes in time.
  auto nack_timer = std::make_shared<TimerQueue::Id>(0);
  set_ack_handler(
      local_seq, cfg.probe_timeout,
      [this, requester, their_seq, nack_timer](ByteView, TimePoint) {
        timers.cancel(*nack_timer);
        wire::Ack ack;
        ack.seq_no = their_seq;
        auto msg = wire::encode_message(ack, cfg.int_style);
        if (msg.ok()) send_msg(requester, nullptr, std::move(msg).value());
      },
      nullptr);
  auto ping = wire::encode_message(make_ping(local_seq, ind.node), cfg.int_style);
  if (ping.ok()) send_msg(*target, find_node(ind.node), std::move(ping).value());
  if (ind.nack) {
    *nack_timer = timers.schedule(now + cfg.probe_timeout, [this, requester, their_seq](TimePoint t) {
      now = t;
      wire::Nack nack;
      nack.seq_no = their_seq;
      auto msg = wire::encode_message(nack, cfg.int_style);
      ++stats.nacks_sent;
      if (msg.ok()) send_msg(requester, nullptr, std::move(msg).value());
    });
  }
}

void Memberlist::Impl::handle_ack(const Address& from, const wire::Ack& a) {
  AckHandler* found = find_ack_handler(a.seq_no);
  if (found == nullptr) {
    ++stats.drops_unknown_node_ack;
    return;
  }
  AckHandler h = std::move(*found);
  erase_ack_handler(a.seq_no);
  timers.cancel(h.expiry);
  (void)from;
  const Bytes empty;
  if (h.on_ack) h.on_ack(a.payload ? ByteView(*a.payload) : ByteView(empty), now);
}

void Memberlist::Impl::handle_nack(const wire::Nack& n) {
  AckHandler* h = find_ack_handler(n.seq_no);
  if (h == nullptr) return;
  ++stats.nacks_received;
  if (h->on_nack) h->on_nack();
}

}  // namespace wkd::swim
