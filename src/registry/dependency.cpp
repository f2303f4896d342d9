#include "registry/dependency.hpp"

#include <array>

#include "registry/semver.hpp"

namespace wkd::registry {

namespace {

constexpr std::array<const char*, 4> kTypeNames = {"RUNTIME", "BUILD", "OPTIONAL", "DEV"};

char upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

Status check_endpoint(std::string_view field, std::string_view endpoint) {
  if (endpoint.empty() || endpoint.front() != '/') return check_url(field, endpoint);
  if (endpoint.size() > kMaxUrl) {
    return fail(Err::too_large, std::string(field) + ": is " + std::to_string(endpoint.size()) +
                                    " bytes long; the limit is 2048");
  }
  for (char ch : endpoint) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) {
      return invalid(std::string(field) + ": the path has a space, control or non-ASCII byte (percent-encode it)");
    }
  }
  return {};
}

}  // namespace

const char* dependency_type_name(DependencyType t) noexcept {
  const auto i = static_cast<std::size_t>(t);
  return i < kTypeNames.size() ? kTypeNames[i] : "UNKNOWN";
}

std::optional<DependencyType> parse_dependency_type(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    const std::string_view name = kTypeNames[i];
    bool eq = name.size() == text.size();
    for (std::size_t k = 0; eq && k < text.size(); ++k) eq = upper(text[k]) == name[k];
    if (eq) return static_cast<DependencyType>(i);
  }
  return std::nullopt;
}

Status validate_dependency(const Dependency& dep) {
  if (auto st = check_service_name("serviceName", dep.service); !st) return st;
  if (auto st = check_service_name("dependsOn", dep.depends_on); !st) return st;
  if (dep.service == dep.depends_on) return invalid("dependsOn: a service cannot depend on itself");
  if (static_cast<std::size_t>(dep.type) >= kTypeNames.size()) return invalid("type: not RUNTIME, BUILD, OPTIONAL or DEV");
  if (auto st = check_version("minVersion", dep.min_version); !st) return st;
  if (auto st = check_version("maxVersion", dep.max_version); !st) return st;
  if (!dep.min_version.empty() && !dep.max_version.empty() &&
      semver::compare(*semver::parse(dep.min_version), *semver::parse(dep.max_version)) > 0) {
    return invalid("maxVersion: " + dep.max_version + " is lower than minVersion " + dep.min_version);
  }
  if (auto st = check_endpoint("healthCheckEndpoint", dep.health_check_endpoint); !st) return st;
  if (dep.timeout_ms < 1 || dep.timeout_ms > kMaxDependencyTimeoutMs) {
    return invalid("timeoutMs: " + std::to_string(dep.timeout_ms) + " is out of range 1-600000");
  }
  return {};
}

namespace {

template <class Each>
DependencyVerdict judge(const Dependency& dep, Each&& each) {
  std::optional<semver::Version> lo, hi;
  if (auto v = semver::parse(dep.min_version)) lo = std::move(v).value();
  if (auto v = semver::parse(dep.max_version)) hi = std::move(v).value();
  const bool bounded = lo || hi;
  DependencyVerdict out;
  each([&](const Instance& in) {
    if (in.kind != RecordKind::instance || in.service != dep.depends_on) return;
    if (in.status == InstanceStatus::deregistered) return;
    ++out.instances;
    if (in.status != InstanceStatus::healthy) return;
    ++out.healthy_instances;
    if (bounded) {
      auto v = semver::parse(in.version);
      if (!v || (lo && semver::compare(*v, *lo) < 0) || (hi && semver::compare(*v, *hi) > 0)) return;
    }
    ++out.matching;
  });
  out.healthy = out.matching > 0;
  out.blocking = !out.healthy && dep.required;
  if (out.healthy) return out;
  if (out.instances == 0) {
    out.reason = "no instance of " + dep.depends_on + " is registered";
  } else if (out.healthy_instances == 0) {
    out.reason = "no instance of " + dep.depends_on + " is HEALTHY";
  } else {
    out.reason = "no HEALTHY instance of " + dep.depends_on + " has a version within [" +
                 (lo ? dep.min_version : std::string("any")) + ", " + (hi ? dep.max_version : std::string("any")) + "]";
  }
  return out;
}

}  // namespace

DependencyVerdict judge_dependency(const Dependency& dep, std::span<const Instance> instances) {
  return judge(dep, [&](auto&& visit) {
    for (const auto& in : instances) visit(in);
  });
}

DependencyVerdict judge_dependency(const Dependency& dep, std::span<const Instance* const> instances) {
  return judge(dep, [&](auto&& visit) {
    for (const Instance* in : instances) {
      if (in != nullptr) visit(*in);
    }
  });
}

Instance dependency_record(Dependency dep) {
  Instance r;
  r.kind = RecordKind::dependency;
  r.service = dep.service;
  r.id = dep.depends_on;
  r.protocol.clear();
  r.weight = 0;
  r.dependency = std::make_shared<const Dependency>(std::move(dep));
  return r;
}

}  // namespace wkd::registry
