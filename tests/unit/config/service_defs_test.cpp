// [[discovery.service]] and [[discovery.service.check]] in the agent's
// TOML: every field read, defaults filled in as the API does, refusals at
// the key's line (the registry's and health's rules), on_critical and
// script checks only with [agent] script_checks, and the print round trip.
#include <string>

#include <gtest/gtest.h>

#include "config/agent_config.hpp"

namespace wkd::config {
namespace {

constexpr const char* kFile = "svc.toml";

const std::string kService = R"([discovery]
node_name = "n1"
[[discovery.service]]
service_name = "orders"
instance_id = "o-1"
host = "192.0.2.1"
port = 8080
protocol = "grpc"
version = "1.2.3"
tags = ["primary", "eu"]
metadata = { dc = "x" }
weight = 50
region = "eu-west"
zone = "eu-west-1a"
health_check_url = "http://192.0.2.1:8080/health"
metrics_url = "http://192.0.2.1:8080/metrics"
[[discovery.service.check]]
id = "web"
kind = "http"
target = "http://192.0.2.1:8080/health"
interval_ms = 2000
timeout_ms = 500
success_before_passing = 2
failures_before_warning = 1
failures_before_critical = 3
deregister_critical_after_ms = 60000
start_grace_ms = 1000
method = "POST"
headers = { X-Probe = "1" }
body = "ping"
tls_skip_verify = true
[[discovery.service.check]]
kind = "ttl"
ttl_ms = 30000
)";

TEST(ServiceDefs, EveryFieldIsRead) {
  auto r = parse_toml(kService, kFile);
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->services.size(), 1u);
  const auto& in = r->services[0].instance;
  EXPECT_EQ(in.service, "orders");
  EXPECT_EQ(in.id, "o-1");
  EXPECT_EQ(in.port, 8080);
  EXPECT_EQ(in.protocol, "grpc");
  EXPECT_EQ(in.tags.size(), 2u);
  EXPECT_EQ(in.metadata.at("dc"), "x");
  EXPECT_EQ(in.weight, 50);
  EXPECT_EQ(in.zone, "eu-west-1a");
  const auto& checks = r->services[0].checks;
  ASSERT_EQ(checks.size(), 2u);
  const auto& web = checks[0].spec;
  EXPECT_EQ(web.id, "web");
  EXPECT_EQ(to_ms(web.interval), 2000);
  EXPECT_EQ(to_ms(web.timeout), 500);
  EXPECT_EQ(web.success_before_passing, 2u);
  EXPECT_EQ(web.failures_before_critical, 3u);
  EXPECT_EQ(to_ms(web.deregister_critical_after), 60000);
  EXPECT_EQ(web.method, "POST");
  ASSERT_EQ(web.headers.size(), 1u);
  EXPECT_EQ(web.headers[0].first, "X-Probe");
  EXPECT_TRUE(web.tls_skip_verify);
  // An id left out is the kind's name.
  EXPECT_EQ(checks[1].spec.id, "ttl");
  EXPECT_EQ(to_ms(checks[1].spec.ttl), 30000);
}

TEST(ServiceDefs, PrintedConfigurationReadsBackTheSame) {
  auto r = parse_toml(kService, kFile);
  ASSERT_TRUE(r.ok()) << r.message();
  const std::string printed = print_effective(*r);
  auto again = parse_toml(printed, kFile);
  ASSERT_TRUE(again.ok()) << again.message() << "\n" << printed;
  EXPECT_EQ(again->services, r->services);
  EXPECT_EQ(print_effective(*again), printed);
}

ConfigError fail(const std::string& text) {
  auto r = parse_toml(text, kFile);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? ConfigError{} : r.code();
}

const std::string kHead = "[discovery]\nnode_name = \"n1\"\n";
const std::string kOne = "[[discovery.service]]\nservice_name = \"orders\"\ninstance_id = \"o-1\"\nhost = \"h\"\nport = 1\n";

TEST(ServiceDefs, RefusalsNameTheKeyAndLine) {
  auto e = fail(kHead + "[[discovery.service]]\nservice_name = \"orders\"\ninstance_id = \"o-1\"\nhost = \"h\"\nport = 0\n");
  EXPECT_EQ(e.key, "discovery.service[0].port");
  EXPECT_EQ(e.line, 7);

  e = fail(kHead + kOne + "[[discovery.service.check]]\nkind = \"http\"\ntarget = \"http://h/\"\ninterval_ms = 5\n");
  EXPECT_EQ(e.key, "discovery.service[0].check[0].interval_ms");
  EXPECT_EQ(e.line, 11);
  EXPECT_NE(e.message.find("out of range"), std::string::npos) << e.message;

  e = fail(kHead + kOne + "[[discovery.service.check]]\nkind = \"ttl\"\nttl_ms = 1000\ninterval_m = 5\n");
  EXPECT_EQ(e.key, "discovery.service[0].check[0].interval_m");
  EXPECT_NE(e.message.find("did you mean interval_ms"), std::string::npos) << e.message;

  e = fail(kHead + kOne + "colour = \"red\"\n");
  EXPECT_EQ(e.key, "discovery.service[0].colour");

  e = fail(kHead + "[[discovery.service]]\nservice_name = \"orders\"\nhost = \"h\"\nport = 1\n");
  EXPECT_EQ(e.key, "discovery.service[0].instance_id");

  e = fail(kHead + kOne + kOne);
  EXPECT_EQ(e.key, "discovery.service[1].instance_id");
  EXPECT_EQ(e.line, 10);

  e = fail(kHead + kOne + "[[discovery.service.check]]\nkind = \"ttl\"\nttl_ms = 1000\n" +
           "[[discovery.service.check]]\nkind = \"ttl\"\nttl_ms = 2000\n");
  EXPECT_EQ(e.key, "discovery.service[0].check[1].id");
}

TEST(ServiceDefs, CommandsNeedScriptChecks) {
  const std::string heal = kOne + "[[discovery.service.check]]\nkind = \"ttl\"\nttl_ms = 1000\non_critical = \"true\"\n";
  auto e = fail(kHead + heal);
  EXPECT_EQ(e.key, "discovery.service[0].check[0].on_critical");
  EXPECT_EQ(e.line, 11);
  e = fail(kHead + kOne + "[[discovery.service.check]]\nkind = \"script\"\ntarget = \"true\"\n");
  EXPECT_EQ(e.key, "discovery.service[0].check[0].kind");

  // [agent] may come before or after [discovery].
  auto r = parse_toml(kHead + heal + "[agent]\nscript_checks = true\n", kFile);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->services[0].checks[0].on_critical, "true");
  r = parse_toml("[agent]\nscript_checks = true\n" + kHead + kOne +
                     "[[discovery.service.check]]\nkind = \"script\"\ntarget = \"true\"\n",
                 kFile);
  ASSERT_TRUE(r.ok()) << r.message();
}

}  // namespace
}  // namespace wkd::config
