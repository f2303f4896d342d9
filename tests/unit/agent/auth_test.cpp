// The HTTP API's bearer-token rules on requests built by hand: the open
// liveness endpoint, 401 and its challenge, read and write scopes, and a
// write token limited to service-name prefixes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/auth.hpp"

namespace wkd::agent {
namespace {

config::AgentToken token(std::string name, config::TokenScope scope, std::string secret,
                         std::vector<std::string> prefixes = {}) {
  config::AgentToken t;
  t.name = std::move(name);
  t.scope = scope;
  t.secret = std::move(secret);
  t.service_prefixes = std::move(prefixes);
  return t;
}

http::Request request(std::string method, std::string path, std::string auth = "", std::string body = "") {
  http::Request r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  if (!auth.empty()) r.headers.emplace_back("authorization", std::move(auth));
  r.body = std::move(body);
  return r;
}

int status(const Authorizer& a, const http::Request& r) {
  auto refused = a.check(r);
  return refused ? refused->status : 200;
}

const Authorizer kAuth({token("ops", config::TokenScope::write, "write-0123456789abcdef"),
                        token("team", config::TokenScope::write, "team-0123456789abcdef", {"orders-", "pay"}),
                        token("ro", config::TokenScope::read, "read-0123456789abcdef")});

TEST(AgentAuth, WithoutTokensEverythingPasses) {
  const Authorizer none({});
  EXPECT_FALSE(none.enabled());
  EXPECT_EQ(status(none, request("PUT", "/v1/cluster/leave")), 200);
}

TEST(AgentAuth, MissingOrWrongTokenIs401WithChallenge) {
  for (const char* h : {"", "Basic d3JpdGU=", "Bearer", "Bearer write-0123456789abcde", "Bearer write-0123456789abcdefX",
                        "Bearer read-0123456789abcdef read"}) {
    auto r = kAuth.check(request("GET", "/v1/cluster/members", h));
    ASSERT_TRUE(r.has_value()) << h;
    EXPECT_EQ(r->status, 401) << h;
    ASSERT_EQ(r->headers.size(), 1u);
    EXPECT_EQ(r->headers[0].first, "WWW-Authenticate");
    EXPECT_EQ(r->headers[0].second, "Bearer");
    EXPECT_EQ(r->body.find("0123456789"), std::string::npos) << r->body;
  }
  EXPECT_EQ(status(kAuth, request("GET", "/v1/health")), 200);
  EXPECT_EQ(status(kAuth, request("PUT", "/v1/health")), 401);
  EXPECT_EQ(status(kAuth, request("GET", "/v1/agent/metrics")), 401);
}

TEST(AgentAuth, ScopesAndPrefixes) {
  const std::string ro = "Bearer read-0123456789abcdef", ops = "bearer write-0123456789abcdef",
                    team = "BEARER team-0123456789abcdef";
  EXPECT_EQ(status(kAuth, request("GET", "/api/v1/services", ro)), 200);
  EXPECT_EQ(status(kAuth, request("HEAD", "/api/v1/services", ro)), 200);
  EXPECT_EQ(status(kAuth, request("POST", "/v1/events/x", ro)), 403);
  EXPECT_EQ(status(kAuth, request("DELETE", "/api/v1/services/a/instances/1", ro)), 403);
  EXPECT_EQ(status(kAuth, request("PUT", "/v1/cluster/leave", ops)), 200);
  EXPECT_EQ(status(kAuth, request("DELETE", "/api/v1/services/billing/instances/1", ops)), 200);

  EXPECT_EQ(status(kAuth, request("DELETE", "/api/v1/services/orders-eu/instances/1", team)), 200);
  EXPECT_EQ(status(kAuth, request("POST", "/api/v1/services/payments/dependencies", team)), 200);
  EXPECT_EQ(status(kAuth, request("POST", "/api/v1/services/register", team, R"({"serviceName":"orders-x"})")), 200);
  auto other = kAuth.check(request("POST", "/api/v1/services/register", team, R"({"serviceName":"billing"})"));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->status, 403);
  EXPECT_NE(other->body.find("billing"), std::string::npos);
  EXPECT_EQ(status(kAuth, request("DELETE", "/api/v1/services/orders/instances/1", team)), 403);  // "orders" lacks the dash
  EXPECT_EQ(status(kAuth, request("PUT", "/v1/cluster/join", team)), 403);
  EXPECT_EQ(status(kAuth, request("GET", "/api/v1/services/billing", team)), 200);
}

TEST(AgentAuth, WrittenService) {
  EXPECT_EQ(written_service(request("DELETE", "/api/v1/services/a/instances/1")), "a");
  EXPECT_EQ(written_service(request("POST", "/api/v1/services/register", "", R"({"serviceName":"b"})")), "b");
  EXPECT_EQ(written_service(request("POST", "/api/v1/services/register", "", "not json")), "");
  EXPECT_EQ(written_service(request("POST", "/api/v1/services/register", "", R"({"serviceName":7})")), "");
  EXPECT_EQ(written_service(request("POST", "/v1/events/x")), "");
}

}  // namespace
}  // namespace wkd::agent
