// Memberlist lifecycle, accessors, timers and input dispatch. The protocol
// rules live in state.cpp (membership), probe.cpp (failure detection) and
// net.cpp (dissemination and streams); see memberlist.hpp for the overview.
#include "swim/memberlist.hpp"

#include <algorithm>
#include <cmath>

#include "swim/memberlist_impl.hpp"

namespace wkd::swim {

const char* node_state_name(NodeState s) noexcept {
  switch (s) {
    case NodeState::alive:
      return "alive";
    case NodeState::suspect:
      return "suspect";
    case NodeState::dead:
      return "dead";
    case NodeState::left:
      return "left";
  }
  return "unknown";
}

Memberlist::Impl::Impl(Config c, Delegate& d, Runtime& r, Rng& g, LogSink& l, wire::Keyring k)
    : cfg(std::move(c)),
      delegate(d),
      rt(r),
      rng(g),
      log_sink(l),
      keyring(std::move(k)),
      awareness(cfg.awareness_max_multiplier),
      broadcasts(cfg.retransmit_mult) {}

void Memberlist::Impl::log(LogLevel level, const std::string& line) {
  if (logs(level)) log_sink.log(level, line);
}

NodeInfo* Memberlist::Impl::find_node(std::string_view name) {
  return by_name.find(name);
}

std::vector<NodeInfo*> Memberlist::Impl::k_random_nodes(int k, const std::function<bool(const NodeInfo&)>& exclude) {
  // memberlist kRandomNodes: up to 3n random probes of the node list,
  // skipping excluded and already chosen nodes.
  std::vector<NodeInfo*> out;
  const std::size_t n = nodes.size();
  if (k <= 0 || n == 0) return out;
  for (std::size_t i = 0; i < 3 * n && out.size() < static_cast<std::size_t>(k); ++i) {
    NodeInfo* node = nodes[rng.below(n)].get();
    if (exclude(*node)) continue;
    if (std::find(out.begin(), out.end(), node) != out.end()) continue;
    out.push_back(node);
  }
  return out;
}

Memberlist::Memberlist(Config cfg, Delegate& delegate, Runtime& rt, Rng& rng, LogSink& log, wire::Keyring keyring)
    : impl_(std::make_unique<Impl>(std::move(cfg), delegate, rt, rng, log, std::move(keyring))) {}

Memberlist::Impl::~Impl() {
  // A node torn down in the middle of a leave or a join: drop their
  // completions before the members go. The broadcast queue, which is
  // destroyed before them, reports its pending messages as unsent, and the
  // leave broadcast's report would otherwise run finish_leave on an
  // already destroyed callback.
  leave_done = nullptr;
  broadcasts.clear();
}

Memberlist::~Memberlist() = default;

void Memberlist::Impl::arm_gossip(TimePoint at) {
  gossip_armed = true;
  timers.schedule(at, [this](TimePoint t) { on_gossip_tick(t); });
}

void Memberlist::Impl::on_gossip_tick(TimePoint t) {
  now = t;
  // Nothing queued here or in the delegate: stop until wake_gossip. An
  // idle node's only periodic wake-ups are then its probes.
  if (!gossip_pending()) {
    gossip_armed = false;
    return;
  }
  // Still armed while gossiping, so a broadcast queued meanwhile cannot
  // start a second ticker.
  gossip();
  timers.schedule(t + cfg.gossip_interval, [this](TimePoint at) { on_gossip_tick(at); });
}

void Memberlist::Impl::wake_gossip() {
  if (!gossip_enabled || gossip_armed || !started) return;
  // The next tick of the original phase after now.
  TimePoint at = gossip_phase;
  if (now >= at) {
    const auto periods = (now - at) / cfg.gossip_interval + 1;
    at += periods * cfg.gossip_interval;
  }
  arm_gossip(at);
}

void Memberlist::wake_gossip(TimePoint now) {
  impl_->now = now;
  impl_->wake_gossip();
}

void Memberlist::adopt_members(TimePoint now, const std::vector<wire::PushNodeState>& members) {
  impl_->now = now;
  impl_->adopt_members(members);
  if (impl_->started) impl_->schedule_push_pull();
}

void Memberlist::start(TimePoint now) {
  Impl& m = *impl_;
  m.now = now;
  if (m.started) return;
  m.started = true;
  // setAlive: the local node joins its own table (bootstrap: no refutation).
  wire::Alive a;
  a.incarnation = m.next_incarnation();
  a.node = m.cfg.name;
  a.addr = Bytes(m.cfg.advertise.ip_bytes().begin(), m.cfg.advertise.ip_bytes().end());
  a.port = m.cfg.advertise.port;
  Bytes meta = m.delegate.node_meta(wire::kMetaMaxSize);
  if (meta.size() > wire::kMetaMaxSize) meta.resize(wire::kMetaMaxSize);
  a.meta = std::move(meta);
  a.vsn = m.cfg.vsn;
  m.alive_node(a, /*bootstrap=*/true);
  m.self = m.find_node(m.cfg.name);
  m.schedule_periodic();
}

void Memberlist::Impl::arm_probe(TimePoint at) {
  // Captures one pointer, which std::function keeps without allocating.
  timers.schedule(at, [this](TimePoint t) {
    now = t;
    on_probe_tick();
    arm_probe(t + cfg.probe_interval);
  });
}

void Memberlist::Impl::schedule_periodic() {
  // Probe and gossip tickers, each with a random phase so that nodes started
  // together do not synchronise (memberlist triggerFunc's stagger).
  auto probe_stagger = Duration(static_cast<Duration::rep>(rng.below(cfg.probe_interval.count())));
  arm_probe(now + probe_stagger);
  if (cfg.gossip_interval > Duration::zero() && cfg.gossip_nodes > 0) {
    auto gossip_stagger = Duration(static_cast<Duration::rep>(rng.below(cfg.gossip_interval.count())));
    gossip_enabled = true;
    gossip_phase = now + gossip_stagger;
    arm_gossip(gossip_phase);
  }
  schedule_push_pull();
}

namespace {
// memberlist pushPullScale: the interval x1 up to 32 nodes, then +1 per
// doubling.
Duration push_pull_scale(Duration interval, std::size_t n) {
  constexpr double kThreshold = 32;
  if (static_cast<double>(n) <= kThreshold) return interval;
  const double multiplier = std::ceil(std::log2(static_cast<double>(n)) - std::log2(kThreshold)) + 1.0;
  return Duration(static_cast<Duration::rep>(multiplier) * interval.count());
}
}  // namespace

void Memberlist::Impl::schedule_push_pull() {
  if (cfg.push_pull_interval <= Duration::zero()) return;
  // pushPullTrigger: a random stagger, then an interval scaled with the
  // cluster size, recomputed every time.
  if (push_pull_timer != 0) timers.cancel(push_pull_timer);
  const auto stagger = Duration(static_cast<Duration::rep>(rng.below(cfg.push_pull_interval.count())));
  arm_push_pull(now + stagger + push_pull_scale(cfg.push_pull_interval, est_num_nodes()));
}

void Memberlist::Impl::arm_push_pull(TimePoint at) {
  push_pull_timer = timers.schedule(at, [this](TimePoint t) {
    now = t;
    if (!leaving_flag) periodic_push_pull();
    arm_push_pull(t + push_pull_scale(cfg.push_pull_interval, est_num_nodes()));
  });
}

void Memberlist::join(TimePoint now, std::vector<Address> seeds, JoinDone done) {
  Impl& m = *impl_;
  m.now = now;
  if (seeds.empty()) {
    if (done) done(0, "no seeds given");
    return;
  }
  const std::uint64_t id = m.next_join++;
  Impl::JoinOp op;
  op.pending = static_cast<int>(seeds.size());
  op.done = std::move(done);
  m.joins.emplace(id, std::move(op));
  for (const Address& seed : seeds) m.push_pull_node(seed, /*join=*/true, id);
}

void Memberlist::Impl::join_result(std::uint64_t join_id, bool ok, const std::string& error, const Address& peer) {
  auto it = joins.find(join_id);
  if (it == joins.end()) return;
  JoinOp& op = it->second;
  if (ok) {
    ++op.joined;
    op.answered.push_back(peer);
  } else {
    if (!op.errors.empty()) op.errors += "; ";
    op.errors += error;
  }
  if (--op.pending > 0) return;
  JoinDone done = std::move(op.done);
  const int joined = op.joined;
  std::string errors = std::move(op.errors);
  std::vector<Address> answered = std::move(op.answered);
  joins.erase(it);
  if (joined > 0) schedule_join_sync(std::move(answered));
  if (done) done(joined, joined > 0 ? std::string() : errors);
}

void Memberlist::Impl::schedule_join_sync(std::vector<Address> answered) {
  const Duration delay = cfg.join_sync_delay;
  if (delay <= Duration::zero() || answered.empty()) return;
  // Jittered, so that the nodes of a join storm do not all come back to
  // their seed at the same instant.
  const Duration at = delay + Duration(static_cast<Duration::rep>(rng.below(delay.count())));
  const Address to = answered[rng.below(answered.size())];
  timers.schedule(now + at, [this, to](TimePoint t) {
    now = t;
    if (leaving_flag || !started) return;
    ++stats.join_syncs;
    push_pull_node(to, /*join=*/false, 0);
  });
}

void Memberlist::leave(TimePoint now, Duration timeout, LeaveDone done) {
  Impl& m = *impl_;
  m.now = now;
  if (!m.started || m.leaving_flag) {
    if (done) done(m.leaving_flag);
    return;
  }
  m.leaving_flag = true;
  m.leave_done = std::move(done);
  // dead(self, From = self): peers mark us left, not failed.
  wire::Dead d;
  d.incarnation = m.self->incarnation;
  d.node = m.cfg.name;
  d.from = m.cfg.name;
  const bool any_alive = m.num_alive_others() > 0;
  m.dead_node(d, [&m](bool finished) { m.finish_leave(finished); });
  if (!any_alive) {
    m.finish_leave(true);
    return;
  }
  if (m.leave_done) {
    m.leave_timer = m.timers.schedule(now + timeout, [&m](TimePoint t) {
      m.now = t;
      m.leave_timer = 0;
      m.finish_leave(false);
    });
  }
}

void Memberlist::Impl::finish_leave(bool sent) {
  if (leave_timer != 0) {
    timers.cancel(leave_timer);
    leave_timer = 0;
  }
  LeaveDone done = std::move(leave_done);
  leave_done = nullptr;
  if (done) done(sent);
}

Status Memberlist::update_meta(TimePoint now) {
  Impl& m = *impl_;
  m.now = now;
  if (!m.started) return Status::fail(Err::state, "update_meta before start");
  if (m.leaving_flag) return Status::fail(Err::state, "update_meta after leave");
  Bytes meta = m.delegate.node_meta(wire::kMetaMaxSize);
  if (meta.size() > wire::kMetaMaxSize) {
    return Status::fail(Err::meta_too_big, "node metadata is " + std::to_string(meta.size()) +
                                               " bytes, more than the limit of " +
                                               std::to_string(wire::kMetaMaxSize));
  }
  if (m.self->meta && *m.self->meta == meta) return {};
  wire::Alive a = m.self_alive();
  a.incarnation = m.next_incarnation();
  a.meta = std::move(meta);
  m.alive_node(a, /*bootstrap=*/true);
  return {};
}

void Memberlist::on_packet(TimePoint now, const Address& from, ByteView datagram) {
  impl_->now = now;
  impl_->handle_packet(from, datagram);
}

void Memberlist::on_stream_message(TimePoint now, ConnId id, const Address& from, ByteView message) {
  impl_->now = now;
  impl_->handle_stream(id, from, message);
}

void Memberlist::on_stream_closed(TimePoint now, ConnId id, std::string_view reason) {
  Impl& m = *impl_;
  m.now = now;
  auto it = m.conns.find(id);
  if (it == m.conns.end()) {
    if (id & kInboundConnBit) {
      // An accepted connection whose first message could not be read:
      // memberlist answers with an error response, then closes.
      wire::ErrResp e;
      e.error = "Failed to receive and remote: " + std::string(reason);
      auto msg = wire::encode_message(e, m.cfg.int_style);
      if (msg.ok()) {
        wire::StreamEncodeOptions eo;
        eo.compress = m.cfg.enable_compression;
        eo.keyring = m.encrypt_outgoing() ? &m.keyring : nullptr;
        eo.label = m.cfg.label;
        wire::StreamEncoder enc(wire::StreamRole::acceptor, eo);
        auto framed = enc.encode(*msg, m.rng);
        if (framed.ok()) m.rt.stream_write(id, *framed);
      }
      m.log(LogLevel::warn, "memberlist: failed to read stream: " + std::string(reason));
      m.rt.stream_close(id);
    }
    return;
  }
  m.conn_failed(id, std::string(reason));
}

void Memberlist::on_timer(TimePoint now) {
  impl_->now = now;
  impl_->timers.run_due(now);
}

TimePoint Memberlist::next_deadline() const noexcept { return impl_->timers.next(); }

void Memberlist::send_user_packet(TimePoint now, const Address& to, ByteView user_msg) {
  Impl& m = *impl_;
  m.now = now;
  Bytes msg;
  msg.reserve(user_msg.size() + 1);
  msg.push_back(static_cast<std::uint8_t>(wire::MsgType::user));
  append(msg, user_msg);
  m.send_raw(to, nullptr, {SharedBytes(std::move(msg))});
}

void Memberlist::request(TimePoint now, const Address& to, ByteView user_msg, Duration timeout, ReplyDone done) {
  Impl& m = *impl_;
  m.now = now;
  const ConnId id = m.dial(Impl::ConnKind::request, to, timeout);
  m.conns.at(id).reply = std::move(done);
  m.conn_write(id, wire::encode_stream_user_message(user_msg, m.cfg.int_style));
}

std::size_t Memberlist::num_nodes() const noexcept { return impl_->nodes.size(); }

const NodeInfo* Memberlist::find(std::string_view name) const noexcept { return impl_->find_node(name); }

void Memberlist::for_each_node(const std::function<void(const NodeInfo&)>& fn) const {
  for (const auto& n : impl_->nodes) fn(*n);
}

const NodeInfo& Memberlist::local_node() const noexcept { return *impl_->self; }

std::size_t Memberlist::num_alive() const noexcept { return impl_->num_alive_others(); }

std::size_t Memberlist::queued_broadcasts() const noexcept { return impl_->broadcasts.size(); }

std::size_t Memberlist::Impl::num_alive_others() const noexcept {
  std::size_t n = 0;
  for (const auto& node : nodes) {
    if (node.get() != self && !node->dead_or_left()) ++n;
  }
  return n;
}

bool Memberlist::has_left() const noexcept { return impl_->leaving_flag; }

int Memberlist::health_score() const noexcept { return impl_->awareness.score(); }


const Stats& Memberlist::stats() const noexcept { return impl_->stats; }

const Config& Memberlist::config() const noexcept { return impl_->cfg; }

wire::Keyring& Memberlist::keyring() noexcept { return impl_->keyring; }

const wire::Keyring& Memberlist::keyring() const noexcept { return impl_->keyring; }

wire::StreamDecodeOptions Memberlist::stream_decode_options() const {
  wire::StreamDecodeOptions o;
  o.keyring = impl_->keyring.empty() ? nullptr : &impl_->keyring;
  o.verify_incoming = impl_->cfg.gossip_verify_incoming;
  o.label = impl_->cfg.label;
  o.max_stream_bytes = impl_->cfg.max_stream_bytes;
  o.counters = &impl_->stats.drops;
  return o;
}

void Memberlist::remove_node(std::string_view name) {
  Impl& m = *impl_;
  NodeInfo* node = m.find_node(name);
  if (node == nullptr || node == m.self || !node->dead_or_left()) return;
  m.changed(node->name);
  m.suspicions.erase(node->name);
  m.by_name.erase(node->name);
  auto it = std::find_if(m.nodes.begin(), m.nodes.end(), [node](const auto& p) { return p.get() == node; });
  const auto index = static_cast<std::size_t>(it - m.nodes.begin());
  m.nodes.erase(it);
  if (m.probe_index > index) --m.probe_index;
}

}  // namespace wkd::swim
