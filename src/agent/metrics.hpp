// GET /v1/agent/metrics: the node's statistics in the Prometheus text
// exposition format (version 0.0.4), one HELP and TYPE line per family.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "health/checker.hpp"
#include "registry/replica.hpp"
#include "registry/status.hpp"
#include "runtime/node.hpp"

namespace wkd::agent {

// The service registry's figures: the instances this node's view holds by
// status, the services, the health checker's and the replica's counters.
struct RegistryFigures {
  // Indexed by registry::InstanceStatus (STARTING .. DEREGISTERED).
  std::array<std::uint64_t, 6> instances_by_status{};
  std::uint64_t services = 0;
  health::CheckerStats checks;
  registry::ReplicaStats replica;
};

struct MetricsInputs {
  std::string node;
  std::string version;
  runtime::NodeStats stats;
  std::uint64_t http_requests = 0;
  std::uint64_t http_connections = 0;
  int awareness_max = 8;
  bool has_registry = false;  // false: the registry families are left out
  RegistryFigures registry;
};

std::string prometheus_text(const MetricsInputs& in);

// Reads the registry figures of a started node: its view's instances and
// services, then the checker's and the replica's counters (waiting for the
// node's loop). False when the node cannot answer (not started, closed).
bool collect_registry_figures(runtime::Node& node, RegistryFigures* out);

// The Content-Type that goes with it.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace wkd::agent
