// SimCluster: the test DSL for whole clusters in virtual time, after
// Tarantool's swim_cluster_* helpers.
//
//   SimCluster c(50, seed);                 // n0..n49 at 127.0.x.y:7946, LAN preset
//   c.start_all();
//   c.join_all_to(0);
//   ASSERT_TRUE(c.wait_converged(seconds(30))) << c.describe();
//   c.kill(7);
//   ASSERT_TRUE(c.wait_state_everywhere(7, NodeState::dead, seconds(60)));
//
// Nodes are indices 0..n-1, named "n<i>", at loopback-range addresses used
// purely as simulated addresses (no socket is opened). Every engine, the
// network and its faults draw from `seed`, so a run is reproducible from
// it: trace_hash() fingerprints everything delivered. The constructor notes
// the seed, so a failing GoogleTest prints WKD_SIM_SEED=<seed>.
//
// Waits return whether their condition became true within the virtual
// limit; they check it every `poll` of virtual time (10 ms by default), so
// the time they stop at is exact to that. Nothing sleeps.
//
// Fates. A node is idle until started, then running; pause() freezes it
// (SIGSTOP), kill() removes it (crash), leave() runs a graceful leave and
// then shuts it down. "Live" nodes — started, not killed, not left; paused
// ones included — are the ones convergence is about.
//
// The timeline of member events (joins, deaths, departures, as each node
// saw them) is kept, and false_failures() counts the times a node that was
// neither killed nor gone was declared dead by another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/time.hpp"
#include "support/sim_clock.hpp"
#include "support/sim_member.hpp"
#include "support/sim_network.hpp"
#include "swim/config.hpp"
#include "swim/node_state.hpp"
#include "wire/keyring.hpp"
#include "wire/messages.hpp"

namespace wkd::swim {
class Memberlist;
}
namespace wkd::serf {
struct Config;
}

namespace wkd::sim {

class MemberlistNode;
class CoreNode;

enum class Preset : std::uint8_t { lan, wan, local };

// The engine each node runs.
// core: the whole pure core of a wkd node (core::Core), as libwkd runs it.
enum class Engine : std::uint8_t { memberlist, serf, core };

struct ClusterOptions {
  Preset preset = Preset::lan;
  Engine engine = Engine::memberlist;
  NetOptions net;
  // Per-node adjustment of the memberlist configuration (after the preset,
  // name, address and label are set).
  std::function<void(std::size_t, swim::Config&)> configure;
  // Engine::serf and Engine::core: adjustment of the serf configuration, whose
  // `memberlist` member is already set as above.
  std::function<void(std::size_t, serf::Config&)> configure_serf;
  // Engine::core: called once node i's core exists, before it starts (to
  // enable the registry or add parts).
  std::function<void(std::size_t, CoreNode&)> configure_core;
  std::string label;        // cluster label for every node
  std::vector<Bytes> keys;  // keyring for every node (first = primary)
  std::uint16_t port = 7946;
  Duration poll = milliseconds(10);  // how often waits check their condition
  // Keep join and update events in the timeline too (n^2 of them in a
  // cluster that forms); deaths and departures are always kept.
  bool record_joins = false;
};

// One membership change as a node saw it.
struct TimelineEvent {
  TimePoint at;
  std::size_t observer;
  std::size_t subject;  // kNone when the name is not a cluster node
  MemberEvent event;
  swim::NodeState state;
  std::uint32_t incarnation;
  bool subject_up;  // the subject was neither killed nor gone at the time
};

class SimCluster {
 public:
  static constexpr std::size_t kAny = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

  enum class Fate : std::uint8_t { idle, running, paused, killed, left };

  SimCluster(std::size_t n, std::uint64_t seed, Preset preset = Preset::lan);
  SimCluster(std::size_t n, std::uint64_t seed, ClusterOptions opts);
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  std::size_t size() const noexcept { return members_.size(); }
  std::uint64_t seed() const noexcept { return seed_; }
  static std::string name_of(std::size_t i);
  static Address address_of(std::size_t i, std::uint16_t port = 7946);
  const Address& address(std::size_t i) const;
  std::size_t index_of(std::string_view name) const noexcept;  // kNone if not a node

  // ---- lifecycle ----
  void start(std::size_t i);
  void start_all();
  // i joins through j (push/pull with j). Starts i if idle.
  void join(std::size_t i, std::size_t j);
  // Every other node joins through j, all at the same instant.
  void join_all_to(std::size_t j);
  // Starts nodes 0..count-1 (every node by default) and makes them a
  // converged cluster at once, with no join traffic: each adopts every
  // other as alive (swim::Memberlist::adopt_members). Later nodes stay
  // idle. For measurements of a formed cluster that must not pay for, or
  // include, forming it.
  void start_converged(std::size_t count = kAny);
  // Peers that answered i's last join; nullopt while it runs.
  std::optional<int> join_result(std::size_t i) const;
  // Graceful leave; once done (or after `timeout`), the node shuts down.
  void leave(std::size_t i, Duration timeout = seconds(5));
  bool leave_finished(std::size_t i) const;
  // Every node of the cluster has finished its leave (a whole cluster leaving).
  bool all_leaves_finished() const;
  // Whether the finished leave got its broadcast out (false: it timed out).
  bool leave_clean(std::size_t i) const;
  void kill(std::size_t i);
  // A killed node starts again as a new process: the same name and
  // address, none of its state, made by `with` (the cluster's options by
  // default: pass others to change what a restart keeps, such as the
  // registry's generation). It is idle until start() or join().
  void restart(std::size_t i, const ClusterOptions* with = nullptr);
  void pause(std::size_t i);
  void resume(std::size_t i);
  void slow(std::size_t i, double factor);
  Fate fate(std::size_t i) const { return nodes_.at(i).fate; }
  bool is_live(std::size_t i) const;

  // ---- network ----
  void set_loss(double p) { net_.set_loss(p); }
  void set_link(std::size_t from, std::size_t to, const LinkSpec& spec);
  void partition(const std::vector<std::vector<std::size_t>>& groups);
  void block(std::size_t i);
  void heal() { net_.heal(); }
  // Drops every datagram from `from` to `to` (kAny: any node) carrying a
  // memberlist message of `type`, seen through the cluster's label and keys.
  SimNetwork::FilterId drop_messages(std::size_t from, std::size_t to, wire::MsgType type);
  SimNetwork::FilterId add_filter(SimNetwork::DropFilter f) { return net_.add_filter(std::move(f)); }
  void remove_filter(SimNetwork::FilterId id) { net_.remove_filter(id); }

  // ---- time ----
  void run_for(Duration d) { clock_.run_for(d); }
  TimePoint now() const noexcept { return clock_.now(); }
  // Virtual time since the cluster was made.
  Duration elapsed() const noexcept { return clock_.now() - TimePoint{}; }
  bool wait_until(const std::function<bool()>& pred, Duration limit);
  // Every live node sees every other live node alive.
  bool wait_converged(Duration limit);
  // Every live node other than `subject` sees it in exactly `state`.
  bool wait_state_everywhere(std::size_t subject, swim::NodeState state, Duration limit);
  bool wait_state(std::size_t observer, std::size_t subject, swim::NodeState state, Duration limit);

  // ---- views ----
  bool converged() const;
  bool state_everywhere(std::size_t subject, swim::NodeState state) const;
  std::optional<swim::NodeState> state_of(std::size_t observer, std::size_t subject) const;
  std::optional<std::uint32_t> incarnation_of(std::size_t observer, std::size_t subject) const;
  struct Row {
    std::string name;
    swim::NodeState state;
    std::uint32_t incarnation;
  };
  std::vector<Row> member_view(std::size_t i) const;
  // A readable summary of every node's view, for assertion messages.
  std::string describe() const;

  // ---- accounting ----
  std::uint64_t trace_hash() const noexcept { return net_.trace_hash(); }
  const std::vector<TimelineEvent>& timeline() const noexcept { return timeline_; }
  // Times a node declared another dead while that one was neither killed
  // nor gone (subjects in `except` are not counted).
  std::size_t false_failures(const std::vector<std::size_t>& except = {}) const;
  // The most distinct nodes that declared any one such node dead: 1 means
  // every false death stayed one node's mistake, never confirmed by another.
  std::size_t max_false_accusers(const std::vector<std::size_t>& except = {}) const;
  // Those events, one per line ("t=12345 ms: n3 declared n7 dead (inc 2)"),
  // for assertion messages.
  std::string describe_false_failures(const std::vector<std::size_t>& except = {}) const;
  // Earliest time each other live node saw `subject` in `state` at or
  // after `since`; the latest of those, or nullopt if some never did.
  std::optional<TimePoint> seen_everywhere_at(std::size_t subject, swim::NodeState state, TimePoint since) const;
  // Warnings and errors logged by all engines.
  std::uint64_t log_count(LogLevel level) const;

  // ---- access ----
  SimMember& member(std::size_t i) { return *members_.at(i); }
  const SimMember& member(std::size_t i) const { return *members_.at(i); }
  // The memberlist of node i (the engine's own, or the one under Serf).
  swim::Memberlist& memberlist(std::size_t i);
  SimNetwork& net() noexcept { return net_; }
  SimClock& clock() noexcept { return clock_; }

 private:
  struct Slot {
    Fate fate = Fate::idle;
    std::optional<int> joined;
    bool leave_done = false;
    bool leave_clean = false;
    std::uint32_t lives = 0;  // how many times the node was made
  };

  std::unique_ptr<SimMember> make_member(std::size_t i, NodeId id, const ClusterOptions& o);

  void record(std::size_t observer, MemberEvent e, const MemberView& v);
  void shut_down(std::size_t i);
  template <class F>
  bool call(std::size_t i, F&& fn) {
    return net_.call(static_cast<NodeId>(i), [&](SimNode&, TimePoint now) { fn(now); });
  }

  std::uint64_t seed_;
  // The observer and subject of the last failed convergence check: while a
  // cluster converges, the same pair tends to fail again, and checking it
  // first makes most checks O(1) instead of O(n^2).
  mutable std::size_t unconverged_observer_ = kNone, unconverged_subject_ = kNone;
  mutable std::size_t short_observer_ = kNone;  // the same for the member count
  ClusterOptions opts_;
  SimClock clock_;
  SimNetwork net_;
  wire::Keyring ring_;
  std::vector<std::unique_ptr<SimMember>> members_;
  std::vector<Slot> nodes_;
  std::vector<TimelineEvent> timeline_;
};

}  // namespace wkd::sim
