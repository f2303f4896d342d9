#include "registry/dependency.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace wkd::registry {
namespace {

Dependency dep(std::string min = "", std::string max = "") {
  Dependency d;
  d.service = "checkout";
  d.depends_on = "payments";
  d.min_version = std::move(min);
  d.max_version = std::move(max);
  return d;
}

Instance inst(std::string service, std::string id, InstanceStatus status, std::string version) {
  Instance in;
  in.service = std::move(service);
  in.id = std::move(id);
  in.host = "127.0.0.1";
  in.port = 80;
  in.status = status;
  in.version = std::move(version);
  return in;
}

TEST(RegistryDependency, TypeNames) {
  for (auto t : {DependencyType::runtime, DependencyType::build, DependencyType::optional, DependencyType::dev}) {
    EXPECT_EQ(parse_dependency_type(dependency_type_name(t)), t);
  }
  EXPECT_EQ(parse_dependency_type("optional"), DependencyType::optional);
  EXPECT_FALSE(parse_dependency_type("TEST").has_value());
  EXPECT_FALSE(parse_dependency_type("").has_value());
}

TEST(RegistryDependency, Validation) {
  Dependency ok = dep("1.0.0", "2.0.0");
  ok.health_check_endpoint = "/ready";
  EXPECT_TRUE(validate_dependency(ok).ok()) << validate_dependency(ok).message();
  ok.health_check_endpoint = "https://payments.example/ready";
  ok.min_version = ok.max_version = "2.0.0";
  ok.timeout_ms = 600000;
  EXPECT_TRUE(validate_dependency(ok).ok());
  EXPECT_EQ(dep().key(), (InstanceKey{"checkout", "payments", RecordKind::dependency}));

  struct Case {
    const char* field;
    std::function<void(Dependency&)> spoil;
  };
  const Case cases[] = {
      {"serviceName", [](Dependency& d) { d.service = "status"; }},
      {"dependsOn", [](Dependency& d) { d.depends_on = "Pay"; }},
      {"dependsOn", [](Dependency& d) { d.depends_on = d.service; }},
      {"type", [](Dependency& d) { d.type = static_cast<DependencyType>(9); }},
      {"minVersion", [](Dependency& d) { d.min_version = "1"; }},
      {"maxVersion", [](Dependency& d) { d.max_version = "2.0"; }},
      {"maxVersion", [](Dependency& d) { d.min_version = "2.0.0", d.max_version = "2.0.0-rc.1"; }},
      {"healthCheckEndpoint", [](Dependency& d) { d.health_check_endpoint = "ready"; }},
      {"healthCheckEndpoint", [](Dependency& d) { d.health_check_endpoint = "/re ady"; }},
      {"healthCheckEndpoint", [](Dependency& d) { d.health_check_endpoint = "/" + std::string(2048, 'p'); }},
      {"timeoutMs", [](Dependency& d) { d.timeout_ms = 0; }},
      {"timeoutMs", [](Dependency& d) { d.timeout_ms = 600001; }},
  };
  for (const auto& c : cases) {
    Dependency d = dep();
    c.spoil(d);
    const auto st = validate_dependency(d);
    ASSERT_FALSE(st.ok()) << c.field;
    EXPECT_EQ(st.message().rfind(std::string(c.field) + ": ", 0), 0u) << st.message();
  }
}

TEST(RegistryDependency, HealthyWhenAHealthyInstanceIsWithinTheBounds) {
  const std::vector<Instance> table = {
      inst("payments", "p1", InstanceStatus::healthy, "1.4.0"),
      inst("payments", "p2", InstanceStatus::unhealthy, "2.5.0"),
      inst("payments", "p3", InstanceStatus::healthy, ""),
      inst("other", "o1", InstanceStatus::healthy, "2.5.0"),
      inst("payments", "p4", InstanceStatus::deregistered, "2.5.0"),
  };
  auto v = judge_dependency(dep(), table);
  EXPECT_TRUE(v.healthy);
  EXPECT_FALSE(v.blocking);
  EXPECT_EQ(v.instances, 3u);
  EXPECT_EQ(v.healthy_instances, 2u);
  EXPECT_EQ(v.matching, 2u);  // no bounds: unversioned p3 counts
  EXPECT_EQ(v.reason, "");

  v = judge_dependency(dep("1.0.0", "1.4.0"), table);  // both bounds inclusive
  EXPECT_TRUE(v.healthy);
  EXPECT_EQ(v.matching, 1u);

  v = judge_dependency(dep("1.4.1"), table);
  EXPECT_FALSE(v.healthy);
  EXPECT_TRUE(v.blocking);
  EXPECT_EQ(v.reason, "no HEALTHY instance of payments has a version within [1.4.1, any]");

  v = judge_dependency(dep("", "1.3.9"), table);
  EXPECT_FALSE(v.healthy);
  EXPECT_EQ(v.reason, "no HEALTHY instance of payments has a version within [any, 1.3.9]");

  v = judge_dependency(dep("2.0.0", "3.0.0"), table);  // p2 fits but is UNHEALTHY
  EXPECT_FALSE(v.healthy);

  v = judge_dependency(dep("", "1.4.0-rc.1"), table);  // 1.4.0 is above its own pre-release
  EXPECT_FALSE(v.healthy);
}

TEST(RegistryDependency, ReasonsAndRequired) {
  Dependency d = dep();
  auto v = judge_dependency(d, std::span<const Instance>{});
  EXPECT_FALSE(v.healthy);
  EXPECT_TRUE(v.blocking);
  EXPECT_EQ(v.reason, "no instance of payments is registered");

  const std::vector<Instance> sick = {inst("payments", "p1", InstanceStatus::starting, "1.0.0"),
                                      inst("payments", "p2", InstanceStatus::draining, "1.0.0"),
                                      inst("payments", "p3", InstanceStatus::down, "1.0.0")};
  v = judge_dependency(d, sick);
  EXPECT_EQ(v.reason, "no instance of payments is HEALTHY");
  EXPECT_EQ(v.instances, 3u);

  d.required = false;
  d.type = DependencyType::optional;
  v = judge_dependency(d, sick);
  EXPECT_FALSE(v.healthy);
  EXPECT_FALSE(v.blocking);
}

}  // namespace
}  // namespace wkd::registry
