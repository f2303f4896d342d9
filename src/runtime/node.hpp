// runtime::Node — a thread-safe wkd node: the composition root behind the
// C API.
//
// A Node runs its engine (serf::Serf on a transport::UvNode) on one loop:
// its own thread's, or a host's. Every other thread talks to it through a
// command queue woken by uv_async_send; calls that need an answer wait for
// it, with a timeout, and refuse to wait on the loop thread itself
// (Err::loop_thread) rather than deadlock. Reads never wait: after every
// engine call that changed the member table, the loop publishes an
// immutable View and the member events between it and the previous one,
// which it hands to the watches. Statistics are published the same way.
#pragma once

#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/log.hpp"
#include "common/result.hpp"
#include "runtime/event.hpp"
#include "runtime/stats.hpp"
#include "runtime/view.hpp"
#include "runtime/watch.hpp"
#include "serf/config.hpp"
#include "serf/identity.hpp"
#include "wire/keyring.hpp"

namespace wkd::transport {
class UvNode;
}

namespace wkd::runtime {

enum class Err : std::uint8_t {
  invalid,      // bad argument
  state,        // wrong lifecycle state
  closed,
  timeout,
  io,           // sockets, resolution, every seed failed
  addr_in_use,
  loop_thread,  // a wait requested on the loop thread
  not_found,
  too_big,
  not_supported,
  internal,
};

using Status = wkd::Status<Err>;
template <class T>
using Result = wkd::Result<T, Err>;

using LogFn = std::function<void(LogLevel, const std::string& node, const std::string& line)>;

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
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  // Checks the options; nothing runs yet. With host_loop, the node runs on
  // that loop (create must then be called on the loop's thread).
  static Result<std::shared_ptr<Node>> create(NodeOptions opts, uv_loop_t* host_loop = nullptr);
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

  // What a restart needs to rejoin (the agent's snapshot): the members
  // known alive or suspect (the local node left out), the three Lamport
  // clocks and the keyring (primary first). Any thread; inline on the loop.
  struct Persisted {
    struct Peer {
      std::string name;
      Address address;
    };
    std::vector<Peer> peers;
    std::uint64_t member_clock = 0, event_clock = 0, query_clock = 0;
    std::vector<Bytes> keys;
    bool leaving = false;  // a graceful leave started
  };
  Result<Persisted> persisted();

  // Stops everything; idempotent; any thread, a watch callback included.
  void close();
  bool closed() const noexcept { return closed_.load(); }

  // Replaces the advertised identity (validated and size-checked here).
  Status set_identity(serf::Identity id);
  Status set_health(serf::Health h, const std::string& reason);
  serf::Identity identity() const;

  Status fire_event(const std::string& name, ByteView payload, bool coalesce);

  // Watches. The callback (if any) runs on the loop thread.
  Result<std::shared_ptr<Watch>> watch(WatchKind kind, const std::string& name, std::uint32_t flags,
                                       std::size_t capacity, Watch::Callback cb);
  void unwatch(const std::shared_ptr<Watch>& w);

  // Keyring operations (keys are raw bytes).
  Status keyring_install(Bytes key);
  Status keyring_use(Bytes key);
  Status keyring_remove(Bytes key);
  Result<std::vector<Bytes>> keyring_list();

  std::shared_ptr<const View> view() const;
  NodeStats stats() const;
  const std::string& name() const noexcept { return opts_.serf.memberlist.name; }
  // The bound address (after start).
  Address local_address() const;
  bool on_loop_thread() const noexcept;
  bool started() const noexcept { return started_.load(); }

 private:
  explicit Node(NodeOptions opts, uv_loop_t* host_loop);

  class Sinks;
  struct Waiter;

  // Runs fn on the loop (at once when already on it). False when closed.
  bool post(std::function<void()> fn);
  // Runs fn on the loop and waits for it; Err::loop_thread never happens
  // (on the loop thread fn runs inline).
  Status run_sync(const std::function<Status()>& fn, Duration timeout);
  Status wait(const std::shared_ptr<Waiter>& w, Duration timeout);
  void drain_commands();
  void publish(bool force);
  void publish_stats();
  void dispatch(const std::vector<Change>& changes);
  void deliver_user_event(const std::string& name, const Bytes& payload, std::uint64_t ltime, bool coalesce);
  void shutdown_on_loop();
  void log(LogLevel level, const std::string& line);

  NodeOptions opts_;
  uv_loop_t* loop_;
  std::unique_ptr<uv_loop_t> own_loop_;
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};
  // Set on the loop thread at start and cleared there at shutdown; read from
  // any thread to tell whether commands can still be posted.
  std::atomic<uv_async_t*> async_{nullptr};
  uv_timer_t* publish_timer_ = nullptr;
  bool publish_pending_ = false;

  std::unique_ptr<Sinks> sinks_;
  std::unique_ptr<transport::UvNode> uv_;

  mutable std::mutex cmd_mu_;
  std::vector<std::function<void()>> commands_;

  mutable std::mutex state_mu_;  // guards view_, stats_, identity_, watches_, bound_
  std::condition_variable state_cv_;
  std::shared_ptr<const View> view_;
  NodeStats stats_;
  serf::Identity identity_;
  std::vector<std::shared_ptr<Watch>> watches_;
  Address bound_;

  // Loop-thread state.
  std::uint64_t seen_changes_ = ~std::uint64_t{0};
  bool dirty_ = true;
  std::uint64_t view_version_ = 0;
  std::int64_t last_publish_ms_ = 0;  // the latest new View
  std::int64_t last_seen_ms_ = 0;     // the latest last_seen update (new View or in place)

  std::shared_ptr<Node> keepalive_;  // host-loop nodes: until the last handle closes
  std::atomic<bool> started_{false};
  std::atomic<bool> closed_{false};
  std::atomic<bool> loop_done_{false};
};

}  // namespace wkd::runtime
