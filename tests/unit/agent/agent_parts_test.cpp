// The agent's pure parts: health rules, member counts, Prometheus text,
// snapshot files and log lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "agent/api.hpp"
#include "agent/health.hpp"
#include "agent/log.hpp"
#include "agent/metrics.hpp"
#include "agent/snapshot.hpp"

namespace wkd::agent {
namespace {

TEST(AgentHealth, PassingWithNothingWrong) {
  HealthInputs in;
  auto r = evaluate_health(in);
  EXPECT_EQ(r.status, AgentHealth::passing);
  EXPECT_TRUE(r.reasons.empty());
  EXPECT_EQ(agent_health_http_status(r.status), 200);
}

TEST(AgentHealth, EachRuleAndItsStatus) {
  HealthInputs leaving;
  leaving.leaving = true;
  EXPECT_EQ(evaluate_health(leaving).status, AgentHealth::critical);
  HealthInputs left;
  left.left = true;
  EXPECT_EQ(evaluate_health(left).reasons.at(0), "the node has left the cluster");
  HealthInputs seeds;
  seeds.seeds_configured = true;
  EXPECT_EQ(evaluate_health(seeds).status, AgentHealth::critical);
  seeds.any_seed_answered = true;
  EXPECT_EQ(evaluate_health(seeds).status, AgentHealth::passing);
  HealthInputs aware;
  aware.awareness = 3;  // of 8: below half
  EXPECT_EQ(evaluate_health(aware).status, AgentHealth::warning);
  EXPECT_EQ(agent_health_http_status(AgentHealth::warning), 429);
  aware.awareness = 4;  // half
  EXPECT_EQ(evaluate_health(aware).status, AgentHealth::critical);
  EXPECT_EQ(agent_health_http_status(AgentHealth::critical), 503);
  HealthInputs own;
  own.own_health = "warning";
  EXPECT_EQ(evaluate_health(own).status, AgentHealth::warning);
  own.own_health = "critical";
  EXPECT_EQ(evaluate_health(own).status, AgentHealth::critical);
}

TEST(AgentHealth, ReasonsListCriticalFirst) {
  HealthInputs in;
  in.awareness = 1;
  in.seeds_configured = true;
  auto r = evaluate_health(in);
  ASSERT_EQ(r.reasons.size(), 2u);
  EXPECT_NE(r.reasons[0].find("seeds"), std::string::npos);
  EXPECT_NE(r.reasons[1].find("awareness is 1 of 8"), std::string::npos);
}

TEST(AgentHealth, UnusableSnapshotIsAWarningNamingWhy) {
  HealthInputs in;
  in.snapshot_problem = "snapshot unusable (s: not valid JSON at byte offset 7 of 9); moved to s.corrupt";
  auto r = evaluate_health(in);
  EXPECT_EQ(r.status, AgentHealth::warning);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0], in.snapshot_problem);
}

// /v1/health and /v1/cluster/state count members as /v1/cluster/members
// shows them: a member that announced its leave is left, not alive.
TEST(AgentApi, MemberCountsFollowTheStatesTheApiShows) {
  runtime::View view;
  auto add = [&](const char* name, runtime::MemberState state, bool local) {
    auto m = std::make_shared<runtime::MemberView>();
    m->name = name;
    m->state = state;
    m->is_local = local;
    m->finish();
    view.members.emplace_back(std::move(m), 0);
  };
  add("a", runtime::MemberState::alive, true);
  add("b", runtime::MemberState::leaving, false);
  add("c", runtime::MemberState::left, false);
  add("d", runtime::MemberState::failed, false);
  add("e", runtime::MemberState::suspect, false);
  add("f", runtime::MemberState::alive, false);
  const ApiMemberCounts peers = api_member_counts(view, false);
  EXPECT_EQ(peers.alive, 1u);
  EXPECT_EQ(peers.suspect, 1u);
  EXPECT_EQ(peers.failed, 1u);
  EXPECT_EQ(peers.left, 2u);
  const ApiMemberCounts all = api_member_counts(view, true);
  EXPECT_EQ(all.alive, 2u);
  EXPECT_EQ(all.left, 2u);
}

TEST(AgentMetrics, FamiliesHaveHelpTypeAndSamples) {
  MetricsInputs in;
  in.node = "db\"1";
  in.version = "0.1.0";
  in.stats.packets_in = 12;
  in.stats.members_alive = 3;  // alive or leaving, as the C API counts them
  in.stats.members_leaving = 1;
  in.stats.drops_decrypt = 2;
  const std::string t = prometheus_text(in);
  EXPECT_NE(t.find("# HELP wkd_packets_received_total "), std::string::npos);
  EXPECT_NE(t.find("# TYPE wkd_packets_received_total counter\nwkd_packets_received_total 12\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_members{state=\"alive\"} 2\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_members{state=\"leaving\"} 1\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_dropped_total{reason=\"decrypt\"} 2\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_agent_info{node=\"db\\\"1\",version=\"0.1.0\"} 1\n"), std::string::npos);
  // Every line is a comment or "name[{labels}] value".
  std::size_t pos = 0;
  while (pos < t.size()) {
    const std::size_t end = t.find('\n', pos);
    ASSERT_NE(end, std::string::npos);
    const std::string line = t.substr(pos, end - pos);
    if (line[0] != '#') {
      EXPECT_EQ(line.rfind("wkd_", 0), 0u) << line;
      EXPECT_NE(line.find(' '), std::string::npos) << line;
    }
    pos = end + 1;
  }
}

TEST(AgentMetrics, RegistryFamiliesOnlyWithARegistry) {
  MetricsInputs in;
  in.node = "n";
  in.version = "0.1.0";
  EXPECT_EQ(prometheus_text(in).find("wkd_registry_"), std::string::npos);
  in.has_registry = true;
  in.registry.instances_by_status[static_cast<std::size_t>(wkd::registry::InstanceStatus::healthy)] = 3;
  in.registry.services = 2;
  in.registry.checks.runs = 7;
  in.registry.checks.status_changes = 4;
  in.registry.replica.bytes_sent = 900;
  in.registry.replica.refused = 1;
  const std::string t = prometheus_text(in);
  EXPECT_NE(t.find("# TYPE wkd_registry_instances gauge\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_registry_instances{status=\"HEALTHY\"} 3\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_registry_instances{status=\"DEREGISTERED\"} 0\n"), std::string::npos);
  EXPECT_NE(t.find("# TYPE wkd_registry_services gauge\nwkd_registry_services 2\n"), std::string::npos);
  EXPECT_NE(t.find("# TYPE wkd_health_checks_run_total counter\nwkd_health_checks_run_total 7\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_health_status_changes_total 4\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_registry_bytes_sent_total 900\n"), std::string::npos);
  EXPECT_NE(t.find("wkd_registry_dropped_total{reason=\"refused\"} 1\n"), std::string::npos);
}

class SnapshotFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wkd-snapshot-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/snap.json";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    std::remove((path_ + ".tmp").c_str());
    rmdir(dir_.c_str());
  }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  std::string dir_, path_;
};

TEST_F(SnapshotFile, RoundTrip) {
  Snapshot s;
  s.node = "db-1";
  s.member_clock = 41;
  s.event_clock = 7;
  s.query_clock = 2;
  s.peers = {{"db-2", "127.0.0.2:7474"}, {"db-3", "[::1]:7474"}};
  s.keys = {"MDEyMzQ1Njc4OWFiY2RlZg=="};     // 16 bytes
  s.saved_unix_ms = 1700000000000;
  ASSERT_TRUE(save_snapshot(path_, s).ok());
  auto back = load_snapshot(path_);
  ASSERT_TRUE(back.ok()) << back.message();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, s);
}

TEST_F(SnapshotFile, MissingFileIsNoSnapshot) {
  auto r = load_snapshot(path_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST_F(SnapshotFile, DamageIsNamed) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"{ not json", "not valid JSON at byte offset "},
      {R"({"format": 1, "node": "a", "clo)", " of 31 (truncated)"},
      {"", "empty (0 bytes)"},
      {"[]", "not a JSON object"},
      {R"({"format": 9, "node": "a", "clocks": {}, "peers": []})", "format 9"},
      {R"({"format": 1, "node": 5})", "\"node\""},
      {R"({"format": 1, "node": "a", "clocks": {"member": -1, "event": 0, "query": 0}, "peers": []})", "clocks"},
      {R"({"format": 1, "node": "a", "clocks": {"member": 1, "event": 0, "query": 0}, "peers": [{"name": "b", "address": "nowhere"}]})",
       "bad address 'nowhere'"},
      {R"({"format": 1, "node": "a", "clocks": {"member": 1, "event": 0, "query": 0}, "peers": [], "keyring": ["c2hvcnQ="]})",
       "keyring"},
  };
  for (const auto& c : cases) {
    write(c.text);
    auto r = load_snapshot(path_);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.code(), SnapshotErr::corrupt);
    EXPECT_NE(r.message().find(path_), std::string::npos) << r.message();
    EXPECT_NE(r.message().find(c.expect), std::string::npos) << r.message();
  }
}

TEST_F(SnapshotFile, UnwritableDirectoryIsAnError) {
  Snapshot s;
  auto st = save_snapshot(dir_ + "/no/such/dir/snap.json", s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot create"), std::string::npos);
}

TEST(AgentLog, TextAndJsonLines) {
  AgentLog text(LogLevel::info, false);
  EXPECT_EQ(text.format(LogLevel::warn, "db-1", "two\nlines", 1700000000123),
            "2023-11-14T22:13:20.123Z WARN  db-1: two\\nlines");
  AgentLog json(LogLevel::info, true);
  EXPECT_EQ(json.format(LogLevel::info, "db-1", "say \"hi\"", 1700000000123),
            R"({"level":"info","msg":"say \"hi\"","node":"db-1","ts":"2023-11-14T22:13:20.123Z"})");
  EXPECT_FALSE(text.enabled(LogLevel::debug));
  EXPECT_TRUE(text.enabled(LogLevel::error));
  LogLevel l;
  EXPECT_TRUE(parse_log_level("trace", &l));
  EXPECT_EQ(l, LogLevel::debug);
  EXPECT_FALSE(parse_log_level("loud", &l));
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace wkd::agent
