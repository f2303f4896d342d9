#include "runtime/node.hpp"

#include <sys/socket.h>

#include <random>
#include <thread>

#include "runtime/stack.hpp"
#include "transport/clock.hpp"
#include "transport/loop_thread.hpp"
#include "transport/resolver.hpp"
#include "wire/tags.hpp"

namespace wkd::runtime {

namespace {

std::uint64_t os_seed() {
  std::random_device rd;
  const auto t = static_cast<std::uint64_t>(transport::mono_now().time_since_epoch().count());
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^ t;
}

}  // namespace

struct Node::Waiter {
  bool done = false;
  Status status;
  int joined = 0;
};

Node::Node(NodeOptions opts, uv_loop_s* host_loop)
    : opts_(std::move(opts)),
      logger_(opts_.serf.memberlist.name, opts_.log_level, opts_.log),
      loop_(std::make_unique<transport::LoopThread>(host_loop)),
      // A stream of its own, apart from the engine's.
      selector_(std::make_unique<InstanceSelector>(opts_.rng_seed ^ 0x5e1ec7u, opts_.locality)) {
  identity_ = opts_.identity;
  app_health_ = opts_.identity.health;
  heal_limiter_ = std::make_unique<health::HealLimiter>(health::HealLimits{opts_.heal_interval, opts_.heal_per_minute});
}

Result<std::shared_ptr<Node>> Node::create(NodeOptions opts, uv_loop_s* host_loop) {
  using R = Result<std::shared_ptr<Node>>;
  if (opts.serf.memberlist.name.empty()) return R::fail(Err::invalid, "node name is empty");
  if (!opts.bind.is_set()) return R::fail(Err::invalid, "bind address is not set");
  if (opts.rng_seed == 0) opts.rng_seed = os_seed();
  // AES-GCM nonces come from this generator: with a keyring, never let a
  // fixed seed make two nodes (or two runs) repeat nonces under one key.
  if (!opts.keyring.empty()) opts.rng_seed ^= os_seed();
  // Check everything the engine will check, with a placeholder advertise
  // address, so configuration errors surface at create time.
  serf::Config probe = opts.serf;
  probe.memberlist.advertise = opts.advertise.is_set() ? opts.advertise : opts.bind;
  if (probe.memberlist.advertise.port == 0) probe.memberlist.advertise.port = 1;
  if (auto err = serf::validate(probe); !err.empty()) return R::fail(Err::invalid, err);
  if (opts.node_health_hold < Duration::zero() || opts.node_health_hold > std::chrono::hours(24)) {
    return R::fail(Err::invalid, "node_health_hold: must be 0 to 24 h");
  }
  if (opts.heal_interval < Duration::zero() || opts.heal_interval > std::chrono::hours(24)) {
    return R::fail(Err::invalid, "heal_interval: must be 0 to 24 h");
  }
  if (auto st = serf::validate(opts.identity); !st.ok()) return R::fail(Err::invalid, st.message());
  auto tags = serf::to_tags(opts.identity);
  if (!tags.ok()) return R::fail(Err::invalid, tags.message());
  opts.serf.tags = *tags;
  return std::shared_ptr<Node>(new Node(std::move(opts), host_loop));
}

Node::~Node() {
  close();
  stack_.reset();
}

bool Node::on_loop_thread() const noexcept { return loop_->on_loop_thread(); }

Address Node::local_address() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bound_;
}

// ---- start, the loop and waiting ----

void Node::begin_on_loop(const std::shared_ptr<Waiter>& w) {
  serf::Config cfg = opts_.serf;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto tags = serf::to_tags(identity_); tags.ok()) cfg.tags = *tags;
  }
  stack_ = std::make_unique<Stack>(loop_->loop(), publisher_, logger_, opts_.rng_seed);
  stack_->on_health([this](registry::CheckState state, std::vector<health::TurnedCritical> turned) {
    on_checks_health(state, std::move(turned));
  });
  const health::NodeHealthOptions node_health{opts_.node_health_feed_instances, opts_.node_health_hold};
  Status st = stack_->start(std::move(cfg), opts_.keyring, opts_.bind, opts_.advertise,
                            opts_.registry ? &opts_.registry_config : nullptr, node_health);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (st.ok()) bound_ = stack_->bound();
  }
  finish(w, std::move(st));
}

Status Node::start() {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  if (started_.exchange(true)) return Status::fail(Err::state, "node already started");
  auto w = std::make_shared<Waiter>();
  if (!loop_->own_thread() && loop_->loop() != nullptr) {
    // Host loop: set up now (we are on its thread). The node keeps itself
    // alive until its last handle is closed.
    keepalive_ = shared_from_this();
  }
  loop_->start([this, w] { begin_on_loop(w); },
               // Own thread, after the loop ended: the thread's reference goes
               // last (it may destroy the node, on this thread).
               [self = shared_from_this()]() mutable { self.reset(); });
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return w->done; });
  if (!w->status.ok()) {
    lock.unlock();
    close();
    return w->status;
  }
  lock.unlock();
  register_selves();
  return {};
}

bool Node::post(std::function<void()> fn) {
  if (closed_) return false;
  return loop_->post(std::move(fn));
}

void Node::finish(const std::shared_ptr<Waiter>& w, Status st, int joined) {
  std::lock_guard<std::mutex> lock(mu_);
  w->status = std::move(st);
  w->joined = joined;
  w->done = true;
  cv_.notify_all();
}

Status Node::wait(const std::shared_ptr<Waiter>& w, Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [&] { return w->done || closed_.load(); };
  if (timeout < Duration::zero()) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_for(lock, timeout, ready)) {
    return Status::fail(Err::timeout, "timed out after " + std::to_string(to_ms(timeout)) + " ms");
  }
  if (!w->done) return Status::fail(Err::closed, "node closed while waiting");
  return w->status;
}

Status Node::run_sync(const std::function<Status(Stack&)>& fn, Duration timeout) {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  if (!started_ || !loop_->accepting()) return Status::fail(Err::state, "node is not started");
  auto call = [this, fn]() -> Status {
    if (!stack_ || !stack_->running()) return Status::fail(Err::closed, "node is closed");
    return fn(*stack_);
  };
  if (on_loop_thread()) return call();
  auto w = std::make_shared<Waiter>();
  if (!post([this, w, call] { finish(w, call()); })) return Status::fail(Err::closed, "node is closed");
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
  join_async(seeds, [this, w](Status st, int n) { finish(w, std::move(st), n); });
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
  const std::uint16_t default_port = local_address().port;
  const int family = opts_.bind.ip_len == 16 ? AF_INET6 : AF_INET;
  auto self = shared_from_this();
  post([this, self, seeds = std::move(seeds), done = std::move(done), default_port, family] {
    transport::resolve_seeds(loop_->loop(), seeds, default_port, family, [this, self, done](transport::Resolved r) {
      if (closed_ || !stack_ || !stack_->running()) return;
      if (r.addresses.empty()) {
        done(Status::fail(Err::io, "no seed address could be resolved: " + r.errors), 0);
        return;
      }
      stack_->core().join(transport::mono_now(), r.addresses, [done, errors = r.errors](int n, std::string why) {
        if (n > 0) {
          done({}, n);
        } else {
          std::string msg = "no seed answered: " + why;
          if (!errors.empty()) msg += "; " + errors;
          done(Status::fail(Err::io, msg), 0);
        }
      });
    });
  });
}

Status Node::leave(Duration timeout) {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  if (!started_) return Status::fail(Err::state, "node is not started");
  if (on_loop_thread()) return Status::fail(Err::loop_thread, "leave waits for the gossip: not on the loop thread");
  deregister_selves();
  auto w = std::make_shared<Waiter>();
  leave_async([this, w](Status st) { finish(w, std::move(st)); });
  return wait(w, timeout);
}

void Node::leave_async(std::function<void(Status)> done) {
  if (!started_) {
    post([done] { done(Status::fail(Err::state, "node is not started")); });
    return;
  }
  post([this, done = std::move(done)] {
    if (!stack_ || !stack_->running()) return;
    auto st = stack_->core().leave(transport::mono_now(), [done](bool clean) {
      done(clean ? Status() : Status::fail(Err::timeout, "the leave was not fully gossiped in time"));
    });
    if (!st.ok()) done(Status::fail(Err::state, st.message()));
  });
}

Result<Node::Persisted> Node::persisted() {
  auto out = std::make_shared<Persisted>();
  auto st = run_sync(
      [out](Stack& s) -> Status {
        *out = s.core().persisted();
        return {};
      },
      seconds(30));
  if (!st.ok()) return std::move(st).failure();
  return std::move(*out);
}

Status Node::set_identity(serf::Identity id) {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  id.wkd_version = opts_.identity.wkd_version;
  {
    // The health tag is computed, never taken from the caller.
    std::lock_guard<std::mutex> lock(mu_);
    id.health = advertised_health_locked();
  }
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
    std::lock_guard<std::mutex> lock(mu_);
    if (identity_ == id) return {};
    identity_ = id;
  }
  if (!started_ || !loop_->accepting()) return {};  // advertised from start
  post([this, id] {
    if (!stack_ || !stack_->running()) return;
    auto st = stack_->core().set_identity(transport::mono_now(), id);
    if (!st.ok()) log(LogLevel::error, "register: " + st.message());
    // The node's own record changed: show it at once.
    publisher_.settle(true);
  });
  return {};
}

Status Node::set_health(serf::Health h, const std::string& reason) {
  if (closed_) return Status::fail(Err::closed, "node is closed");
  serf::Health advertised;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (app_health_ == h) return {};
    app_health_ = h;
    advertised = advertised_health_locked();
    if (identity_.health == advertised) return {};
  }
  if (!reason.empty()) {
    // The application's own state, or the worse one its node checks hold.
    const std::string whose =
        advertised == h ? std::string() : std::string(" (the application's: ") + serf::health_name(h) + ")";
    log(LogLevel::info, std::string("health is now ") + serf::health_name(advertised) + whose + ": " + reason);
  }
  return set_identity(identity());
}

serf::Identity Node::identity() const {
  std::lock_guard<std::mutex> lock(mu_);
  return identity_;
}

Status Node::fire_event(const std::string& ev_name, ByteView payload, bool coalesce) {
  if (ev_name.empty()) return Status::fail(Err::invalid, "event name is empty");
  const std::size_t limit = opts_.serf.user_event_size_limit;
  if (ev_name.size() + payload.size() > limit) {
    return Status::fail(Err::too_big, "user event name and payload are " +
                                          std::to_string(ev_name.size() + payload.size()) +
                                          " bytes, more than the limit of " + std::to_string(limit));
  }
  Bytes data(payload.begin(), payload.end());
  return run_sync(
      [ev_name, data, coalesce](Stack& s) -> Status {
        auto st = s.core().user_event(transport::mono_now(), ev_name, data, coalesce);
        if (!st.ok()) return Status::fail(st.code() == serf::Err::too_large ? Err::too_big : Err::state, st.message());
        return {};
      },
      seconds(30));
}

// ---- keyring ----

Status Node::keyring_install(Bytes key) {
  return run_sync(
      [key](Stack& s) -> Status {
        auto& ring = s.core().keyring();
        if (ring.empty()) return Status::fail(Err::state, "the node has no keyring (created without ENCRYPT_KEY)");
        auto st = ring.install(key);
        if (!st.ok()) return Status::fail(Err::invalid, st.message());
        return {};
      },
      seconds(30));
}

Status Node::keyring_use(Bytes key) {
  return run_sync(
      [key](Stack& s) -> Status {
        auto& ring = s.core().keyring();
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
      [key](Stack& s) -> Status {
        auto& ring = s.core().keyring();
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
      [out](Stack& s) -> Status {
        auto& ring = s.core().keyring();
        if (ring.empty()) return Status::fail(Err::state, "the node has no keyring");
        for (const Bytes& k : ring.keys()) out->push_back(k);
        return {};
      },
      seconds(30));
  if (!st.ok()) return std::move(st).failure();
  return std::move(*out);
}

// ---- watches ----

Result<std::shared_ptr<Watch>> Node::watch(WatchKind kind, const std::string& wname, std::uint32_t flags,
                                           std::size_t capacity, Watch::Callback cb) {
  using R = Result<std::shared_ptr<Watch>>;
  if ((kind == WatchKind::service || kind == WatchKind::service_healthy) && !opts_.registry) {
    return R::fail(Err::not_supported, "service watches need the service registry, which is off on this node");
  }
  if (kind == WatchKind::group && !serf::valid_group_name(wname)) {
    return R::fail(Err::invalid, "a group watch needs a valid group name, got '" + wname + "'");
  }
  if (closed_) return R::fail(Err::closed, "node is closed");
  auto w = std::make_shared<Watch>(kind, wname, flags, capacity == 0 ? opts_.event_queue_capacity : capacity,
                                   std::move(cb));
  if (!w->is_callback() && w->fd() < 0) return R::fail(Err::io, "eventfd failed");
  // Until the first View is published, the watch joins the list at once
  // and that publication reports every member to it. Once there is a View,
  // it joins on the loop thread so its snapshot comes before any later
  // change.
  switch (publisher_.try_add(w)) {
    case Publisher::Added::now:
      return w;
    case Publisher::Added::closed:
      return R::fail(Err::closed, "node is closed");
    case Publisher::Added::on_loop:
      break;
  }
  if (!post([this, w] { publisher_.add_on_loop(w); })) return R::fail(Err::closed, "node is closed");
  return w;
}

void Node::unwatch(const std::shared_ptr<Watch>& w) { publisher_.remove(w); }

// ---- shutdown ----

void Node::close() {
  if (closed_.exchange(true)) return;
  publisher_.close();
  {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  }
  // Never started, or already shut down: nothing runs on the loop.
  if (!loop_->defer([this] { shutdown_on_loop(); })) return;
  // From another thread of an own-loop node: wait for the loop to end. From
  // the loop thread (a callback), the shutdown runs after it returns.
  loop_->join();
}

void Node::shutdown_on_loop() {
  auto release = [this] {
    loop_->release([this] {
      // The last handle is gone. A host-loop node may be destroyed now.
      std::shared_ptr<Node> keep = std::move(keepalive_);
    });
  };
  if (stack_) {
    stack_->close(release);
  } else {
    release();
  }
}

}  // namespace wkd::runtime
