#include "agent/health.hpp"

namespace wkd::agent {

const char* agent_health_name(AgentHealth h) noexcept {
  switch (h) {
    case AgentHealth::passing: return "passing";
    case AgentHealth::warning: return "warning";
    case AgentHealth::critical: return "critical";
  }
  return "critical";
}

int agent_health_http_status(AgentHealth h) noexcept {
  switch (h) {
    case AgentHealth::passing: return 200;
    case AgentHealth::warning: return 429;
    case AgentHealth::critical: return 503;
  }
  return 503;
}

HealthReport evaluate_health(const HealthInputs& in) {
  HealthReport r;
  std::vector<std::string> critical, warning;
  if (in.left) {
    critical.push_back("the node has left the cluster");
  } else if (in.leaving) {
    critical.push_back("the node is leaving the cluster");
  }
  if (in.seeds_configured && !in.any_seed_answered) {
    critical.push_back("seeds are configured but no peer has answered yet");
  }
  const std::string awareness = "Lifeguard awareness is " + std::to_string(in.awareness) + " of " +
                                std::to_string(in.awareness_max);
  if (in.awareness_max > 0 && 2 * in.awareness >= in.awareness_max) {
    critical.push_back(awareness + " (half the maximum or more)");
  } else if (in.awareness > 0) {
    warning.push_back(awareness);
  }
  if (in.own_health == "critical") {
    critical.push_back("the node's own health is critical");
  } else if (in.own_health == "warning") {
    warning.push_back("the node's own health is warning");
  }
  if (!in.snapshot_problem.empty()) warning.push_back(in.snapshot_problem);
  if (!in.registrations_problem.empty()) warning.push_back(in.registrations_problem);
  if (!critical.empty()) {
    r.status = AgentHealth::critical;
  } else if (!warning.empty()) {
    r.status = AgentHealth::warning;
  }
  r.reasons = std::move(critical);
  r.reasons.insert(r.reasons.end(), warning.begin(), warning.end());
  return r;
}

}  // namespace wkd::agent
