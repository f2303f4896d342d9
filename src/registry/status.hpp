// The lifecycle status of a service instance and the state of its last
// health check, and the one mapping between them.
//
// InstanceStatus is what selection and the REST API speak (STARTING,
// HEALTHY, UNHEALTHY, DRAINING, DOWN, DEREGISTERED); CheckState is what a
// health check reports and what Consul-style clients speak (passing,
// warning, critical). A check result moves only the check-driven statuses;
// the others are set by an operator or by the store:
//
//   status before  | passing   | warning          | critical
//   ---------------+-----------+------------------+----------
//   STARTING       | HEALTHY   | HEALTHY          | UNHEALTHY
//   HEALTHY        | HEALTHY   | HEALTHY          | UNHEALTHY
//   UNHEALTHY      | HEALTHY   | HEALTHY          | UNHEALTHY
//   DRAINING       | DRAINING  | DRAINING         | DRAINING
//   DOWN           | DOWN      | DOWN             | DOWN
//   DEREGISTERED   | DEREGISTERED (terminal; a new registration is a new record)
//
// Warning is HEALTHY with the check state `warning`: the instance is
// selected, after the passing ones. Only HEALTHY instances are selectable.
// Seen the other way (a Consul-style client asking passing/warning/
// critical of an instance), HEALTHY shows its check state and every other
// status shows `critical`. Thresholds (how many failures before a check
// counts as critical) are the health checker's policy, applied before it
// reports a state here. docs/registry.md has the same table.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wkd::registry {

enum class InstanceStatus : std::uint8_t {
  starting,      // registered, no check has passed yet
  healthy,       // the last check passed or warned
  unhealthy,     // the last check was critical
  draining,      // set by an operator: finish work, take no new traffic
  down,          // set by the store: the owner node failed or is unreachable
  deregistered,  // a tombstone, kept for audit until retention expires
};

enum class CheckState : std::uint8_t { passing, warning, critical };

// "STARTING", "HEALTHY", ... (upper case, as the REST API prints them).
const char* status_name(InstanceStatus s) noexcept;
// Case-insensitive; nullopt for anything else.
std::optional<InstanceStatus> parse_status(std::string_view text) noexcept;

// "passing", "warning", "critical".
const char* check_state_name(CheckState c) noexcept;
// Case-insensitive; nullopt for anything else.
std::optional<CheckState> parse_check_state(std::string_view text) noexcept;

// The table above: the status after a check reported `check`.
InstanceStatus status_after_check(InstanceStatus current, CheckState check) noexcept;

// The check state a Consul-style client sees: `check` when HEALTHY,
// critical otherwise.
CheckState check_state_view(InstanceStatus status, CheckState check) noexcept;

// Whether checks move this status (STARTING, HEALTHY, UNHEALTHY).
bool is_check_driven(InstanceStatus s) noexcept;
// Whether selection may hand this instance out (HEALTHY only).
bool is_selectable(InstanceStatus s) noexcept;
// DEREGISTERED: nothing moves it again.
bool is_terminal(InstanceStatus s) noexcept;

}  // namespace wkd::registry
