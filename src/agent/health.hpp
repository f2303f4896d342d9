// The agent's own health as GET /v1/health reports it.
//
//   critical (503): the node is leaving or has left; seeds are configured
//                   and no peer ever answered; Lifeguard awareness is at
//                   half its maximum or more; the application says critical
//   warning  (429): awareness above zero; the application says warning;
//                   the snapshot was unusable at start and was moved aside
//   passing  (200): none of the above
//
// Every rule that holds is named in `reasons`, worst first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wkd::agent {

enum class AgentHealth : std::uint8_t { passing, warning, critical };
const char* agent_health_name(AgentHealth h) noexcept;
// 200, 429 or 503.
int agent_health_http_status(AgentHealth h) noexcept;

struct HealthInputs {
  bool leaving = false;
  bool left = false;
  bool seeds_configured = false;
  bool any_seed_answered = false;
  int awareness = 0;      // Lifeguard health score, 0 = healthy
  int awareness_max = 8;  // memberlist's AwarenessMaxMultiplier
  std::string own_health = "passing";  // passing, warning, critical (the application's)
  // Set when the snapshot file was unusable at start (and moved aside):
  // what was wrong. It stays a warning for the agent's lifetime.
  std::string snapshot_problem;
  // Set while the API registrations file is unusable (moved aside at start)
  // or cannot be written: what is wrong. Cleared by the next good write.
  std::string registrations_problem;
};

struct HealthReport {
  AgentHealth status = AgentHealth::passing;
  std::vector<std::string> reasons;
};

HealthReport evaluate_health(const HealthInputs& in);

}  // namespace wkd::agent
