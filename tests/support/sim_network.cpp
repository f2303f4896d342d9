#include "support/sim_network.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace wkd::sim {

namespace {

constexpr std::uint64_t kNodeMask = 0x7FFFFFF;
constexpr std::uint64_t kToMask = 0xFFFFFFF;

// 64-bit finaliser (MurmurHash3 fmix64): every input bit reaches every
// output bit, so folding values one after another is order-sensitive.
constexpr std::uint64_t fmix(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::uint64_t fnv1a(ByteView bytes) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  return h;
}

double combine_loss(double a, double b, double c) noexcept { return 1.0 - (1.0 - a) * (1.0 - b) * (1.0 - c); }

}  // namespace

const char* drop_cause_name(DropCause c) noexcept {
  switch (c) {
#define WKD_SIM_DROP_NAME(name) \
  case DropCause::name:         \
    return #name;
    WKD_SIM_DROP_CAUSES(WKD_SIM_DROP_NAME)
#undef WKD_SIM_DROP_NAME
  }
  return "unknown";
}

std::uint64_t DropCounters::total() const noexcept {
  std::uint64_t t = 0;
  for (auto v : by_cause) t += v;
  return t;
}

std::string DropCounters::to_string() const {
  std::string out;
  for (std::size_t i = 0; i < kDropCauseCount; ++i) {
    if (!out.empty()) out += ' ';
    out += drop_cause_name(static_cast<DropCause>(i));
    out += '=';
    out += std::to_string(by_cause[i]);
  }
  return out;
}

// ---- buffer pool -----------------------------------------------------------

std::uint32_t SimNetwork::BufferPool::store(ByteView bytes) {
  std::uint32_t slot;
  if (free_.empty()) {
    slot = static_cast<std::uint32_t>(bufs_.size());
    bufs_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  bufs_[slot].assign(bytes.begin(), bytes.end());
  return slot;
}

void SimNetwork::BufferPool::release(std::uint32_t slot) {
  Bytes& b = bufs_[slot];
  // Keep the capacity of ordinary datagrams; give back what a large stream
  // transfer took.
  if (b.capacity() > (std::size_t{64} << 10)) {
    Bytes().swap(b);
  } else {
    b.clear();
  }
  free_.push_back(slot);
}

// ---- nodes -----------------------------------------------------------------

SimNetwork::SimNetwork(SimClock& clock, std::uint64_t seed, NetOptions opts)
    : clock_(clock), rng_(fmix(seed ^ 0x6e6574776f726bULL)), opts_(std::move(opts)) {}

SimNetwork::~SimNetwork() = default;

NodeId SimNetwork::add_node(const Address& addr, SimNode* node) {
  if (nodes_.size() >= kNodeMask) throw std::length_error("SimNetwork: too many nodes");
  const auto id = static_cast<NodeId>(nodes_.size());
  if (!by_addr_.emplace(addr, id).second) throw std::invalid_argument("SimNetwork: duplicate address " + addr.to_string());
  Slot s;
  s.addr = addr;
  s.node = node;
  s.wake = std::make_unique<SimClock::Timer>(clock_, [this, id] { fire(id); });
  nodes_.push_back(std::move(s));
  return id;
}

void SimNetwork::attach(NodeId id, SimNode* node) {
  nodes_.at(id).node = node;
  if (node == nullptr) nodes_[id].wake->disarm();
}

NodeId SimNetwork::find(const Address& addr) const noexcept {
  auto it = by_addr_.find(addr);
  return it == by_addr_.end() ? kNoNode : it->second;
}

void SimNetwork::rearm(NodeId id) {
  Slot& s = nodes_[id];
  if (s.node == nullptr || s.status != Status::up) {
    s.wake->disarm();
    return;
  }
  const TimePoint next = s.node->next_deadline();
  if (next == TimePoint::max()) {
    s.wake->disarm();
  } else {
    s.wake->arm(next);
  }
}

void SimNetwork::fire(NodeId id) {
  Slot& s = nodes_[id];
  if (s.node == nullptr || s.status != Status::up) return;
  ++s.counters.timer_fires;
  const TimePoint now = clock_.now();
  s.node->on_timer(now);
  const TimePoint next = s.node->next_deadline();
  if (next <= now) {
    // The engine did not run what was due; step past it instead of spinning.
    ++timer_spins_;
    s.wake->arm(now + Duration(1));
  } else {
    rearm(id);
  }
  sweep();
}

// ---- link conditions and partitions ----------------------------------------

void SimNetwork::set_link(NodeId from, NodeId to, const LinkSpec& spec) {
  links_[(std::uint64_t{from} << 32) | to] = spec;
}

void SimNetwork::clear_link(NodeId from, NodeId to) { links_.erase((std::uint64_t{from} << 32) | to); }

const LinkSpec& SimNetwork::link(NodeId from, NodeId to) const noexcept {
  if (!links_.empty()) {
    auto it = links_.find((std::uint64_t{from} << 32) | to);
    if (it != links_.end()) return it->second;
  }
  return opts_.link;
}

void SimNetwork::set_node_loss(NodeId id, double in, double out) {
  nodes_.at(id).loss_in = in;
  nodes_.at(id).loss_out = out;
}

double SimNetwork::loss_between(NodeId from, NodeId to) const noexcept {
  return combine_loss(link(from, to).loss, nodes_[from].loss_out, nodes_[to].loss_in);
}

void SimNetwork::partition(const std::vector<std::vector<NodeId>>& groups) {
  for (Slot& s : nodes_) s.group = 0;
  std::uint32_t g = 0;
  for (const auto& group : groups) {
    ++g;
    for (NodeId id : group) nodes_.at(id).group = g;
  }
}

void SimNetwork::block(NodeId id) { nodes_.at(id).blocked = true; }
void SimNetwork::unblock(NodeId id) { nodes_.at(id).blocked = false; }

void SimNetwork::heal() {
  for (Slot& s : nodes_) {
    s.group = 0;
    s.blocked = false;
  }
}

bool SimNetwork::reachable(NodeId from, NodeId to) const noexcept {
  if (from == to) return true;
  const Slot& a = nodes_[from];
  const Slot& b = nodes_[to];
  return !a.blocked && !b.blocked && a.group == b.group;
}

SimNetwork::FilterId SimNetwork::add_filter(DropFilter f) {
  const FilterId id = next_filter_++;
  filters_.emplace_back(id, std::move(f));
  return id;
}

void SimNetwork::remove_filter(FilterId id) {
  filters_.erase(std::remove_if(filters_.begin(), filters_.end(), [id](const auto& f) { return f.first == id; }),
                 filters_.end());
}

Duration SimNetwork::one_way_delay(const LinkSpec& spec) {
  Duration d = spec.latency;
  if (spec.jitter > Duration::zero()) d += Duration(static_cast<Duration::rep>(rng_.below(static_cast<std::uint64_t>(spec.jitter.count()))));
  return d;
}

Duration SimNetwork::retransmit_delay(double loss, Duration rto) {
  // Each lost transmission costs the current RTO, which then doubles.
  int lost = 0;
  while (loss > 0.0 && lost < 6 && rng_.unit() < loss) ++lost;
  return rto * ((1 << lost) - 1);
}

// ---- node faults -----------------------------------------------------------

void SimNetwork::pause(NodeId id) {
  Slot& s = nodes_.at(id);
  if (s.status != Status::up) return;
  s.status = Status::paused;
  s.wake->disarm();
}

void SimNetwork::resume(NodeId id) {
  Slot& s = nodes_.at(id);
  if (s.status != Status::paused) return;
  s.status = Status::up;
  // What the kernel buffered arrives now, in order; then every overdue
  // timer fires.
  std::vector<Deferred> held;
  held.swap(s.deferred);
  for (const Deferred& d : held) clock_.post(clock_.now(), *this, d.a, d.b);
  rearm(id);
}

void SimNetwork::set_slow(NodeId id, double factor) {
  if (factor < 1.0) factor = 1.0;
  const double ns = (factor - 1.0) * static_cast<double>(opts_.slow_unit.count());
  nodes_.at(id).slow_delay = Duration(static_cast<Duration::rep>(ns));
}

void SimNetwork::kill(NodeId id) {
  Slot& s = nodes_.at(id);
  if (s.status == Status::killed) return;
  s.status = Status::killed;
  s.wake->disarm();
  std::vector<Deferred> held;
  held.swap(s.deferred);
  for (const Deferred& d : held) discard(d.a, d.b);
  // Its connections are reset: the far ends learn after one link latency.
  for (auto& [key, c] : conns_) {
    for (int dir = 0; dir < 2; ++dir) {
      if (c.end[dir].node != id) continue;
      c.broken = true;
      StreamEnd& far = c.end[1 - dir];
      if (far.node != kNoNode && can_notify(far)) {
        post_reset(c, key, 1 - dir, Reset::peer_reset, clock_.now() + link(id, far.node).latency);
      }
      maybe_free(key);
    }
  }
  sweep();
}

void SimNetwork::revive(NodeId id) {
  Slot& s = nodes_.at(id);
  if (s.status != Status::killed) return;
  s.status = Status::up;
}

// ---- datagrams -------------------------------------------------------------

void SimNetwork::send_packet(NodeId from, const Address& to_addr, ByteView datagram) {
  Slot& src = nodes_[from];
  ++src.counters.packets_out;
  src.counters.bytes_out += datagram.size();
  const NodeId to = find(to_addr);
  if (to == kNoNode) {
    drop_packet(from, to, DropCause::no_route);
    return;
  }
  if (!reachable(from, to)) {
    drop_packet(from, to, DropCause::partition);
    return;
  }
  for (const auto& f : filters_) {
    if (f.second(from, to, datagram)) {
      drop_packet(from, to, DropCause::filter);
      return;
    }
  }
  const LinkSpec& spec = link(from, to);
  const double loss = loss_between(from, to);
  if (loss > 0.0 && rng_.unit() < loss) {
    drop_packet(from, to, DropCause::loss);
    return;
  }
  const int copies = (spec.duplicate > 0.0 && rng_.unit() < spec.duplicate) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    Duration d = one_way_delay(spec);
    if (spec.reorder > 0.0 && rng_.unit() < spec.reorder) d += spec.reorder_delay;
    const std::uint32_t slot = pool_.store(datagram);
    clock_.post(clock_.now() + d, *this, pack(Kind::packet, pack_ends(from, to)), slot);
  }
}

void SimNetwork::drop_packet(NodeId from, NodeId to, DropCause cause) {
  ++drops_.by_cause[static_cast<std::size_t>(cause)];
  ++nodes_[from].counters.dropped_out;
  if (to != kNoNode) ++nodes_[to].counters.dropped_in;
}

SimNetwork::Gate SimNetwork::gate(NodeId to, std::uint64_t a, std::uint64_t b, bool datagram) {
  Slot& s = nodes_[to];
  if (s.node == nullptr || s.status == Status::killed) return Gate::dropped;
  if (s.status == Status::paused) {
    if (datagram) return Gate::dropped;
    s.deferred.push_back(Deferred{a, b});
    return Gate::held;
  }
  if (s.slow_delay > Duration::zero() && (a & kDelayedBit) == 0) {
    clock_.post(clock_.now() + s.slow_delay, *this, a | kDelayedBit, b);
    return Gate::held;
  }
  return Gate::go;
}

void SimNetwork::on_sim_event(std::uint64_t a, std::uint64_t b) {
  const auto kind = static_cast<Kind>(a >> 56);
  if (kind == Kind::packet) {
    const auto from = static_cast<NodeId>((a >> 28) & kNodeMask);
    const auto to = static_cast<NodeId>(a & kToMask);
    const auto slot = static_cast<std::uint32_t>(b);
    switch (gate(to, a, b, /*datagram=*/true)) {
      case Gate::go:
        deliver_packet(from, to, slot);
        break;
      case Gate::dropped:
        drop_packet(from, to, nodes_[to].status == Status::paused ? DropCause::paused : DropCause::killed);
        pool_.release(slot);
        break;
      case Gate::held:
        break;
    }
    return;
  }
  on_stream_event(a, b);
  sweep();
}

void SimNetwork::deliver_packet(NodeId from, NodeId to, std::uint32_t slot) {
  Slot& s = nodes_[to];
  const ByteView bytes = pool_.get(slot);
  trace(1, from, to, bytes);
  if (tap_) tap_(clock_.now(), from, to, bytes, false);
  ++delivered_;
  ++s.counters.packets_in;
  s.counters.bytes_in += bytes.size();
  s.node->on_packet(clock_.now(), nodes_[from].addr, bytes);
  pool_.release(slot);
  rearm(to);
  sweep();
}

void SimNetwork::trace(std::uint8_t tag, NodeId from, NodeId to, ByteView bytes) noexcept {
  std::uint64_t h = trace_hash_;
  h = fmix(h ^ static_cast<std::uint64_t>(clock_.now().time_since_epoch().count()));
  h = fmix(h ^ ((std::uint64_t{tag} << 56) | (std::uint64_t{from} << 28) | to));
  h = fmix(h ^ fnv1a(bytes) ^ (bytes.size() << 1));
  trace_hash_ = h;
}

// ---- streams ---------------------------------------------------------------

bool SimNetwork::finished(const StreamEnd& e) const noexcept {
  return e.node == kNoNode || e.owner_closed || nodes_[e.node].status == Status::killed;
}

SimNetwork::Conn* SimNetwork::find_conn(NodeId node, swim::ConnId id, int* dir, std::uint64_t* key) {
  auto it = conn_index_.find({node, id});
  if (it == conn_index_.end()) return nullptr;
  auto c = conns_.find(it->second);
  if (c == conns_.end()) return nullptr;
  *key = it->second;
  *dir = (c->second.end[0].node == node && c->second.end[0].id == id) ? 0 : 1;
  return &c->second;
}

void SimNetwork::post_stream(Conn& c, std::uint64_t key, int dir, Kind kind, std::uint64_t payload, TimePoint at) {
  ++c.inflight;
  clock_.post(at, *this, pack(kind, (static_cast<std::uint64_t>(dir) << 48) | payload), key);
}

void SimNetwork::post_reset(Conn& c, std::uint64_t key, int dir, Reset why, TimePoint at) {
  post_stream(c, key, dir, Kind::stream_reset, static_cast<std::uint64_t>(why), at);
}

void SimNetwork::break_conn(Conn& c, std::uint64_t key, TimePoint at) {
  c.broken = true;
  for (int dir = 0; dir < 2; ++dir) {
    if (can_notify(c.end[dir])) post_reset(c, key, dir, Reset::broken, at);
  }
}

void SimNetwork::stream_dial(NodeId from, swim::ConnId id, const Address& to) {
  const std::uint64_t key = next_conn_key_++;
  Conn& c = conns_[key];
  c.end[0].node = from;
  c.end[0].id = id;
  conn_index_[{from, id}] = key;
  ++nodes_[from].counters.streams_dialed;
  const TimePoint now = clock_.now();
  const NodeId target = find(to);
  if (target == kNoNode || !reachable(from, target)) {
    // Nobody answers the SYNs.
    c.broken = true;
    ++nodes_[from].counters.dials_failed;
    post_reset(c, key, 0, Reset::dial_timeout, now + opts_.dial_timeout);
    return;
  }
  Slot& t = nodes_[target];
  if (t.node == nullptr || t.status == Status::killed) {
    c.broken = true;
    ++nodes_[from].counters.dials_failed;
    post_reset(c, key, 0, Reset::refused, now + link(from, target).latency + link(target, from).latency);
    return;
  }
  c.end[1].node = target;
  c.end[1].id = swim::kInboundConnBit | t.next_inbound++;
  conn_index_[{target, c.end[1].id}] = key;
  ++t.counters.streams_accepted;
  const LinkSpec& spec = link(from, target);
  const TimePoint connected = now + one_way_delay(spec) + retransmit_delay(loss_between(from, target), opts_.syn_rto);
  c.end[1].last_arrival = connected;
  c.end[0].last_arrival = connected;
}

void SimNetwork::stream_write(NodeId from, swim::ConnId id, ByteView bytes) {
  int dir = 0;
  std::uint64_t key = 0;
  Conn* c = find_conn(from, id, &dir, &key);
  if (c == nullptr || c->end[dir].owner_closed) return;
  nodes_[from].counters.stream_bytes_out += bytes.size();
  if (c->broken || bytes.empty()) return;
  StreamEnd& far = c->end[1 - dir];
  if (finished(far)) return;  // the peer is gone or closed: a reset it will not see
  const TimePoint now = clock_.now();
  if (!reachable(from, far.node)) {
    break_conn(*c, key, now + opts_.dial_timeout);
    return;
  }
  const LinkSpec& spec = link(from, far.node);
  TimePoint at = now + one_way_delay(spec) + retransmit_delay(loss_between(from, far.node), opts_.stream_rto);
  at = std::max(at, far.last_arrival);
  far.last_arrival = at;
  post_stream(*c, key, 1 - dir, Kind::stream_data, pool_.store(bytes), at);
}

void SimNetwork::stream_close(NodeId from, swim::ConnId id) {
  int dir = 0;
  std::uint64_t key = 0;
  Conn* c = find_conn(from, id, &dir, &key);
  if (c == nullptr) return;
  StreamEnd& e = c->end[dir];
  if (e.owner_closed) return;
  e.owner_closed = true;
  StreamEnd& far = c->end[1 - dir];
  if (!c->broken && !finished(far)) {
    // FIN, after the data already on its way.
    const TimePoint at = std::max(clock_.now() + link(from, far.node).latency, far.last_arrival);
    far.last_arrival = at;
    post_stream(*c, key, 1 - dir, Kind::stream_eof, 0, at);
  }
  maybe_free(key);
}

void SimNetwork::on_stream_event(std::uint64_t a, std::uint64_t key) {
  auto it = conns_.find(key);
  if (it == conns_.end()) {
    assert(false && "stream event for a freed connection");
    return;
  }
  Conn& c = it->second;
  const auto kind = static_cast<Kind>(a >> 56);
  const int dir = static_cast<int>((a >> 48) & 1);
  StreamEnd& e = c.end[dir];
  if (!can_notify(e)) {
    discard(a, key);
    return;
  }
  switch (gate(e.node, a, key, /*datagram=*/false)) {
    case Gate::held:
      return;  // still in flight
    case Gate::dropped:
      discard(a, key);
      return;
    case Gate::go:
      break;
  }
  --c.inflight;
  maybe_free(key);
  switch (kind) {
    case Kind::stream_data:
      deliver_stream_data(c, dir, static_cast<std::uint32_t>(a));
      break;
    case Kind::stream_eof: {
      std::string reason = "EOF";
      if (e.decoder) {
        auto st = e.decoder->finish();
        if (!st.ok()) reason = "unexpected EOF: " + st.message();
      }
      deliver_stream_end(c, dir, reason);
      break;
    }
    case Kind::stream_reset: {
      const auto why = static_cast<Reset>(a & 0xFF);
      const char* text = "connection reset";
      switch (why) {
        case Reset::dial_timeout:
          text = "dial tcp: i/o timeout";
          break;
        case Reset::refused:
          text = "dial tcp: connect: connection refused";
          break;
        case Reset::peer_reset:
          text = "read: connection reset by peer";
          break;
        case Reset::broken:
          text = "write: connection timed out";
          break;
      }
      deliver_stream_end(c, dir, text);
      break;
    }
    case Kind::packet:
      break;
  }
}

void SimNetwork::deliver_stream_data(Conn& c, int dir, std::uint32_t slot) {
  StreamEnd& e = c.end[dir];
  const NodeId to = e.node;
  const NodeId from = c.end[1 - dir].node;
  Slot& s = nodes_[to];
  const ByteView bytes = pool_.get(slot);
  trace(2, from, to, bytes);
  if (tap_) tap_(clock_.now(), from, to, bytes, true);
  s.counters.stream_bytes_in += bytes.size();
  if (!e.decoder) {
    e.decoder = std::make_unique<wire::StreamDecoder>(dir == 0 ? wire::StreamRole::dialer : wire::StreamRole::acceptor,
                                                      s.node->stream_decode_options());
  }
  auto step = e.decoder->feed(bytes);
  pool_.release(slot);
  const Address peer = nodes_[from].addr;
  const swim::ConnId id = e.id;
  for (;;) {
    if (!step.ok()) {
      // The libuv transport reports a framing error as a failed read.
      deliver_stream_end(c, dir, "stream: " + step.message());
      return;
    }
    if (step->status == wire::StreamStatus::need_more) break;
    const wire::StreamMessage msg = std::move(step->message);
    ++s.counters.stream_messages_in;
    s.node->on_stream_message(clock_.now(), id, peer, msg.bytes);
    if (!can_notify(e)) break;  // the engine closed it
    step = e.decoder->next();
  }
  rearm(to);
}

void SimNetwork::deliver_stream_end(Conn& c, int dir, const std::string& reason) {
  StreamEnd& e = c.end[dir];
  if (!can_notify(e)) return;
  e.reported = true;
  nodes_[e.node].node->on_stream_closed(clock_.now(), e.id, reason);
  rearm(e.node);
}

void SimNetwork::discard(std::uint64_t a, std::uint64_t b) {
  const auto kind = static_cast<Kind>(a >> 56);
  if (kind == Kind::packet) {
    pool_.release(static_cast<std::uint32_t>(b));
    return;
  }
  if (kind == Kind::stream_data) pool_.release(static_cast<std::uint32_t>(a));
  auto it = conns_.find(b);
  if (it == conns_.end()) return;
  --it->second.inflight;
  maybe_free(b);
}

void SimNetwork::maybe_free(std::uint64_t key) { maybe_dead_conns_.push_back(key); }

void SimNetwork::sweep() {
  // Connections are freed only here, between events, so that references
  // held while an engine is being called stay valid.
  while (!maybe_dead_conns_.empty()) {
    const std::uint64_t key = maybe_dead_conns_.back();
    maybe_dead_conns_.pop_back();
    auto it = conns_.find(key);
    if (it == conns_.end()) continue;
    Conn& c = it->second;
    if (c.inflight != 0 || !finished(c.end[0]) || !finished(c.end[1])) continue;
    for (const StreamEnd& e : c.end) {
      if (e.node == kNoNode) continue;
      auto ix = conn_index_.find({e.node, e.id});
      if (ix != conn_index_.end() && ix->second == key) conn_index_.erase(ix);
    }
    conns_.erase(it);
  }
}

}  // namespace wkd::sim
