// wkd::health::Checker — the health checks of one node's own instances,
// wired to its registry.
//
// The checker owns the scheduler (scheduler.hpp) and applies what it
// decides to the node's replica: every instance state a result reports
// goes to Replica::apply_check (which replicates a change of status only),
// and an instance critical for too long is deregistered. The runs
// themselves are performed by a Runner, the node's I/O: HTTP requests, TCP
// connects, gRPC calls and scripts on the node's loop. An alias check
// needs no I/O and is judged here from the registry: passing while the
// aliased service has a HEALTHY instance whose check passes, warning while
// its best is HEALTHY with a warning, critical otherwise.
//
// Checks belong to instances this node owns: adding one to an instance
// that is not registered here is refused, and deregistering an instance
// (remove_instance) drops its checks.
//
// Node checks (add_node_check) belong to the node itself: the same kinds,
// specs and thresholds, kept in the scheduler under a reserved key
// (node_checks_key(): an empty service name, which no registration can
// have), so their reports never reach the registry and they cannot be
// deregistered (deregister_critical_after must be 0). node_state() is the
// worst state they report (passing while none has reported) and, when
// NodeHealthOptions::feed_instances is set, the worst state of the
// instances' checks as well, through a Hysteresis (node_health.hpp): it
// counts only once it has held for the hold-down time.
//
// Every instance whose reported state turns critical is queued for the
// node's self-healing hook (take_criticals), with the output of the check
// that made it so. The checker has the shape of a core::Part. Pure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/rng.hpp"
#include "common/time.hpp"
#include "health/node_health.hpp"
#include "health/scheduler.hpp"
#include "registry/replica.hpp"

namespace wkd::health {

// Performs runs. start() is called from inside a core entry and must not
// call back into the checker from there: the result comes later, through
// Checker::complete() in an entry of its own, by the run's deadline or it
// counts as timed out (a late result is ignored).
class Runner {
 public:
  virtual ~Runner() = default;
  virtual void start(const Run& run) = 0;
};

struct CheckerStats {
  std::uint64_t runs = 0;            // handed to the runner or judged here
  std::uint64_t results = 0;         // completed in time
  std::uint64_t status_changes = 0;  // reports that moved an instance's state
  std::uint64_t deregistrations = 0;
};

struct NodeHealthOptions {
  // Let the worst state of the instances' checks count in node_state().
  bool feed_instances = false;
  // How long that state must hold before it counts (a recovery too).
  Duration hold = std::chrono::seconds(30);
};

// An instance whose reported state turned critical.
struct TurnedCritical {
  registry::InstanceKey instance;
  std::string check;   // a check of it that reports critical
  std::string output;  // that check's last output
};

class Checker {
 public:
  // `start` anchors the wall clock for the records the checker changes
  // from its timers.
  Checker(registry::Replica& replica, Runner& runner, Rng& rng, const registry::Now& start);

  // A check for an instance this node owns and has not deregistered
  // (Err::not_found, Err::not_owner otherwise); the spec as
  // Scheduler::add takes it.
  Status add(const registry::Now& now, const registry::InstanceKey& instance, CheckSpec spec);
  std::size_t remove(const registry::InstanceKey& instance, const std::string& check);
  // Makes `specs` the instance's checks, as a registration that lists its
  // checks does: a check whose spec is unchanged keeps running with its
  // counters, a changed one starts again, and checks not listed go. Every
  // spec is checked first (their ids unique, an empty id being the kind's
  // name): on a refusal, naming `checks[i]` and the field, nothing
  // changes.
  Status set_checks(const registry::Now& now, const registry::InstanceKey& instance, std::vector<CheckSpec> specs);
  std::size_t remove_instance(const registry::InstanceKey& instance);
  Status report_ttl(const registry::Now& now, const CheckKey& key, CheckResult result);
  // Runs the instance's checks now (Scheduler::run_now): their runs start
  // at the next timer, their results come as any run's. Refused as add()
  // is (Err::not_found, Err::not_owner), and Err::not_found when the
  // instance has no check that runs (only TTL checks, or none). *checks:
  // how many will run.
  Status run_now(const registry::Now& now, const registry::InstanceKey& instance, std::size_t* checks);

  // ---- the node's own checks ----
  // Refused: an invalid spec (naming the field), an id the node's checks
  // have already, deregister_critical_after other than 0.
  Status add_node_check(const registry::Now& now, CheckSpec spec);
  std::size_t remove_node_check(const std::string& check);
  std::vector<std::string> node_checks() const { return sched_.checks_of(node_checks_key()); }
  void set_node_health_options(const registry::Now& now, NodeHealthOptions opts);
  const NodeHealthOptions& node_health_options() const noexcept { return node_opts_; }
  // The worst state the node's checks report (passing while none has
  // reported), and, when fed, the instances' held worst state.
  CheckState node_state() const;
  // The worst state the node's own checks report, alone.
  CheckState node_checks_state() const;
  // The worst state the instances' checks report now (before the hold).
  CheckState instances_state() const;

  // Instances that turned critical since the last call, in order (at most
  // kMaxTurnedCritical are kept; the oldest go first).
  static constexpr std::size_t kMaxTurnedCritical = 1024;
  std::vector<TurnedCritical> take_criticals() { return std::exchange(criticals_, {}); }
  // A run's result from the runner; false when it is no longer awaited.
  bool complete(const registry::Now& now, std::uint64_t run, CheckResult result);

  const Scheduler& scheduler() const noexcept { return sched_; }
  const CheckerStats& stats() const noexcept { return stats_; }

  // ---- the core::Part shape ----
  TimePoint next_deadline() const { return std::min(sched_.next_deadline(), held_.next_deadline()); }
  void on_timer(TimePoint now);

 private:
  // Err::not_found or Err::not_owner for an instance this node cannot
  // check.
  Status add_allowed(const registry::InstanceKey& instance) const;
  void anchor(const registry::Now& now);
  registry::Now now_at(TimePoint t) const;
  CheckResult judge_alias(const CheckSpec& spec) const;
  // Applies the scheduler's reports and deregistrations to the replica.
  void settle(TimePoint now);
  // An instance's state for the node's health: nullopt when it has none.
  void set_instance_state(TimePoint now, const registry::InstanceKey& instance, std::optional<CheckState> s);
  void queue_critical(const registry::InstanceKey& instance);

  registry::Replica& replica_;
  Runner& runner_;
  Scheduler sched_;
  CheckerStats stats_;
  TimePoint anchor_mono_{};
  std::int64_t anchor_wall_ = 0;
  NodeHealthOptions node_opts_;
  std::map<registry::InstanceKey, CheckState> instance_states_;  // the last each reported
  Hysteresis held_{node_opts_.hold};
  std::vector<TurnedCritical> criticals_;
};

}  // namespace wkd::health
