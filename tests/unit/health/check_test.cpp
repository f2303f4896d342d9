// A check's definition and its thresholds: every refusal names its field,
// and results in a row move the reported state as Consul's
// success_before_passing / failures_before_warning /
// failures_before_critical say.
#include "health/check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wkd::health {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

CheckSpec http(const std::string& url = "http://127.0.0.1:8080/health") {
  CheckSpec s;
  s.kind = CheckKind::http;
  s.target = url;
  return s;
}

TEST(HealthCheck, KindNamesRoundTrip) {
  for (auto k : {CheckKind::http, CheckKind::tcp, CheckKind::grpc, CheckKind::ttl, CheckKind::script,
                 CheckKind::alias}) {
    EXPECT_EQ(parse_check_kind(check_kind_name(k)), k);
  }
  EXPECT_EQ(parse_check_kind("HTTP"), std::nullopt);
  EXPECT_EQ(parse_check_kind(""), std::nullopt);
}

TEST(HealthCheck, ValidSpecsOfEveryKind) {
  EXPECT_TRUE(validate(http()).ok()) << validate(http()).message();
  CheckSpec tcp;
  tcp.kind = CheckKind::tcp;
  tcp.target = "127.0.0.1:5432";
  EXPECT_TRUE(validate(tcp).ok()) << validate(tcp).message();
  tcp.target = "[::1]:5432";
  EXPECT_TRUE(validate(tcp).ok()) << validate(tcp).message();
  CheckSpec grpc;
  grpc.kind = CheckKind::grpc;
  grpc.target = "https://db.internal:50051";
  grpc.grpc_service = "weftkit.Store";
  EXPECT_TRUE(validate(grpc).ok()) << validate(grpc).message();
  for (const char* target : {"127.0.0.1:50051", "db.internal:50051", "[::1]:50051", "http://127.0.0.1:50051/"}) {
    grpc.target = target;
    EXPECT_TRUE(validate(grpc).ok()) << target << ": " << validate(grpc).message();
  }
  CheckSpec ttl;
  ttl.kind = CheckKind::ttl;
  ttl.ttl = seconds(30);
  EXPECT_TRUE(validate(ttl).ok()) << validate(ttl).message();
  CheckSpec script;
  script.kind = CheckKind::script;
  script.target = "/usr/local/bin/check-db --quick";
  EXPECT_TRUE(validate(script).ok());
  CheckSpec alias;
  alias.kind = CheckKind::alias;
  alias.target = "orders";
  EXPECT_TRUE(validate(alias).ok());
}

TEST(HealthCheck, RefusalsNameTheField) {
  struct Case {
    CheckSpec spec;
    const char* field;
  };
  std::vector<Case> cases;
  auto add = [&](auto change, const char* field) {
    CheckSpec s = http();
    change(s);
    cases.push_back({s, field});
  };
  add([](CheckSpec& s) { s.target = "ftp://x/"; }, "target");
  auto grpc = [&](const char* target, const char* field) {
    CheckSpec s = http();
    s.kind = CheckKind::grpc;
    s.target = target;
    cases.push_back({s, field});
  };
  grpc("", "target: a gRPC server is required (host:port or http(s)://host:port)");
  grpc("db.internal", "target: expected host:port");
  grpc("db.internal:0", "target: the port '0' is not 1-65535");
  grpc("grpc://db.internal:50051", "does not start with http:// or https://");
  grpc("https://db.internal", "target: a gRPC URL names its port");
  grpc("http://db.internal:50051/grpc.health.v1.Health/Check", "target: a gRPC URL has no path");
  add([](CheckSpec& s) {
    s.kind = CheckKind::grpc;
    s.target = "db:1";
    s.grpc_service = "\xff";
  }, "grpc_service: not UTF-8");
  add([](CheckSpec& s) { s.target.clear(); }, "target: a URL is required");
  add([](CheckSpec& s) { s.interval = milliseconds(50); }, "interval: 50 ms is out of range");
  add([](CheckSpec& s) { s.interval = hours(25); }, "interval");
  add([](CheckSpec& s) { s.timeout = seconds(11); }, "timeout: 11000 ms");
  add([](CheckSpec& s) { s.timeout = milliseconds(1); }, "timeout");
  add([](CheckSpec& s) { s.success_before_passing = 0; }, "success_before_passing: 0");
  add([](CheckSpec& s) { s.failures_before_critical = 1001; }, "failures_before_critical: 1001");
  add([](CheckSpec& s) { s.failures_before_warning = 2000; }, "failures_before_warning");
  add([](CheckSpec& s) { s.deregister_critical_after = -seconds(1); }, "deregister_critical_after");
  add([](CheckSpec& s) { s.start_grace = hours(48); }, "start_grace");
  add([](CheckSpec& s) { s.id = "has space"; }, "id:");
  add([](CheckSpec& s) { s.id = std::string(129, 'x'); }, "id: over 128");
  add([](CheckSpec& s) { s.method = "get"; }, "method");
  add([](CheckSpec& s) { s.headers = {{"Bad Name", "x"}}; }, "headers");
  add([](CheckSpec& s) { s.headers = {{"X-Ok", "a\nb"}}; }, "headers.X-Ok");
  add([](CheckSpec& s) { s.ttl = seconds(1); }, "ttl: only a TTL check");
  add([](CheckSpec& s) {
        s.kind = CheckKind::tcp;
        s.target = "127.0.0.1";
      },
      "target: expected host:port");
  add([](CheckSpec& s) {
        s.kind = CheckKind::tcp;
        s.target = "127.0.0.1:70000";
      },
      "target: the port");
  add([](CheckSpec& s) {
        s.kind = CheckKind::ttl;
        s.target.clear();
      },
      "ttl: 0 ms is out of range");
  add([](CheckSpec& s) {
        s.kind = CheckKind::alias;
        s.target = "Not_A_Service";
      },
      "target");
  add([](CheckSpec& s) {
        s.kind = CheckKind::script;
        s.target = std::string("a\0b", 3);
      },
      "target: the command has a NUL");
  for (const Case& c : cases) {
    const auto st = validate(c.spec);
    ASSERT_FALSE(st.ok()) << c.field;
    EXPECT_NE(st.message().find(c.field), std::string::npos) << "wanted '" << c.field << "' in: " << st.message();
  }
}

TEST(HealthCheck, DefaultThresholdsReportEveryResult) {
  Thresholds t(http());
  EXPECT_EQ(t.count(CheckState::passing), CheckState::passing);
  EXPECT_EQ(t.count(CheckState::warning), CheckState::warning);
  EXPECT_EQ(t.count(CheckState::critical), CheckState::critical);
  EXPECT_EQ(t.count(CheckState::passing), CheckState::passing);
}

TEST(HealthCheck, ThresholdsHoldTheStateUntilEnoughInARow) {
  CheckSpec s = http();
  s.success_before_passing = 2;
  s.failures_before_warning = 2;
  s.failures_before_critical = 4;
  Thresholds t(s);
  EXPECT_EQ(t.count(CheckState::passing), std::nullopt);
  EXPECT_EQ(t.count(CheckState::passing), CheckState::passing);
  EXPECT_EQ(t.count(CheckState::critical), std::nullopt);
  EXPECT_EQ(t.failures(), 1u);
  EXPECT_EQ(t.count(CheckState::critical), CheckState::warning);
  EXPECT_EQ(t.count(CheckState::critical), CheckState::warning);
  EXPECT_EQ(t.count(CheckState::critical), CheckState::critical);
  EXPECT_EQ(t.failures(), 4u);
  // One success does not undo it; a failure in between starts again.
  EXPECT_EQ(t.count(CheckState::passing), std::nullopt);
  EXPECT_EQ(t.count(CheckState::critical), std::nullopt);
  EXPECT_EQ(t.count(CheckState::passing), std::nullopt);
  EXPECT_EQ(t.successes(), 1u);
  // A warning result is a success that reports warning.
  EXPECT_EQ(t.count(CheckState::warning), CheckState::warning);
}

}  // namespace
}  // namespace wkd::health
