// runtime::Node — a thread-safe wkd node: the facade behind the C API.
//
// A Node runs on one loop (transport::LoopThread: its own thread's, or a
// host's). Its loop side is a Stack (stack.hpp: the I/O driver, the pure
// core and the publisher wired together); this class only carries calls
// there from any thread. Calls that need an answer wait for it, with a
// timeout, and refuse to wait on the loop thread itself (Err::loop_thread)
// rather than deadlock. Reads never wait: the publisher (publisher.hpp)
// keeps an immutable, versioned View and the counters current, and hands
// every change to the watches in order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/option_table.hpp"
#include "common/result.hpp"
#include "core/core.hpp"
#include "runtime/errors.hpp"
#include "runtime/event.hpp"
#include "runtime/logger.hpp"
#include "runtime/publisher.hpp"
#include "runtime/selector.hpp"
#include "runtime/stats.hpp"
#include "runtime/view.hpp"
#include "runtime/watch.hpp"
#include "serf/config.hpp"
#include "serf/identity.hpp"
#include "wire/keyring.hpp"

struct uv_loop_s;

namespace wkd::transport {
class LoopThread;
}

namespace wkd::runtime {

class Stack;

struct NodeOptions {
  serf::Config serf;          // memberlist.name must be set
  Address bind;               // port 0 = any
  Address advertise;          // unset = the bound address
  wire::Keyring keyring;      // empty = no encryption
  std::uint64_t rng_seed = 0; // 0 = from the OS
  std::size_t event_queue_capacity =
      static_cast<std::size_t>(options::preset_value(options::Key::EVENT_QUEUE_CAPACITY, options::Preset::lan));
  serf::Identity identity;    // advertised from start
  LogLevel log_level = LogLevel::warn;
  LogFn log;                  // null = stderr
  // The service registry (registry/replica.hpp): on by default. Its
  // store's node name is the node's; a generation of 0 is taken from the
  // wall clock at start (a node that starts without its state).
  bool registry = true;
  registry::ReplicaConfig registry_config;
  // Script health checks execute programs: off unless enabled here.
  bool script_checks = false;
  // The node's health tag is the worst of the application's health
  // (identity.health, then set_health) and the state its node checks
  // report (add_node_check). With node_health_feed_instances, the worst
  // state of its instances' checks counts as well, once it has held for
  // node_health_hold (a recovery too), so a flapping instance does not
  // make the node look sick: every change of the tag is a member update
  // on every peer.
  bool node_health_feed_instances = false;
  Duration node_health_hold = std::chrono::milliseconds(
      options::preset_value(options::Key::NODE_HEALTH_HOLD_MS, options::Preset::lan));
  // Self-healing actions (on_critical): at most one per instance per
  // heal_interval, and heal_per_minute in all.
  Duration heal_interval = std::chrono::milliseconds(
      options::preset_value(options::Key::HEAL_INTERVAL_MS, options::Preset::lan));
  std::uint32_t heal_per_minute =
      static_cast<std::uint32_t>(options::preset_value(options::Key::HEAL_MAX_PER_MINUTE, options::Preset::lan));
  // Where this node runs: selection prefers instances in its zone, then
  // its region (registry/select.hpp). Empty: unknown.
  registry::Locality locality;
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  // Checks the options; nothing runs yet. With host_loop, the node runs on
  // that loop (create must then be called on the loop's thread).
  static Result<std::shared_ptr<Node>> create(NodeOptions opts, uv_loop_s* host_loop = nullptr);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Binds and starts the engine (and the loop thread). Waits for the bind
  // result unless called on the loop thread.
  Status start();

  // Resolves the seeds and pushes/pulls with each; waits up to timeout
  // (negative = forever). *joined = seeds that answered.
  Status join(const std::vector<std::string>& seeds, Duration timeout, int* joined);

  // join() without waiting: `done(status, joined)` runs on the loop thread
  // (not at all if the node closes first). Any thread.
  using JoinDone = std::function<void(Status, int)>;
  void join_async(std::vector<std::string> seeds, JoinDone done);

  // Graceful leave; waits up to timeout.
  Status leave(Duration timeout);
  // leave() without waiting: `done` runs on the loop thread. Any thread.
  void leave_async(std::function<void(Status)> done);

  // What a restart needs to rejoin (the agent's snapshot). Any thread;
  // inline on the loop.
  using Persisted = core::Persisted;
  Result<Persisted> persisted();

  // Stops everything; idempotent; any thread, a watch callback included.
  void close();
  bool closed() const noexcept { return closed_.load(); }

  // Replaces the advertised identity (validated and size-checked here).
  Status set_identity(serf::Identity id);
  // Replaces the application's health. The advertised health tag is the
  // worst of it and the state the node's checks give the node
  // (NodeOptions::node_health_feed_instances); set_identity's health
  // field is ignored for the same reason: the tag is computed.
  Status set_health(serf::Health h, const std::string& reason);
  serf::Identity identity() const;

  Status fire_event(const std::string& name, ByteView payload, bool coalesce);

  // ---- the service registry: this node's own instances ----
  // Each runs on the node's loop: from another thread it waits for it,
  // on the loop (a watch callback) it runs inline. Refusals: Err::invalid naming the field,
  // Err::too_big (metadata or tags over their caps), Err::not_found,
  // Err::state (another node owns the instance: the message names it; or
  // the record's state forbids the call), Err::not_supported (the
  // registry is off). Reads go through view()->services, without waiting.
  Result<registry::Instance> register_instance(registry::Instance in, Duration ttl = Duration::zero());
  Result<registry::Instance> deregister_instance(const registry::InstanceKey& key);
  Result<registry::Instance> drain_instance(const registry::InstanceKey& key);
  Result<registry::Instance> check_instance(const registry::InstanceKey& key, registry::CheckState state);
  Result<registry::Instance> renew_instance(const registry::InstanceKey& key);
  // A TTL registration's report: restarts its TTL and records `state` as
  // its check's result (Replica::renew). Err::state when it has no TTL.
  // The registry has no field for `note`: it is logged (debug when
  // passing, info otherwise).
  Result<registry::Instance> update_ttl(const registry::InstanceKey& key, registry::CheckState state,
                                        const std::string& note);
  Result<registry::Instance> force_deregister_instance(const registry::InstanceKey& key);
  // Declares that dep.service depends on dep.depends_on (an upsert keyed by
  // the pair, owned by this node like an instance), or removes it. The
  // returned record carries the terms in `dependency`; reads go through
  // view()->services (dependencies, dependents, dependency_health).
  Result<registry::Instance> declare_dependency(registry::Dependency dep);
  Result<registry::Instance> remove_dependency(const std::string& service, const std::string& depends_on);
  // The replica's counters (zero without a registry). Waits for the loop.
  Result<registry::ReplicaStats> registry_stats();
  // The health checker's counters (zero without a registry). Waits for the
  // loop.
  Result<health::CheckerStats> health_stats();

  // ---- choosing an instance of a service to call ----
  // The node's one selector (thread-safe; reads go through view()).
  InstanceSelector& selector() noexcept { return *selector_; }
  // The estimated round trip in seconds from this node to each of `nodes`
  // that has a Vivaldi coordinate (serf's distance between the two); the
  // others are left out, and so is everyone when coordinates are off.
  // Runs on the loop: waits for it from another thread, inline on it.
  std::map<std::string, double> rtt_estimates(const std::set<std::string>& nodes);

  // ---- health checks of this node's own instances ----
  // A check (health/check.hpp) of an instance registered on this node; its
  // results move the instance's status everywhere. Refused: Err::invalid
  // naming the field, Err::not_found (no such instance here), Err::state
  // (another node owns it, or the check id exists), Err::not_supported (a
  // kind this node does not perform yet: http, grpc; script checks unless
  // NodeOptions::script_checks).
  Status add_check(const registry::InstanceKey& instance, health::CheckSpec spec);
  // Registers (upserts) an instance and makes `checks` its checks, in one
  // entry of the core: checks whose spec is unchanged keep running, the
  // others start again, those not listed go (Checker::set_checks). An
  // invalid check (Err::invalid naming checks[i] and the field) or a kind
  // this node does not perform (Err::not_supported) refuses the whole
  // call before anything changes.
  Result<registry::Instance> register_service(registry::Instance in, Duration ttl,
                                              std::vector<health::CheckSpec> checks);
  Status remove_check(const registry::InstanceKey& instance, const std::string& check);
  // A TTL check's state from the application; `note` is its output.
  Status report_ttl(const registry::InstanceKey& instance, const std::string& check, registry::CheckState state,
                    std::string note = {});
  // Runs the instance's checks now rather than at their next interval
  // (Checker::run_now), without waiting for them: their results move the
  // instance as any run's do. Returns how many checks run. Refused:
  // Err::not_found (not registered, or no check that runs: TTL checks
  // only), Err::state (another node owns it: the message names it).
  Result<std::size_t> run_checks(const registry::InstanceKey& instance);
  // What the owner knows of a check (its last output included).
  Result<health::CheckStatus> check_status(const registry::InstanceKey& instance, const std::string& check);
  // ---- the node's own checks and self-healing ----
  // A check of the node itself (the same kinds and specs; its
  // deregister_critical_after must be 0): the worst state the node's
  // checks report becomes part of its health tag. Refusals as add_check's.
  Status add_node_check(health::CheckSpec spec);
  Status remove_node_check(const std::string& check);
  Result<health::CheckStatus> node_check_status(const std::string& check);
  // Runs `fn` when an instance of `service` ("" = every service) that
  // this node owns turns critical, at most once per instance per
  // NodeOptions::heal_interval and heal_per_minute in all. One action per
  // service name: a later call replaces it, a null `fn` removes it (the
  // all-services action runs only for services without their own). Called
  // on the loop thread, outside any core entry, like watch callbacks: it
  // may call the node, whose calls then run inline. Any thread.
  using HealFn = std::function<void(const health::TurnedCritical&)>;
  void on_critical(const std::string& service, HealFn fn);

  // ---- self-registration: the instances this process is ----
  // Registers an instance the node owns for its whole life: at once when
  // the node runs, otherwise when start() succeeds; the same key again
  // replaces it. The node deregisters its self-registered instances when
  // it leaves (leave()), and farewell() does so and leaves, for a handle
  // going away. The checks are judged now (as register_service judges
  // them); refusals as register_service's.
  Result<registry::Instance> self_register(registry::Instance in, Duration ttl, std::vector<health::CheckSpec> checks);
  // Forgets a self-registered instance (deregister_instance still needs
  // calling for one that runs); false when it was not one.
  bool forget_self(const registry::InstanceKey& key);
  // For a node about to be closed by its owner: when it runs, has
  // self-registered instances and is not on its loop thread, deregisters
  // them and leaves gracefully, waiting up to `timeout`. Otherwise nothing.
  void farewell(Duration timeout);

  // Watches. The callback (if any) runs on the loop thread. Service watches
  // (WatchKind::service, service_healthy) need the registry.
  Result<std::shared_ptr<Watch>> watch(WatchKind kind, const std::string& name, std::uint32_t flags,
                                       std::size_t capacity, Watch::Callback cb);
  void unwatch(const std::shared_ptr<Watch>& w);

  // Keyring operations (keys are raw bytes).
  Status keyring_install(Bytes key);
  Status keyring_use(Bytes key);
  Status keyring_remove(Bytes key);
  Result<std::vector<Bytes>> keyring_list();

  std::shared_ptr<const View> view() const { return publisher_.view(); }
  NodeStats stats() const { return publisher_.stats(); }
  const std::string& name() const noexcept { return opts_.serf.memberlist.name; }
  // The bound address (after start).
  Address local_address() const;
  bool on_loop_thread() const noexcept;
  bool started() const noexcept { return started_.load(); }

 private:
  Node(NodeOptions opts, uv_loop_s* host_loop);

  struct Waiter;

  // Runs fn on the loop (at once when already on it). False when closed.
  bool post(std::function<void()> fn);
  // Runs fn on the loop with the running stack and waits for it (inline on
  // the loop thread).
  Status run_sync(const std::function<Status(Stack&)>& fn, Duration timeout);
  Status wait(const std::shared_ptr<Waiter>& w, Duration timeout);
  using RegistryOp = std::function<registry::Result<registry::Instance>(registry::Replica&, const registry::Now&)>;
  Result<registry::Instance> registry_call(RegistryOp op);
  Status performable(health::CheckKind k, const std::string& field) const;
  Status health_call(const std::function<Status(health::Checker&, const registry::Now&)>& op);
  void finish(const std::shared_ptr<Waiter>& w, Status st, int joined = 0);
  void begin_on_loop(const std::shared_ptr<Waiter>& w);
  void shutdown_on_loop();
  void log(LogLevel level, const std::string& line) { logger_.log(level, line); }
  // The checks' view of the node's health, from the loop after a settled
  // entry; runs the self-healing actions.
  void on_checks_health(registry::CheckState state, std::vector<health::TurnedCritical> turned);
  // The health tag to advertise now: the worst of the application's and
  // the checks'. mu_ held.
  serf::Health advertised_health_locked() const;

  NodeOptions opts_;
  Logger logger_;
  Publisher publisher_;
  std::unique_ptr<transport::LoopThread> loop_;
  std::unique_ptr<Stack> stack_;  // loop thread only
  std::unique_ptr<InstanceSelector> selector_;

  mutable std::mutex mu_;  // guards identity_, bound_ and the waiters
  std::condition_variable cv_;
  serf::Identity identity_;
  serf::Health app_health_ = serf::Health::passing;     // set_health's
  serf::Health checks_health_ = serf::Health::passing;  // the checks'
  std::mutex heal_mu_;  // guards heal_fns_
  std::map<std::string, HealFn> heal_fns_;
  std::unique_ptr<health::HealLimiter> heal_limiter_;  // loop thread only
  Address bound_;

  struct SelfService {
    registry::Instance in;
    Duration ttl{};
    std::vector<health::CheckSpec> checks;
  };
  // Registers the self-registered instances (after start).
  void register_selves();
  // Deregisters them (before a leave).
  void deregister_selves();
  std::mutex self_mu_;  // guards self_ and left_
  std::vector<SelfService> self_;
  bool left_ = false;

  std::shared_ptr<Node> keepalive_;  // host-loop nodes: until the last handle closes
  std::atomic<bool> started_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace wkd::runtime
