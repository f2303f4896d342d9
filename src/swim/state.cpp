// Membership rules: how alive, suspect and dead messages change the member
// table (memberlist state.go aliveNode / suspectNode / deadNode / refute /
// mergeState, docs/wire.md §9.1).
//
// Incarnation numbers order the claims about one member: only the member
// itself raises its incarnation, when it starts, changes its metadata, or
// refutes an accusation. An alive message must carry a strictly newer
// incarnation to be accepted (except for the member itself); suspect and
// dead accept an equal one. So an accused member refutes with
// max(own + 1, accused + 1), and the refutation overrides the accusation
// everywhere it spreads.
//
// Every accepted change is re-broadcast, keyed by the member's name, so a
// newer message about a member replaces an older one still queued.
#include <algorithm>
#include <cmath>

#include "swim/memberlist_impl.hpp"

namespace wkd::swim {

namespace {

Address to_address(ByteView ip, std::uint16_t port) {
  auto a = Address::from_bytes(ip, port);
  return a ? *a : Address{};
}

bool same_addr(const NodeInfo& n, ByteView ip, std::uint16_t port) {
  return n.addr.port == port && n.addr.ip_len == ip.size() &&
         std::equal(ip.begin(), ip.end(), n.addr.ip.begin());
}

// Nil and empty metadata are the same to memberlist.
bool meta_equal(const SharedBytes& a, const SharedBytes& b) {
  const ByteView x = a.view(), y = b.view();
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

}  // namespace

wire::Alive Memberlist::Impl::self_alive() const {
  wire::Alive a;
  a.incarnation = self->incarnation;
  a.node = self->name;
  a.addr = Bytes(self->addr.ip_bytes().begin(), self->addr.ip_bytes().end());
  a.port = self->addr.port;
  a.meta = self->meta;
  a.vsn = self->vsn;
  return a;
}

void Memberlist::Impl::encode_and_broadcast(const std::string& key, Result<Bytes, wire::Err> msg,
                                            BroadcastQueue::Done notify) {
  if (!msg.ok()) {
    log(LogLevel::error, "memberlist: failed to encode a broadcast about " + key + ": " + msg.message());
    if (notify) notify(false);
    return;
  }
  broadcasts.push(key, std::move(msg).value(), std::move(notify));
  wake_gossip();
}

NodeInfo* Memberlist::Impl::insert_node(const std::string& name, const Address& addr, const wire::NilBytes& meta,
                                        const std::optional<wire::Vsn>& vsn) {
  auto node = std::make_unique<NodeInfo>();
  node->name = name;
  node->addr = addr;
  node->meta = meta;
  node->state = NodeState::dead;
  if (vsn) node->vsn = *vsn;
  NodeInfo* state = node.get();
  by_name.insert(state);
  // Insert at a random position: appending would put every new node at
  // the end of everyone's probe order and raise the detection bound.
  const std::size_t n = nodes.size();
  const std::size_t offset = n == 0 ? 0 : rng.below(n);
  nodes.push_back(std::move(node));
  std::swap(nodes[offset], nodes[n]);
  return state;
}

void Memberlist::Impl::adopt_members(const std::vector<wire::PushNodeState>& members) {
  nodes.reserve(nodes.size() + members.size());
  by_name.reserve(by_name.size() + members.size());
  for (const auto& r : members) {
    if (r.state != NodeState::alive || r.name == cfg.name || find_node(r.name) != nullptr) continue;
    auto addr = Address::from_bytes(r.addr, r.port);
    if (!addr) continue;
    NodeInfo* node = insert_node(r.name, *addr, r.meta, r.vsn);
    node->incarnation = r.incarnation;
    node->state = NodeState::alive;
    node->state_change = now;
    node->last_seen = now;
    changed(node->name);
    delegate.notify_join(*node);
  }
}

void Memberlist::Impl::alive_node(const wire::Alive& a, bool bootstrap, BroadcastQueue::Done notify) {
  NodeInfo* state = find_node(a.node);
  // A queued alive about ourselves must not undo a leave.
  if (leaving_flag && a.node == cfg.name) {
    if (notify) notify(false);
    return;
  }
  if (a.vsn && (a.vsn->pmin == 0 || a.vsn->pmax == 0 || a.vsn->pmin > a.vsn->pmax)) {
    log(LogLevel::warn, "memberlist: ignoring an alive message for '" + a.node + "' because protocol version(s) are wrong");
    return;
  }
  bool updates_node = false;
  if (state == nullptr) {
    state = insert_node(a.node, to_address(a.addr, a.port), a.meta, a.vsn);
  } else if (!same_addr(*state, a.addr, a.port)) {
    const bool can_reclaim = cfg.dead_node_reclaim_time > Duration::zero() &&
                             now - state->state_change > cfg.dead_node_reclaim_time;
    if (state->state == NodeState::left || (state->state == NodeState::dead && can_reclaim)) {
      log(LogLevel::info, "memberlist: updating address for left or failed node " + a.node + " from " +
                              state->addr.to_string() + " to " + to_address(a.addr, a.port).to_string());
      updates_node = true;
    } else {
      log(LogLevel::error, "memberlist: conflicting address for " + a.node + ". Mine: " + state->addr.to_string() +
                               " Theirs: " + to_address(a.addr, a.port).to_string() +
                               " Old state: " + node_state_name(state->state));
      NodeInfo other = *state;
      other.addr = to_address(a.addr, a.port);
      other.meta = a.meta;
      other.incarnation = a.incarnation;
      delegate.notify_conflict(*state, other);
      return;
    }
  }

  const bool is_local = state->name == cfg.name;
  if (a.incarnation <= state->incarnation && !is_local && !updates_node) {
    if (notify) notify(false);
    return;
  }
  if (a.incarnation < state->incarnation && is_local) {
    if (notify) notify(false);
    return;
  }

  // Any suspicion is settled by a newer alive.
  if (auto it = suspicions.find(a.node); it != suspicions.end()) {
    timers.cancel(it->second.timer);
    suspicions.erase(it);
  }

  const NodeState old_state = state->state;
  const SharedBytes old_meta = state->meta;

  if (!bootstrap && is_local) {
    // Someone claims something about us: ignore it if it is exactly what we
    // say, else refute.
    const bool same = a.incarnation == state->incarnation && meta_equal(a.meta, state->meta) && a.vsn &&
                      *a.vsn == state->vsn;
    if (same) return;
    refute(*state, a.incarnation);
    log(LogLevel::warn, "memberlist: refuting an alive message for '" + a.node + "' (incarnation " +
                            std::to_string(a.incarnation) + ")");
  } else {
    encode_and_broadcast(a.node, wire::encode_message(a, cfg.int_style), std::move(notify));
    if (a.vsn) state->vsn = *a.vsn;
    state->incarnation = a.incarnation;
    state->meta = a.meta;
    state->addr = to_address(a.addr, a.port);
    changed(state->name);
    if (is_local) incarnation = std::max(incarnation, a.incarnation);
    if (state->state != NodeState::alive) {
      state->state = NodeState::alive;
      state->state_change = now;
    }
    if (!is_local) state->last_seen = now;
  }

  if (old_state == NodeState::dead || old_state == NodeState::left) {
    delegate.notify_join(*state);
  } else if (!meta_equal(old_meta, state->meta)) {
    delegate.notify_update(*state);
  }
}

void Memberlist::Impl::suspect_node(const wire::Suspect& s) {
  NodeInfo* state = find_node(s.node);
  if (state == nullptr) return;
  if (s.incarnation < state->incarnation) return;

  // A suspicion already running: this may be an independent confirmation,
  // which is re-gossiped so that more confirmations can flow.
  auto timer = suspicions.find(s.node);
  if (timer != suspicions.end()) {
    if (timer->second.suspicion.confirm(s.from)) {
      encode_and_broadcast(s.node, wire::encode_message(s, cfg.int_style));
      const std::string name = s.node;
      const TimePoint change = state->state_change;
      timers.cancel(timer->second.timer);
      const TimePoint due = std::max(now, timer->second.suspicion.deadline());
      timer->second.timer = timers.schedule(due, [this, name, change](TimePoint t) {
        now = t;
        on_suspicion_timeout(name, change);
      });
    }
    return;
  }

  if (state->state != NodeState::alive) return;

  if (state->name == cfg.name) {
    refute(*state, s.incarnation);
    log(LogLevel::warn, "memberlist: refuting a suspect message (from: " + s.from + ")");
    return;
  }
  encode_and_broadcast(s.node, wire::encode_message(s, cfg.int_style));

  state->incarnation = s.incarnation;
  state->state = NodeState::suspect;
  state->state_change = now;
  changed(state->name);
  start_suspicion(*state, s.from);
}

void Memberlist::Impl::start_suspicion(NodeInfo& node, const std::string& from) {
  // k confirmations expected, so the nominal timeout is reached two probe
  // periods before SuspicionMult would put it; none in tiny clusters (n - 2
  // leaves out ourselves and the suspect).
  int k = cfg.suspicion_mult - 2;
  const std::size_t n = est_num_nodes();
  if (static_cast<long>(n) - 2 < k) k = 0;
  const Duration min = suspicion_timeout(cfg.suspicion_mult, n, cfg.probe_interval);
  const Duration max = min * cfg.suspicion_max_timeout_mult;
  SuspicionTimer st{Suspicion(from, k, min, max, now), 0};
  const std::string name = node.name;
  const TimePoint change = node.state_change;
  st.timer = timers.schedule(st.suspicion.deadline(), [this, name, change](TimePoint t) {
    now = t;
    on_suspicion_timeout(name, change);
  });
  suspicions.insert_or_assign(name, std::move(st));
}

void Memberlist::Impl::on_suspicion_timeout(const std::string& name, TimePoint change_time) {
  auto it = suspicions.find(name);
  const int confirmations = it == suspicions.end() ? 0 : it->second.suspicion.confirmations();
  NodeInfo* state = find_node(name);
  if (state == nullptr || state->state != NodeState::suspect || state->state_change != change_time) return;

  // Before declaring a member dead, check for ourselves once more: a probe
  // (a direct ping carrying the suspicion, plus indirect pings). The
  // evidence behind a suspicion can be stale or second-hand: under packet
  // loss several peers each lose a few acks of a healthy member and confirm
  // one another while its refutation is lost on its way here; after a short
  // partition the suspect messages were gossiped out on one side only, so
  // the member never learnt it was suspected. Any ack restarts the
  // suspicion timer, during which the member's refutation (provoked by the
  // suspect message it just received) reaches us. A member that really
  // failed answers nothing and is declared dead one probe interval later.
  if (it != suspicions.end() && cfg.verify_before_dead) {
    verify_suspect(*state, change_time);
    return;
  }
  declare_dead(*state, confirmations);
}

void Memberlist::Impl::declare_dead(NodeInfo& state, int confirmations) {
  log(LogLevel::info, "memberlist: marking " + state.name + " as failed, suspect timeout reached (" +
                          std::to_string(confirmations) + " peer confirmations)");
  wire::Dead d;
  d.incarnation = state.incarnation;
  d.node = state.name;
  d.from = cfg.name;
  dead_node(d);
}

void Memberlist::Impl::verify_suspect(NodeInfo& node, TimePoint change_time) {
  ++stats.verifications;
  const std::string name = node.name;
  const std::uint32_t seq = next_seq();
  auto acked = std::make_shared<bool>(false);
  set_ack_handler(
      seq, cfg.probe_interval,
      [this, name, change_time, acked](ByteView, TimePoint at) {
        *acked = true;
        NodeInfo* n = find_node(name);
        if (n == nullptr || n->state != NodeState::suspect || n->state_change != change_time) return;
        n->last_seen = at;
        auto sit = suspicions.find(name);
        if (sit == suspicions.end()) return;
        // Alive after all: give its refutation a full timeout to arrive.
        ++stats.verifications_alive;
        timers.cancel(sit->second.timer);
        const Duration restart = sit->second.suspicion.max_timeout();
        sit->second.timer = timers.schedule(at + restart, [this, name, change_time](TimePoint t) {
          now = t;
          on_suspicion_timeout(name, change_time);
        });
      },
      nullptr);
  std::vector<SharedBytes> msgs;
  auto ping = wire::encode_message(make_ping(seq, name), cfg.int_style);
  if (ping.ok()) msgs.emplace_back(std::move(ping).value());
  wire::Suspect s;
  s.incarnation = node.incarnation;
  s.node = name;
  s.from = cfg.name;
  auto sus = wire::encode_message(s, cfg.int_style);
  if (sus.ok()) msgs.emplace_back(std::move(sus).value());
  send_raw(node.addr, &node, msgs);

  send_indirect_pings(name, node.addr, seq, /*request_nacks=*/false);
  timers.schedule(now + cfg.probe_interval, [this, name, change_time, acked](TimePoint t) {
    now = t;
    if (*acked) return;
    NodeInfo* n = find_node(name);
    if (n == nullptr || n->state != NodeState::suspect || n->state_change != change_time) return;
    auto sit = suspicions.find(name);
    declare_dead(*n, sit == suspicions.end() ? 0 : sit->second.suspicion.confirmations());
  });
}

void Memberlist::Impl::dead_node(const wire::Dead& d, BroadcastQueue::Done notify) {
  NodeInfo* state = find_node(d.node);
  if (state == nullptr || d.incarnation < state->incarnation) {
    if (notify) notify(false);
    return;
  }
  if (auto it = suspicions.find(d.node); it != suspicions.end()) {
    timers.cancel(it->second.timer);
    suspicions.erase(it);
  }
  if (state->dead_or_left()) {
    if (notify) notify(false);
    return;
  }
  if (state->name == cfg.name) {
    if (!leaving_flag) {
      refute(*state, d.incarnation);
      log(LogLevel::warn, "memberlist: refuting a dead message (from: " + d.from + ")");
      return;
    }
    encode_and_broadcast(d.node, wire::encode_message(d, cfg.int_style), std::move(notify));
  } else {
    encode_and_broadcast(d.node, wire::encode_message(d, cfg.int_style));
  }
  state->incarnation = d.incarnation;
  state->state = d.node == d.from ? NodeState::left : NodeState::dead;
  state->state_change = now;
  changed(state->name);
  delegate.notify_leave(*state);
  // Leaving while the last other member goes: nobody is left to hear our
  // leave, so waiting for its broadcast could only end in a timeout.
  if (leaving_flag && leave_done && state->name != cfg.name && num_alive_others() == 0) finish_leave(true);
}

void Memberlist::Impl::refute(NodeInfo& me, std::uint32_t accused_inc) {
  std::uint32_t inc = next_incarnation();
  if (accused_inc >= inc) inc = skip_incarnation(accused_inc - inc + 1);
  me.incarnation = inc;
  changed(me.name);
  awareness.apply_delta(1);
  ++stats.refutations;
  wire::Alive a = self_alive();
  a.incarnation = inc;
  encode_and_broadcast(me.name, wire::encode_message(a, cfg.int_style));
}

std::string Memberlist::Impl::verify_protocol(const std::vector<wire::PushNodeState>& remote) const {
  // The highest minimum and lowest maximum over every alive node, remote
  // and local, then every node must speak within those ranges
  // (memberlist verifyProtocol; entries without a Vsn count as version 0).
  std::uint8_t max_pmin = 0, min_pmax = 255, max_dmin = 0, min_dmax = 255;
  auto widen = [&](const wire::Vsn& v) {
    max_pmin = std::max(max_pmin, v.pmin);
    min_pmax = std::min(min_pmax, v.pmax);
    max_dmin = std::max(max_dmin, v.dmin);
    min_dmax = std::min(min_dmax, v.dmax);
  };
  for (const auto& r : remote) {
    if (r.state != NodeState::alive) continue;
    widen(r.vsn.value_or(wire::Vsn{}));
  }
  for (const auto& n : nodes) {
    if (n->state != NodeState::alive) continue;
    widen(n->vsn);
  }
  auto check = [&](const std::string& name, const wire::Vsn& v) -> std::string {
    if (v.pcur < max_pmin || v.pcur > min_pmax) {
      return "node '" + name + "' protocol version (" + std::to_string(v.pcur) + ") is incompatible: [" +
             std::to_string(max_pmin) + ", " + std::to_string(min_pmax) + "]";
    }
    if (v.dcur < max_dmin || v.dcur > min_dmax) {
      return "node '" + name + "' delegate protocol version (" + std::to_string(v.dcur) + ") is incompatible: [" +
             std::to_string(max_dmin) + ", " + std::to_string(min_dmax) + "]";
    }
    return "";
  };
  for (const auto& r : remote) {
    if (auto e = check(r.name, r.vsn.value_or(wire::Vsn{})); !e.empty()) return e;
  }
  for (const auto& n : nodes) {
    if (auto e = check(n->name, n->vsn); !e.empty()) return e;
  }
  return "";
}

void Memberlist::Impl::merge_state(const std::vector<wire::PushNodeState>& remote) {
  for (const auto& r : remote) {
    switch (r.state) {
      case NodeState::alive: {
        wire::Alive a;
        a.incarnation = r.incarnation;
        a.node = r.name;
        a.addr = r.addr;
        a.port = r.port;
        a.meta = r.meta;
        a.vsn = r.vsn;
        alive_node(a, false);
        break;
      }
      case NodeState::left: {
        wire::Dead d;
        d.incarnation = r.incarnation;
        d.node = r.name;
        d.from = r.name;
        dead_node(d);
        break;
      }
      case NodeState::dead:
      case NodeState::suspect: {
        // A remote "dead" only makes us suspect: we check for ourselves.
        wire::Suspect s;
        s.incarnation = r.incarnation;
        s.node = r.name;
        s.from = cfg.name;
        suspect_node(s);
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace wkd::swim
