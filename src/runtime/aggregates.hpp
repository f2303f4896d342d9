// The registry's aggregates, computed from one ServicesView so that every
// figure of an answer is read at one version: a status summary per
// service, the aggregated health of a service (its instances and its
// dependencies), the platform's health, and the dependency graph.
//
// Which statuses count where (a summary):
//   total      every status but DEREGISTERED (tombstones are audit, not
//              instances): STARTING, HEALTHY, UNHEALTHY, DRAINING, DOWN;
//   healthy    HEALTHY (passing or warning): the instances selection may
//              hand out;
//   unhealthy  total - healthy: STARTING, UNHEALTHY, DRAINING, DOWN, the
//              instances that take no traffic;
//   overall    UP when at least one instance is HEALTHY, else DOWN.
//
// A service's aggregated health: DOWN when it has no HEALTHY instance or a
// required dependency is unhealthy (it blocks the service); DEGRADED when
// it is up but a dependency that is not required is unhealthy; UP
// otherwise.
//
// The platform's health, over every service that has an instance (not
// DEREGISTERED) or declares a dependency: UP when every one is UP (an
// empty registry included), DOWN when there is at least one and none is
// UP or DEGRADED, DEGRADED otherwise. A service that is only depended on,
// with no instance, is not counted itself: the dependencies on it are
// unhealthy and count against their services.
//
// The graph's nodes are every service named by an instance or a
// dependency (both ends), sorted; its edges are the dependencies, each
// judged as dependency_health judges it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/services.hpp"

namespace wkd::runtime {

enum class Health : std::uint8_t { up, down, degraded };

struct ServiceSummary {
  std::string service;
  std::size_t total = 0;
  std::size_t healthy = 0;
  std::size_t unhealthy = 0;
  Health overall = Health::down;
};

// The summary of `service`; nullopt when it has no instance that is not
// DEREGISTERED (an unknown service).
std::optional<ServiceSummary> summarize(const ServicesView& view, const std::string& service);
// The summary of every service of view.services(), in that order.
std::vector<ServiceSummary> summarize_all(const ServicesView& view);

struct ServiceHealth {
  ServiceSummary instances;  // an empty summary (DOWN) when it has none
  std::vector<DependencyHealth> dependencies;
  std::size_t healthy_dependencies = 0;
  std::size_t blocking_dependencies = 0;  // required and unhealthy
  Health status = Health::down;
};

// nullopt when `service` has neither an instance (not DEREGISTERED) nor a
// dependency of its own.
std::optional<ServiceHealth> service_health(const ServicesView& view, const std::string& service);

struct PlatformHealth {
  std::size_t services = 0;
  std::size_t services_up = 0;
  std::size_t services_degraded = 0;
  std::size_t services_down = 0;
  std::size_t dependencies = 0;
  std::size_t unhealthy_dependencies = 0;
  std::size_t blocking_dependencies = 0;  // required and unhealthy
  Health status = Health::up;
};

PlatformHealth platform_health(const ServicesView& view);

struct GraphEdge {
  DependencyHealth dependency;
  std::size_t from = 0;  // index in DependencyGraph::services of the dependent
  std::size_t to = 0;    // and of the service it depends on
};

struct DependencyGraph {
  std::vector<std::string> services;  // sorted
  std::vector<GraphEdge> edges;       // by (from, to) names
};

DependencyGraph dependency_graph(const ServicesView& view);

}  // namespace wkd::runtime
