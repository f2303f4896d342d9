// wkd::health::Scheduler — when each health check of a node's own
// instances runs, and what its results make of the instance.
//
// The scheduler is the pure half of the health checker: it decides, the
// node's loop does. on_timer() hands out the runs that are due (each with
// a deadline); the loop performs them (an HTTP request, a TCP connect, a
// script) and gives each result back with complete(). A run not completed
// by its deadline is a critical result ("timed out"). TTL checks are never
// run: report_ttl() sets them, and a TTL not renewed in time makes them
// critical.
//
// Each check's results pass its thresholds (check.hpp); the state an
// instance reports is the worst its checks report (critical over warning
// over passing; a check that has reported nothing yet does not count).
// After every result the instance's state is handed out as a Report, to
// be applied to the registry's record (registry::Store::apply_check, which
// replicates only a change of status and keeps the run's time and failure
// count on the owner). An instance whose check stays critical for that
// check's `deregister_critical_after` is handed out for deregistration and
// its checks are dropped.
//
// Runs of one check never overlap: a run still going when the next is due
// skips that turn. The first run of a check comes at a random point of
// its first interval (the injected Rng), later ones every interval after
// it, so checks added together stay spread out. Pure: time comes with
// every call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/rng.hpp"
#include "common/time.hpp"
#include "health/check.hpp"
#include "registry/instance.hpp"

namespace wkd::health {

struct CheckKey {
  registry::InstanceKey instance;
  std::string check;  // the check's id within its instance
  friend bool operator==(const CheckKey&, const CheckKey&) = default;
  friend auto operator<=>(const CheckKey&, const CheckKey&) = default;
};

// The key the node's own checks (Checker::add_node_check) are kept under:
// an empty service name, which no registration can have.
const registry::InstanceKey& node_checks_key();

// A run to perform now.
struct Run {
  std::uint64_t id = 0;
  CheckKey key;
  std::shared_ptr<const CheckSpec> spec;
  TimePoint deadline{};  // give the result by then, or it counts as timed out
};

// An instance's state after a result.
struct Report {
  registry::InstanceKey instance;
  CheckState state = CheckState::critical;  // the worst its checks report
  bool changed = false;                     // differs from the last report
};

// What the owner can read of a check (never replicated).
struct CheckStatus {
  CheckKind kind = CheckKind::http;
  std::optional<CheckState> reported;  // nullopt: nothing reported yet
  CheckResult last;                    // the last result as it came (output kept)
  TimePoint last_result{};             // TimePoint{} before the first
  std::uint32_t successes = 0, failures = 0;  // in a row
  bool running = false;
};

class Scheduler {
 public:
  explicit Scheduler(Rng& rng) : rng_(rng) {}

  // Adds a check to `instance` (spec.id empty: the kind's name). Refused:
  // an invalid spec (Err::invalid_argument naming the field), an id the
  // instance already has (Err::failed_precondition).
  Status add(TimePoint now, const registry::InstanceKey& instance, CheckSpec spec);
  // Drops one check, or every check of an instance (a deregistration);
  // their runs in flight are forgotten. Returns how many went.
  std::size_t remove(const registry::InstanceKey& instance, const std::string& check);
  std::size_t remove_instance(const registry::InstanceKey& instance);

  // A TTL check's state from the application (the note is its output);
  // restarts its TTL. Err::not_found, or Err::failed_precondition for a
  // check that is not a TTL check.
  Status report_ttl(TimePoint now, const CheckKey& key, CheckResult result);
  // A run's result. A run unknown here (timed out, or its check removed)
  // is ignored: returns false.
  bool complete(TimePoint now, std::uint64_t run, CheckResult result);

  // Brings the next run of each of the instance's checks that run (every
  // kind but TTL) forward to `now`, so on_timer(now) hands them out; a
  // check with a run in flight keeps it (runs never overlap). The
  // interval counts afresh from that run. Returns how many checks of the
  // instance run (0: none, or only TTL checks).
  std::size_t run_now(TimePoint now, const registry::InstanceKey& instance);

  TimePoint next_deadline() const;
  // Times out late runs, expires TTLs, deregisters what stayed critical
  // too long, and returns the runs due now.
  std::vector<Run> on_timer(TimePoint now);

  // Reports and deregistrations since the last call, in order.
  std::vector<Report> take_reports();
  std::vector<registry::InstanceKey> take_deregistrations();

  const CheckStatus* status(const CheckKey& key) const;
  // The spec a check runs with (its id filled in), or nullptr.
  const CheckSpec* spec(const CheckKey& key) const;
  // The ids of an instance's checks, in order.
  std::vector<std::string> checks_of(const registry::InstanceKey& instance) const;
  std::size_t size() const noexcept { return checks_.size(); }
  std::size_t running() const noexcept { return runs_.size(); }

 private:
  struct Check {
    Check(CheckKey k, std::shared_ptr<const CheckSpec> s) : key(std::move(k)), spec(std::move(s)), thresholds(*spec) {}
    CheckKey key;
    std::shared_ptr<const CheckSpec> spec;
    Thresholds thresholds;
    CheckStatus status;
    TimePoint next_run = TimePoint::max();     // or the TTL's expiry
    TimePoint run_deadline = TimePoint::max();  // of the run in flight
    std::uint64_t run = 0;                      // the run in flight (0: none)
    TimePoint deregister_at = TimePoint::max();
    TimePoint grace_end = TimePoint::min();
    std::optional<CheckState> held;  // a critical state the grace kept back
    bool passed = false;             // reported a non-critical state once
    TimePoint due = TimePoint::max();
  };
  using Checks = std::map<CheckKey, Check>;

  void schedule(Checks::iterator it);
  void unschedule(Checks::iterator it);
  void result(TimePoint now, Checks::iterator it, CheckResult r, bool counted);
  void set_reported(TimePoint now, Check& c, CheckState s);
  void report(const registry::InstanceKey& instance);
  Checks::iterator erase(Checks::iterator it);

  Rng& rng_;
  Checks checks_;
  std::set<std::pair<TimePoint, CheckKey>> timers_;
  std::map<std::uint64_t, CheckKey> runs_;
  std::uint64_t next_run_id_ = 1;
  // The last state reported per instance.
  std::map<registry::InstanceKey, CheckState> instance_state_;
  std::vector<Report> reports_;
  std::vector<registry::InstanceKey> deregistrations_;
};

}  // namespace wkd::health
