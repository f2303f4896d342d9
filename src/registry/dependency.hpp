// Dependencies between services, keyed by (service, dependsOn), and the
// judgement of whether a dependency is healthy.
//
// A dependency is healthy when the service it depends on has at least one
// HEALTHY instance whose version lies within [minVersion, maxVersion]
// (both inclusive, semver precedence, each bound optional). When either
// bound is given, instances without a valid version do not count. A
// dependency that is not healthy blocks its service only when it is
// required.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "registry/errors.hpp"
#include "registry/instance.hpp"

namespace wkd::registry {

enum class DependencyType : std::uint8_t { runtime, build, optional, dev };

// "RUNTIME", "BUILD", "OPTIONAL", "DEV".
const char* dependency_type_name(DependencyType t) noexcept;
// Case-insensitive; nullopt for anything else.
std::optional<DependencyType> parse_dependency_type(std::string_view text) noexcept;

inline constexpr std::int64_t kDefaultDependencyTimeoutMs = 5000;
inline constexpr std::int64_t kMaxDependencyTimeoutMs = 600000;  // 10 minutes

struct Dependency {
  std::string service;     // serviceName: the dependent service
  std::string depends_on;  // dependsOn: the service it needs
  DependencyType type = DependencyType::runtime;
  bool required = true;
  std::string min_version;  // semver; empty: no lower bound
  std::string max_version;  // semver; empty: no upper bound
  // An http(s) URL or an absolute path ("/ready") to probe; empty: none.
  std::string health_check_endpoint;
  std::int64_t timeout_ms = kDefaultDependencyTimeoutMs;  // 1-600000

  // The key of its record in the store (kind dependency).
  InstanceKey key() const { return InstanceKey{service, depends_on, RecordKind::dependency}; }
  friend bool operator==(const Dependency&, const Dependency&) = default;
};

// Both names are valid service names and differ; the bounds are semver
// with minVersion <= maxVersion; the endpoint is a URL or an absolute path
// of visible ASCII (at most 2048 bytes); the timeout is 1-600000 ms.
Status validate_dependency(const Dependency& dep);

struct DependencyVerdict {
  bool healthy = false;
  bool blocking = false;         // !healthy && required
  std::size_t instances = 0;     // instances of dependsOn (tombstones left out)
  std::size_t healthy_instances = 0;
  std::size_t matching = 0;      // HEALTHY and within the version bounds
  std::string reason;            // why not healthy; empty when healthy
};

// Judges `dep` from the instances given: those of other services (and
// dependency records) are ignored, so the caller may pass the whole table.
// `dep` must be valid.
DependencyVerdict judge_dependency(const Dependency& dep, std::span<const Instance> instances);
DependencyVerdict judge_dependency(const Dependency& dep, std::span<const Instance* const> instances);

// A dependency record of `dep` (kind dependency, the terms shared), as the
// store keeps and replicates it; the store sets its ownership fields.
Instance dependency_record(Dependency dep);

}  // namespace wkd::registry
