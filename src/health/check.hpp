// A health check of one service instance: what to run, how often, and how
// its results become the state the registry carries.
//
// A check runs every `interval` (the first run at a random point of the
// first interval, so the checks of many instances do not fire together)
// and a run not finished within `timeout` counts as critical. TTL checks
// never run: the application reports their state, and a TTL not renewed
// in time turns them critical. Each run's result passes through the
// thresholds Consul names and means the same way:
//
//   * passing or warning results count as successes; the reported state
//     becomes that result once `success_before_passing` of them came in a
//     row;
//   * critical results count as failures; once `failures_before_critical`
//     came in a row the reported state is critical, and from
//     `failures_before_warning` in a row (when lower) it is warning.
//
// `deregister_critical_after` (0: never) deregisters the instance once the
// check has reported critical that long, and `start_grace` keeps failures
// from being reported until the check first passes or the grace ends, so a
// slow-starting instance stays STARTING instead of turning UNHEALTHY.
//
// The I/O of each kind (HTTP, TCP, gRPC, scripts) runs elsewhere, on the
// node's loop; this file and the scheduler are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.hpp"
#include "registry/errors.hpp"
#include "registry/status.hpp"

namespace wkd::health {

using registry::CheckState;
using registry::Status;

enum class CheckKind : std::uint8_t { http, tcp, grpc, ttl, script, alias };

// "http", "tcp", "grpc", "ttl", "script", "alias".
const char* check_kind_name(CheckKind k) noexcept;
std::optional<CheckKind> parse_check_kind(std::string_view text) noexcept;

inline constexpr std::size_t kMaxCheckId = 128;
inline constexpr std::size_t kMaxOutput = 4096;  // what a run's output keeps

struct CheckSpec {
  // Unique among the checks of its instance: 1-128 visible ASCII bytes;
  // empty: the kind's name.
  std::string id;
  CheckKind kind = CheckKind::http;
  // http: the URL (http:// or https://); grpc: the server, as host:port
  // (cleartext HTTP/2) or a URL without a path, http://host:port
  // (cleartext) or https://host:port (TLS); tcp: host:port; script: the
  // command; alias: the service whose health this check follows; ttl:
  // empty.
  std::string target;
  Duration interval = std::chrono::seconds(10);  // not for ttl
  Duration timeout = std::chrono::seconds(5);    // not for ttl; at most the interval
  Duration ttl{0};                               // ttl only: > 0
  std::uint32_t success_before_passing = 1;      // >= 1
  std::uint32_t failures_before_warning = 0;     // 0: the same as failures_before_critical
  std::uint32_t failures_before_critical = 1;    // >= 1
  Duration deregister_critical_after{0};         // 0: never
  Duration start_grace{0};                       // 0: none

  // http: the request (GET by default).
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // http, grpc over https: the server's certificate goes unverified.
  bool tls_skip_verify = false;
  // grpc: the service name asked for (empty: the server as a whole).
  std::string grpc_service;

  friend bool operator==(const CheckSpec&, const CheckSpec&) = default;
};

// Every refusal names its field ("interval: must be at least 100 ms").
// Intervals are 100 ms to 24 h, timeouts 10 ms up to the interval, the TTL
// 100 ms to 24 h, thresholds 1-1000.
Status validate(const CheckSpec& spec);
// Checks the checks of one instance: each spec, refusals naming
// `checks[i]` and the field, and their ids, unique once an empty id is
// given its kind's name (filled in here).
Status validate_list(std::vector<CheckSpec>& specs);

// How bad a state is: critical (2) over warning (1) over passing (0).
int severity(CheckState s) noexcept;
CheckState worst(CheckState a, CheckState b) noexcept;

// The result of one run, or a TTL report.
struct CheckResult {
  CheckState state = CheckState::critical;
  std::string output;  // kept to kMaxOutput bytes
};

// The thresholds of one check: the counters of results in a row and the
// state they make the check report.
class Thresholds {
 public:
  explicit Thresholds(const CheckSpec& spec) noexcept;

  // Counts one result; returns the state to report now, or nullopt while
  // the thresholds hold the reported state where it was.
  std::optional<CheckState> count(CheckState result) noexcept;

  std::uint32_t successes() const noexcept { return successes_; }
  std::uint32_t failures() const noexcept { return failures_; }

 private:
  std::uint32_t success_before_passing_, failures_before_warning_, failures_before_critical_;
  std::uint32_t successes_ = 0, failures_ = 0;
};

}  // namespace wkd::health
