#include "runtime/node.hpp"

#include <chrono>
#include <cstdio>
#include <random>

#include "serf/serf.hpp"
#include "transport/resolver.hpp"
#include "transport/uv_node.hpp"
#include "transport/uv_util.hpp"
#include "wire/tags.hpp"

namespace wkd::runtime {

namespace {

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::uint64_t os_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^ static_cast<std::uint64_t>(uv_hrtime());
}

// How often last_seen is brought up to date in the published view when
// nothing else changed. Every engine call (a node with peers has several a
// second: its probe timer, pings and acks) publishes the counters and, when
// the member table changed, a new view; otherwise, once this period has
// passed, it moves last_seen in place (refresh_last_seen: no allocation,
// no new view). A node never wakes for this on its own.
constexpr std::int64_t kViewRefreshMs = 5000;
// The shortest interval between two published snapshots.
constexpr std::int64_t kMinPublishMs = 50;

}  // namespace

// ---- engine sinks: log lines and serf events, on the loop thread ----

class Node::Sinks final : public LogSink, public serf::EventSink {
 public:
  explicit Sinks(Node& n) : node_(n) {}
  void log(LogLevel level, std::string_view line) override { node_.log(level, std::string(line)); }
  LogLevel min_level() const override { return node_.opts_.log_level; }
  void on_member_event(const serf::MemberEvent&) override { node_.dirty_ = true; }
  void on_user_event(const serf::UserEvent& e) override {
    node_.deliver_user_event(e.name, e.payload, e.ltime, e.coalesce);
  }

 private:
  Node& node_;
};

struct Node::Waiter {
  bool done = false;
  Status status;
  int joined = 0;
};

Node::Node(NodeOptions opts, uv_loop_t* host_loop) : opts_(std::move(opts)), loop_(host_loop) {
  identity_ = opts_.identity;
}

Result<std::shared_ptr<Node>> Node::create(NodeOptions opts, uv_loop_t* host_loop) {
  if (opts.serf.memberlist.name.empty()) return Result<std::shared_ptr<Node>>::fail(Err::invalid, "node name is empty");
  if (!opts.bind.is_set()) return Result<std::shared_ptr<Node>>::fail(Err::invalid, "bind address is not set");
  if (opts.rng_seed == 0) opts.rng_seed = os_seed();
  // AES-GCM nonces come from this generator: with a keyring, never let a
  // fixed seed make two nodes (or two runs) repeat nonces under one key.
  if (!opts.keyring.empty()) opts.rng_seed ^= os_seed();
  // Check everything the engine will check, with a placeholder advertise
  // address, so configuration errors surface at create time.
  serf::Config probe = opts.serf;
  probe.memberlist.advertise = opts.advertise.is_set() ? opts.advertise : opts.bind;
  if (probe.memberlist.advertise.port == 0) probe.memberlist.advertise.port = 1;
  if (auto err = serf::validate(probe); !err.empty()) return Result<std::shared_ptr<Node>>::fail(Err::invalid, err);
  if (auto st = serf::validate(opts.identity); !st.ok())
    return Result<std::shared_ptr<Node>>::fail(Err::invalid, st.message());
  auto tags = serf::to_tags(opts.identity);
  if (!tags.ok()) return Result<std::shared_ptr<Node>>::fail(Err::invalid, tags.message());
  opts.serf.tags = *tags;
  std::shared_ptr<Node> node(new Node(std::move(opts), host_loop));
  node->sinks_ = std::make_unique<Sinks>(*node);
  if (host_loop != nullptr) node->loop_thread_id_ = std::this_thread::get_id();
  return node;
}

Node::~Node() {
  close();
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }
}

void Node::log(LogLevel level, const std::string& line) {
  if (level < opts_.log_level) return;
  if (opts_.log) {
    opts_.log(level, name(), line);
    return;
  }
  static const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  std::fprintf(stderr, "wkd[%s] %s: %s\n", name().c_str(), kNames[static_cast<int>(level)], line.c_str());
}

bool Node::on_loop_thread() const noexcept { return loop_thread_id_.load() == std::this_thread::get_id(); }

// ---- start and the loop ----

Status Node::start() {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  if (started_.exchange(true)) return Status::fail(Err::state, "node already started");

  auto waiter = std::make_shared<Waiter>();
  auto begin = [this, waiter] {
    auto* async = new uv_async_t;
    uv_async_init(loop_, async, [](uv_async_t* a) { static_cast<Node*>(a->data)->drain_commands(); });
    async->data = this;
    async_ = async;
    publish_timer_ = new uv_timer_t;
    uv_timer_init(loop_, publish_timer_);
    publish_timer_->data = this;

    serf::Config cfg = opts_.serf;
    {
      std::lock_guard<std::mutex> lock(state_mu_);
      if (auto tags = serf::to_tags(identity_); tags.ok()) cfg.tags = *tags;
    }
    uv_ = std::make_unique<transport::UvNode>(loop_, std::move(cfg), opts_.keyring, opts_.rng_seed, *sinks_,
                                              *sinks_, [this] { publish(false); });
    int code = 0;
    std::string err = uv_->start(opts_.bind, opts_.advertise, &code);
    std::lock_guard<std::mutex> lock(state_mu_);
    waiter->done = true;
    if (!err.empty()) {
      waiter->status = Status::fail(code == UV_EADDRINUSE ? Err::addr_in_use : (code == UV_EINVAL ? Err::invalid : Err::io), err);
    } else {
      bound_ = uv_->bound();
    }
    state_cv_.notify_all();
  };
  auto begin_and_publish = [this, begin] {
    begin();
    publish(true);
  };

  if (loop_ != nullptr) {
    // Host loop: set up now (we are on its thread). The node keeps itself
    // alive until its last handle is closed.
    loop_thread_id_ = std::this_thread::get_id();
    keepalive_ = shared_from_this();
    begin_and_publish();
  } else {
    own_loop_ = std::make_unique<uv_loop_t>();
    uv_loop_init(own_loop_.get());
    loop_ = own_loop_.get();
    thread_ = std::thread([this, self = shared_from_this(), begin_and_publish]() mutable {
      loop_thread_id_ = std::this_thread::get_id();
      begin_and_publish();
      uv_run(loop_, UV_RUN_DEFAULT);
      // Handles closed: release the loop.
      uv_loop_close(loop_);
      {
        std::lock_guard<std::mutex> lock(state_mu_);
        loop_done_ = true;
        state_cv_.notify_all();
      }
      self.reset();  // may destroy the node, on this thread
    });
  }
  std::unique_lock<std::mutex> lock(state_mu_);
  state_cv_.wait(lock, [&] { return waiter->done; });
  if (!waiter->status.ok()) {
    lock.unlock();
    close();
    return waiter->status;
  }
  return {};
}

bool Node::post(std::function<void()> fn) {
  if (closed_) return false;
  if (on_loop_thread() && async_ != nullptr) {
    fn();
    return true;
  }
  std::lock_guard<std::mutex> lock(cmd_mu_);
  if (closed_ || async_ == nullptr) return false;
  commands_.push_back(std::move(fn));
  uv_async_send(async_.load());
  return true;
}

void Node::drain_commands() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(cmd_mu_);
    batch.swap(commands_);
  }
  for (auto& fn : batch) fn();
}

Status Node::wait(const std::shared_ptr<Waiter>& w, Duration timeout) {
  std::unique_lock<std::mutex> lock(state_mu_);
  auto ready = [&] { return w->done || closed_.load(); };
  if (timeout < Duration::zero()) {
    state_cv_.wait(lock, ready);
  } else if (!state_cv_.wait_for(lock, timeout, ready)) {
    return Status::fail(Err::timeout, "timed out after " + std::to_string(to_ms(timeout)) + " ms");
  }
  if (!w->done) return Status::fail(Err::closed, "node closed while waiting");
  return w->status;
}

Status Node::run_sync(const std::function<Status()>& fn, Duration timeout) {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  if (!started_ || async_ == nullptr) return Status::fail(Err::state, "node is not started");
  if (on_loop_thread()) return fn();
  auto w = std::make_shared<Waiter>();
  bool posted = post([this, w, fn] {
    Status st = fn();
    std::lock_guard<std::mutex> lock(state_mu_);
    w->status = std::move(st);
    w->done = true;
    state_cv_.notify_all();
  });
  if (!posted) return Status::fail(Err::closed, "node is closed");
  return wait(w, timeout);
}

// ---- operations ----

Status Node::join(const std::vector<std::string>& seeds, Duration timeout, int* joined) {
  if (joined != nullptr) *joined = 0;
  if (seeds.empty()) return Status::fail(Err::invalid, "no seeds given");
  if (closed_) return Status::fail(Err::closed, "node is closed");
  if (!started_) return Status::fail(Err::state, "node is not started");
  if (on_loop_thread()) return Status::fail(Err::loop_thread, "join waits for the network: not on the loop thread");
  auto w = std::make_shared<Waiter>();
  join_async(seeds, [this, w](Status st, int n) {
    std::lock_guard<std::mutex> lock(state_mu_);
    w->status = std::move(st);
    w->joined = n;
    w->done = true;
    state_cv_.notify_all();
  });
  Status st = wait(w, timeout);
  if (joined != nullptr && st.ok()) *joined = w->joined;
  return st;
}

void Node::join_async(std::vector<std::string> seeds, JoinDone done) {
  if (seeds.empty()) {
    post([done] { done(Status::fail(Err::invalid, "no seeds given"), 0); });
    return;
  }
  if (!started_) {
    post([done] { done(Status::fail(Err::state, "node is not started"), 0); });
    return;
  }
  const std::uint16_t default_port = bound_.port;
  const int family = opts_.bind.ip_len == 16 ? AF_INET6 : AF_INET;
  auto self = shared_from_this();
  post([this, self, seeds = std::move(seeds), done = std::move(done), default_port, family] {
    transport::resolve_seeds(loop_, seeds, default_port, family, [this, self, done](transport::Resolved r) {
      if (closed_ || !uv_) return;
      if (r.addresses.empty()) {
        done(Status::fail(Err::io, "no seed address could be resolved: " + r.errors), 0);
        return;
      }
      uv_->serf().join(transport::mono_now(), r.addresses, [done, errors = r.errors](int n, std::string why) {
        if (n > 0) {
          done({}, n);
        } else {
          std::string msg = "no seed answered: " + why;
          if (!errors.empty()) msg += "; " + errors;
          done(Status::fail(Err::io, msg), 0);
        }
      });
      uv_->after_engine_call();
    });
  });
}

Status Node::leave(Duration timeout) {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  if (!started_) return Status::fail(Err::state, "node is not started");
  if (on_loop_thread()) return Status::fail(Err::loop_thread, "leave waits for the gossip: not on the loop thread");
  auto w = std::make_shared<Waiter>();
  leave_async([this, w](Status st) {
    std::lock_guard<std::mutex> lock(state_mu_);
    w->status = std::move(st);
    w->done = true;
    state_cv_.notify_all();
  });
  return wait(w, timeout);
}

void Node::leave_async(std::function<void(Status)> done) {
  if (!started_) {
    post([done] { done(Status::fail(Err::state, "node is not started")); });
    return;
  }
  post([this, done = std::move(done)] {
    if (!uv_ || !uv_->started()) return;
    auto st = uv_->serf().leave(transport::mono_now(), [done](bool clean) {
      done(clean ? Status() : Status::fail(Err::timeout, "the leave was not fully gossiped in time"));
    });
    if (!st.ok()) done(Status::fail(Err::state, st.message()));
    uv_->after_engine_call();
  });
}

Result<Node::Persisted> Node::persisted() {
  auto out = std::make_shared<Persisted>();
  auto st = run_sync(
      [this, out]() -> Status {
        const serf::Serf& serf = uv_->serf();
        for (const serf::Member& m : serf.members()) {
          if (m.name == name()) continue;
          if (m.status != serf::MemberStatus::alive && m.status != serf::MemberStatus::leaving) continue;
          out->peers.push_back({m.name, m.addr});
        }
        const serf::SerfStats counters = serf.stats();
        out->member_clock = counters.member_time;
        out->event_clock = counters.event_time;
        out->query_clock = counters.query_time;
        const auto& ring = uv_->serf().memberlist().keyring();
        for (const Bytes& k : ring.keys()) out->keys.push_back(k);
        out->leaving = serf.state() == serf::SerfState::leaving || serf.state() == serf::SerfState::left;
        return {};
      },
      seconds(30));
  if (!st.ok()) return std::move(st).failure();
  return std::move(*out);
}

Status Node::set_identity(serf::Identity id) {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  id.wkd_version = opts_.identity.wkd_version;
  if (auto st = serf::validate(id); !st.ok()) return Status::fail(Err::invalid, st.message());
  auto tags = serf::to_tags(id);
  if (!tags.ok()) return Status::fail(Err::invalid, tags.message());
  auto meta = wire::encode_tags(*tags);
  if (!meta.ok()) return Status::fail(Err::too_big, meta.message());
  if (meta->size() > wire::kMetaMaxSize) {
    return Status::fail(Err::too_big, "the identity encodes to " + std::to_string(meta->size()) +
                                          " bytes of node metadata, more than the limit of " +
                                          std::to_string(wire::kMetaMaxSize) + " bytes; the previous identity stays");
  }
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (identity_ == id) return {};
    identity_ = id;
  }
  if (!started_ || async_ == nullptr) return {};  // advertised from start
  post([this, id] {
    if (!uv_ || !uv_->started()) return;
    auto st = uv_->serf().set_identity(transport::mono_now(), id);
    if (!st.ok()) log(LogLevel::error, "register: " + st.message());
    uv_->after_engine_call();
    dirty_ = true;
    publish(true);
  });
  return {};
}

Status Node::set_health(serf::Health h, const std::string& reason) {
  serf::Identity id = identity();
  if (id.health == h) return {};
  id.health = h;
  if (!reason.empty()) log(LogLevel::info, std::string("health is now ") + serf::health_name(h) + ": " + reason);
  return set_identity(std::move(id));
}

serf::Identity Node::identity() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return identity_;
}

Status Node::fire_event(const std::string& name, ByteView payload, bool coalesce) {
  if (name.empty()) return Status::fail(Err::invalid, "event name is empty");
  const std::size_t limit = opts_.serf.user_event_size_limit;
  if (name.size() + payload.size() > limit) {
    return Status::fail(Err::too_big, "user event name and payload are " + std::to_string(name.size() + payload.size()) +
                                          " bytes, more than the limit of " + std::to_string(limit));
  }
  Bytes data(payload.begin(), payload.end());
  return run_sync(
      [this, name, data, coalesce]() -> Status {
        auto st = uv_->serf().user_event(transport::mono_now(), name, data, coalesce);
        uv_->after_engine_call();
        if (!st.ok()) return Status::fail(st.code() == serf::Err::too_large ? Err::too_big : Err::state, st.message());
        return {};
      },
      seconds(30));
}

// ---- keyring ----

Status Node::keyring_install(Bytes key) {
  return run_sync(
      [this, key]() -> Status {
        auto& ring = uv_->serf().memberlist().keyring();
        if (ring.empty()) return Status::fail(Err::state, "the node has no keyring (created without ENCRYPT_KEY)");
        auto st = ring.install(key);
        if (!st.ok()) return Status::fail(Err::invalid, st.message());
        return {};
      },
      seconds(30));
}

Status Node::keyring_use(Bytes key) {
  return run_sync(
      [this, key]() -> Status {
        auto& ring = uv_->serf().memberlist().keyring();
        if (ring.empty()) return Status::fail(Err::state, "the node has no keyring");
        if (!ring.contains(key)) return Status::fail(Err::not_found, "the key is not installed");
        auto st = ring.use(key);
        if (!st.ok()) return Status::fail(Err::invalid, st.message());
        return {};
      },
      seconds(30));
}

Status Node::keyring_remove(Bytes key) {
  return run_sync(
      [this, key]() -> Status {
        auto& ring = uv_->serf().memberlist().keyring();
        if (ring.empty()) return Status::fail(Err::state, "the node has no keyring");
        if (!ring.contains(key)) return Status::fail(Err::not_found, "the key is not installed");
        if (ByteView(key).size() == ring.primary().size() &&
            std::equal(key.begin(), key.end(), ring.primary().begin())) {
          return Status::fail(Err::state, "the key is the primary key; use another key first");
        }
        auto st = ring.remove(key);
        if (!st.ok()) return Status::fail(Err::invalid, st.message());
        return {};
      },
      seconds(30));
}

Result<std::vector<Bytes>> Node::keyring_list() {
  auto out = std::make_shared<std::vector<Bytes>>();
  auto st = run_sync(
      [this, out]() -> Status {
        auto& ring = uv_->serf().memberlist().keyring();
        if (ring.empty()) return Status::fail(Err::state, "the node has no keyring");
        for (const Bytes& k : ring.keys()) out->push_back(k);
        return {};
      },
      seconds(30));
  if (!st.ok()) return std::move(st).failure();
  return std::move(*out);
}

// ---- snapshots, events, watches ----

std::shared_ptr<const View> Node::view() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return view_;
}

NodeStats Node::stats() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return stats_;
}

Address Node::local_address() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return bound_;
}

void Node::publish(bool force) {
  if (!uv_ || !uv_->started() || closed_) return;
  const serf::Serf& serf = uv_->serf();
  // Both tables' change counters: memberlist's (state, incarnation, meta)
  // and serf's (statuses such as leaving that memberlist does not have).
  const std::uint64_t changes = serf.memberlist().change_counter() + serf.member_changes();
  const std::int64_t now_ms = unix_now_ms();
  // view_ is only ever replaced on this thread: reading it here needs no
  // lock (other threads copy it under state_mu_).
  const bool changed = dirty_ || changes != seen_changes_ || !view_;
  if (!changed) {
    // Nothing but last_seen moved: bring it up to date in place when due.
    if (now_ms - last_seen_ms_ >= kViewRefreshMs) {
      refresh_last_seen(serf, *view_, transport::mono_now(), now_ms);
      last_seen_ms_ = now_ms;
    }
    publish_stats();  // counters: cheap, kept current after every engine call
    return;
  }
  // Coalesce: at most one snapshot per kMinPublishMs. A change inside the
  // window is published when it ends, so a burst of gossip costs one
  // snapshot, not one per packet.
  if (!force && now_ms - last_publish_ms_ < kMinPublishMs) {
    publish_stats();
    if (!publish_pending_) {
      publish_pending_ = true;
      const auto wait = static_cast<std::uint64_t>(kMinPublishMs - (now_ms - last_publish_ms_));
      uv_timer_start(publish_timer_, [](uv_timer_t* t) {
        auto* n = static_cast<Node*>(t->data);
        n->publish_pending_ = false;
        n->publish(true);
      }, wait, 0);
    }
    return;
  }
  if (publish_pending_) {
    publish_pending_ = false;
    uv_timer_stop(publish_timer_);
  }
  seen_changes_ = changes;
  dirty_ = false;
  last_publish_ms_ = now_ms;
  last_seen_ms_ = now_ms;
  std::shared_ptr<const View> before;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    before = view_;
  }
  std::shared_ptr<const View> after =
      build_view(serf, transport::mono_now(), now_ms, ++view_version_, before.get());
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    view_ = after;
  }
  auto changes_list = diff_views(before.get(), *after);
  if (!changes_list.empty()) dispatch(changes_list);
  publish_stats();
}

void Node::dispatch(const std::vector<Change>& changes) {
  std::vector<std::shared_ptr<Watch>> watches;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    watches = watches_;
  }
  if (watches.empty()) return;
  for (const Change& c : changes) {
    auto ev = std::make_shared<Event>();
    switch (c.type) {
      case MemberChange::joined:
        ev->type = EventType::member_joined;
        break;
      case MemberChange::updated:
        ev->type = EventType::member_updated;
        break;
      case MemberChange::suspect:
        ev->type = EventType::member_suspect;
        break;
      case MemberChange::failed:
        ev->type = EventType::member_failed;
        break;
      case MemberChange::left:
        ev->type = EventType::member_left;
        break;
      case MemberChange::reaped:
        ev->type = EventType::member_reaped;
        break;
    }
    ev->member = c.entry->member;
    ev->last_seen_unix_ms = c.entry->last_seen_unix_ms();
    const ViewEntry* old = c.previous;
    const MemberView& m = *ev->member;
    EventPtr shared = std::move(ev);
    for (const auto& w : watches) {
      if (w->cancelled()) continue;
      const bool was_in = old != nullptr && w->kind() == WatchKind::group && old->member->in_group(w->name());
      if (w->wants_member(m, was_in)) w->deliver(shared);
    }
  }
}

void Node::deliver_user_event(const std::string& ev_name, const Bytes& payload, std::uint64_t ltime, bool coalesce) {
  std::vector<std::shared_ptr<Watch>> watches;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    watches = watches_;
  }
  auto ev = std::make_shared<Event>();
  ev->type = EventType::user;
  ev->name = ev_name;
  ev->payload = payload;
  ev->ltime = ltime;
  ev->coalesce = coalesce;
  EventPtr shared = std::move(ev);
  for (const auto& w : watches) {
    if (!w->cancelled() && w->wants_user(ev_name)) w->deliver(shared);
  }
}

void Node::publish_stats() {
  const serf::Serf& serf = uv_->serf();
  const swim::Stats& ms = serf.memberlist().stats();
  NodeStats s;
  const auto* udp = uv_->udp();
  const auto* tcp = uv_->tcp();
  s.packets_in = udp ? udp->counters().packets_in : 0;
  s.packets_out = udp ? udp->counters().packets_out : 0;
  s.bytes_in = (udp ? udp->counters().bytes_in : 0) + (tcp ? tcp->counters().bytes_in : 0);
  s.bytes_out = (udp ? udp->counters().bytes_out : 0) + (tcp ? tcp->counters().bytes_out : 0);
  s.streams_in = tcp ? tcp->counters().accepted : 0;
  s.streams_out = tcp ? tcp->counters().dialled : 0;
  using wire::Err;
  const auto& d = ms.drops;
  s.drops_malformed = d[Err::truncated] + d[Err::bad_length] + d[Err::bad_msgpack] + d[Err::bad_field] +
                      d[Err::missing_field] + d[Err::empty_part] + d[Err::short_vsn] + d[Err::bad_vsn] +
                      d[Err::lzw_corrupt] + d[Err::bad_compression] + d[Err::nested_too_deep] + d[Err::bad_tags];
  s.drops_decrypt = d[Err::decrypt_failed] + d[Err::bad_encryption_version] + d[Err::plaintext_rejected] +
                    d[Err::unexpected_encryption] + d[Err::bad_padding];
  s.drops_checksum = d[Err::bad_crc];
  s.drops_label = d[Err::bad_label] + d[Err::label_mismatch];
  s.drops_unknown_type = d[Err::unknown_type];
  s.drops_oversized = d[Err::oversized] + d[Err::decompress_limit];
  s.drops_socket = udp ? udp->counters().recv_errors + udp->counters().truncated : 0;
  s.drops_total = d.total() + s.drops_socket;
  s.probes = ms.probes;
  s.probe_failures = ms.probe_failures;
  s.indirect_probes = ms.indirect_probes;
  s.suspicions = ms.suspicions;
  s.refutations = ms.refutations;
  s.push_pulls = ms.push_pulls;
  s.gossip_messages = ms.gossip_messages;
  s.health_score = static_cast<std::uint32_t>(serf.memberlist().health_score());
  s.incarnation = serf.memberlist().local_node().incarnation;
  std::lock_guard<std::mutex> lock(state_mu_);
  if (view_) {
    s.members_alive = view_->alive + view_->leaving;
    s.members_leaving = view_->leaving;
    s.members_suspect = view_->suspect;
    s.members_failed = view_->failed;
    s.members_left = view_->left;
  }
  stats_ = s;
}

Result<std::shared_ptr<Watch>> Node::watch(WatchKind kind, const std::string& wname, std::uint32_t flags,
                                           std::size_t capacity, Watch::Callback cb) {
  if (kind == WatchKind::service || kind == WatchKind::service_healthy) {
    return Result<std::shared_ptr<Watch>>::fail(Err::not_supported,
                                                "service watches need the service registry, which this build lacks");
  }
  if (kind == WatchKind::group && !serf::valid_group_name(wname)) {
    return Result<std::shared_ptr<Watch>>::fail(Err::invalid, "a group watch needs a valid group name, got '" + wname + "'");
  }
  if (closed_) return Result<std::shared_ptr<Watch>>::fail(Err::closed, "node is closed");
  auto w = std::make_shared<Watch>(kind, wname, flags, capacity == 0 ? opts_.event_queue_capacity : capacity,
                                   std::move(cb));
  if (!w->is_callback() && w->fd() < 0) return Result<std::shared_ptr<Watch>>::fail(Err::io, "eventfd failed");
  auto add = [this, w] {
    std::shared_ptr<const View> v;
    {
      std::lock_guard<std::mutex> lock(state_mu_);
      // close() may have cancelled the watches before this ran: the watch
      // it did not see is cancelled here, so no consumer waits forever.
      if (closed_) {
        w->cancel();
        return;
      }
      watches_.push_back(w);
      v = view_;
    }
    if ((w->flags() & 1u) && v && w->kind() != WatchKind::user_events) {
      for (const ViewEntry& e : v->members) {
        if (!w->wants_member(*e.member, false)) continue;
        auto ev = std::make_shared<Event>();
        ev->type = EventType::member_joined;
        ev->member = e.member;
        ev->last_seen_unix_ms = e.last_seen_unix_ms();
        w->deliver(ev);
      }
    }
  };
  {
    // Until the first view is published, the watch joins the list here and
    // that publication reports every member to it. Once there is a view, add
    // runs on the loop thread so the snapshot comes before any later change.
    std::lock_guard<std::mutex> lock(state_mu_);
    if (!view_) {
      if (closed_) w->cancel();
      watches_.push_back(w);
      return w;
    }
  }
  if (!post(add)) return Result<std::shared_ptr<Watch>>::fail(Err::closed, "node is closed");
  return w;
}

void Node::unwatch(const std::shared_ptr<Watch>& w) {
  w->cancel();
  std::lock_guard<std::mutex> lock(state_mu_);
  std::erase(watches_, w);
}

// ---- shutdown ----

void Node::close() {
  if (closed_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    for (auto& w : watches_) w->cancel();
    state_cv_.notify_all();
  }
  auto stop = [this] { shutdown_on_loop(); };
  {
    std::lock_guard<std::mutex> lock(cmd_mu_);
    if (async_ == nullptr) return;  // never started, or already shut down
    commands_.push_back(stop);
    uv_async_send(async_.load());
  }
  // From another thread of an own-loop node: wait for the loop to end. From
  // the loop thread (a callback), the shutdown runs after it returns.
  if (own_loop_ && thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Node::shutdown_on_loop() {
  if (publish_timer_ != nullptr) {
    uv_timer_stop(publish_timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(publish_timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    publish_timer_ = nullptr;
  }
  auto finish = [this] {
    uv_async_t* a = nullptr;
    {
      std::lock_guard<std::mutex> lock(cmd_mu_);
      a = async_.exchange(nullptr);
      commands_.clear();
    }
    if (a == nullptr) return;
    uv_close(reinterpret_cast<uv_handle_t*>(a), [](uv_handle_t* h) {
      auto* node = static_cast<Node*>(h->data);
      delete reinterpret_cast<uv_async_t*>(h);
      // The last handle is gone. A host-loop node may be destroyed now.
      std::shared_ptr<Node> keep = std::move(node->keepalive_);
      std::lock_guard<std::mutex> lock(node->state_mu_);
      node->loop_done_ = true;
      node->state_cv_.notify_all();
    });
  };
  if (uv_) {
    uv_->close(finish);
  } else {
    finish();
  }
}

}  // namespace wkd::runtime
