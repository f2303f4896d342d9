#include "registry/instance.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "common/rng.hpp"

namespace wkd::registry {
namespace {

Instance valid_instance() {
  Instance in;
  in.service = "orders";
  in.id = "orders-1";
  in.host = "127.0.0.3";
  in.port = 8080;
  in.version = "2.1.0";
  in.tags = {"primary"};
  in.metadata = {{"team", "payments"}};
  in.region = "eu-west";
  in.zone = "eu-west-1a";
  in.health_check_url = "http://127.0.0.3:8080/health";
  in.metrics_url = "http://127.0.0.3:9090/metrics";
  return in;
}

TEST(RegistryInstance, Defaults) {
  const Instance in;
  EXPECT_EQ(in.weight, 100);
  EXPECT_EQ(in.protocol, "http");
  EXPECT_EQ(in.status, InstanceStatus::starting);
  EXPECT_EQ(in.check_state, CheckState::critical);
  EXPECT_EQ(in.consecutive_failures, 0u);
  EXPECT_TRUE(in.uuid.is_nil());
  EXPECT_EQ(in.registered_ms, 0);
}

TEST(RegistryInstance, AValidInstanceAndOptionalFields) {
  EXPECT_TRUE(validate_instance(valid_instance()).ok()) << validate_instance(valid_instance()).message();
  Instance bare;
  bare.service = "s";
  bare.id = "i";
  bare.host = "::1";
  bare.port = 1;
  EXPECT_TRUE(validate_instance(bare).ok()) << validate_instance(bare).message();
  EXPECT_EQ(bare.key(), (InstanceKey{"s", "i"}));
}

// Each bad field is refused with a message that starts with its REST name.
TEST(RegistryInstance, RefusalsNameTheField) {
  struct Case {
    const char* field;
    std::function<void(Instance&)> spoil;
  };
  const Case cases[] = {
      {"serviceName", [](Instance& i) { i.service = "Orders"; }},
      {"serviceName", [](Instance& i) { i.service = "health"; }},
      {"serviceName", [](Instance& i) { i.service = ""; }},
      {"instanceId", [](Instance& i) { i.id = "a/b"; }},
      {"instanceId", [](Instance& i) { i.id = std::string(129, 'i'); }},
      {"host", [](Instance& i) { i.host = ""; }},
      {"port", [](Instance& i) { i.port = 0; }},
      {"port", [](Instance& i) { i.port = 70000; }},
      {"protocol", [](Instance& i) { i.protocol = "HTTP"; }},
      {"version", [](Instance& i) { i.version = "2.1"; }},
      {"tags", [](Instance& i) { i.tags.insert(""); }},
      {"metadata", [](Instance& i) { i.metadata["big"] = std::string(70000, 'x'); }},
      {"weight", [](Instance& i) { i.weight = -1; }},
      {"weight", [](Instance& i) { i.weight = 10001; }},
      {"region", [](Instance& i) { i.region = "eu west"; }},
      {"zone", [](Instance& i) { i.zone = "-a"; }},
      {"healthCheckUrl", [](Instance& i) { i.health_check_url = "tcp://h:1"; }},
      {"metricsUrl", [](Instance& i) { i.metrics_url = "http://"; }},
  };
  for (const auto& c : cases) {
    Instance in = valid_instance();
    c.spoil(in);
    const auto st = validate_instance(in);
    ASSERT_FALSE(st.ok()) << c.field;
    EXPECT_EQ(st.message().rfind(std::string(c.field) + ": ", 0), 0u) << st.message();
  }
  Instance big = valid_instance();
  big.metadata["big"] = std::string(70000, 'x');
  EXPECT_EQ(validate_instance(big).code(), Err::too_large);
}

TEST(RegistryInstance, SameRegistrationIgnoresState) {
  const Instance a = valid_instance();
  Instance b = a;
  b.status = InstanceStatus::healthy;
  b.check_state = CheckState::passing;
  b.consecutive_failures = 3;
  b.updated_ms = 99;
  b.record_version = 7;
  b.owner = "node-b";
  EXPECT_TRUE(same_registration(a, b));
  const std::function<void(Instance&)> changes[] = {
      [](Instance& i) { i.host = "127.0.0.4"; },         [](Instance& i) { i.port = 8081; },
      [](Instance& i) { i.protocol = "grpc"; },         [](Instance& i) { i.version = "2.1.1"; },
      [](Instance& i) { i.tags.insert("canary"); },     [](Instance& i) { i.metadata["team"] = "x"; },
      [](Instance& i) { i.weight = 50; },               [](Instance& i) { i.region = "us"; },
      [](Instance& i) { i.zone = "b"; },                [](Instance& i) { i.health_check_url.clear(); },
      [](Instance& i) { i.metrics_url.clear(); },       [](Instance& i) { i.id = "orders-2"; },
      [](Instance& i) { i.service = "billing"; },
  };
  for (const auto& change : changes) {
    Instance c = a;
    change(c);
    EXPECT_FALSE(same_registration(a, c));
  }
}

TEST(RegistryInstance, ApplyCheckMovesStatusAndCountsFailures) {
  Instance in = valid_instance();
  EXPECT_TRUE(apply_check(in, CheckState::passing, 1000));
  EXPECT_EQ(in.status, InstanceStatus::healthy);
  EXPECT_EQ(in.check_state, CheckState::passing);
  EXPECT_EQ(in.last_check_ms, 1000);
  EXPECT_FALSE(apply_check(in, CheckState::passing, 2000));  // a renewal, not a change
  EXPECT_EQ(in.last_check_ms, 2000);
  EXPECT_TRUE(apply_check(in, CheckState::warning, 3000));  // still HEALTHY, check state moved
  EXPECT_EQ(in.status, InstanceStatus::healthy);
  EXPECT_EQ(in.check_state, CheckState::warning);
  EXPECT_TRUE(apply_check(in, CheckState::critical, 4000));
  EXPECT_EQ(in.status, InstanceStatus::unhealthy);
  EXPECT_EQ(in.consecutive_failures, 1u);
  EXPECT_FALSE(apply_check(in, CheckState::critical, 5000));
  EXPECT_EQ(in.consecutive_failures, 2u);
  EXPECT_TRUE(apply_check(in, CheckState::warning, 6000));
  EXPECT_EQ(in.consecutive_failures, 0u);
  EXPECT_EQ(in.status, InstanceStatus::healthy);

  in.status = InstanceStatus::draining;  // checks keep running, the status stays
  EXPECT_TRUE(apply_check(in, CheckState::critical, 7000));
  EXPECT_EQ(in.status, InstanceStatus::draining);
  EXPECT_EQ(in.check_state, CheckState::critical);

  in.status = InstanceStatus::deregistered;
  EXPECT_FALSE(apply_check(in, CheckState::passing, 8000));
  EXPECT_EQ(in.check_state, CheckState::critical);
  EXPECT_EQ(in.last_check_ms, 7000);
}

TEST(RegistryUuid, GeneratedFromTheRngAsVersion4) {
  Rng r1(42), r2(42), r3(43);
  const Uuid a = Uuid::generate(r1), b = Uuid::generate(r2), c = Uuid::generate(r3);
  EXPECT_EQ(a, b);  // the seed fixes it
  EXPECT_NE(a, c);
  EXPECT_NE(a, Uuid::generate(r1));
  const std::string text = a.to_string();
  ASSERT_EQ(text.size(), 36u);
  EXPECT_EQ(text[8], '-');
  EXPECT_EQ(text[13], '-');
  EXPECT_EQ(text[14], '4');
  EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos) << text;
  EXPECT_EQ(Uuid::parse(text), a);
  EXPECT_FALSE(a.is_nil());
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(Uuid::generate(r3).to_string());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RegistryUuid, ParsesEitherCaseAndRefusesTheRest) {
  auto u = Uuid::parse("123E4567-e89b-42d3-A456-426614174000");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->to_string(), "123e4567-e89b-42d3-a456-426614174000");
  EXPECT_EQ(u->bytes[0], 0x12);
  EXPECT_EQ(u->bytes[15], 0x00);
  EXPECT_TRUE(Uuid::parse("00000000-0000-0000-0000-000000000000")->is_nil());
  for (const char* bad : {"", "123e4567e89b42d3a456426614174000", "123e4567-e89b-42d3-a456-42661417400",
                          "123e4567-e89b-42d3-a456-4266141740000", "123e4567-e89b-42d3-a456_426614174000",
                          "g23e4567-e89b-42d3-a456-426614174000"}) {
    EXPECT_FALSE(Uuid::parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace wkd::registry
