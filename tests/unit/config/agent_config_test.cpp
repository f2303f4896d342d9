// The `wkd agent` configuration: defaults, a full file, every error path of
// the TOML reader (type, range, unknown key, address, identity, TLS...) with
// its file, line and key, the command-line overrides, the derived memberlist
// timing, and the print_effective() round trip.
#include "config/agent_config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/base64.hpp"

namespace wkd::config {
namespace {

constexpr const char* kFile = "cfg.toml";

std::string host_name() {
  std::array<char, 256> buf{};
  EXPECT_EQ(::gethostname(buf.data(), buf.size() - 1), 0);
  return buf.data();
}

AgentConfig parse_ok(const std::string& text) {
  auto r = parse_toml(text, kFile);
  EXPECT_TRUE(r.ok()) << r.message() << "\n--- text:\n" << text;
  return r.ok() ? std::move(r).value() : AgentConfig{};
}

ConfigError parse_fail(const std::string& text) {
  auto r = parse_toml(text, kFile);
  EXPECT_FALSE(r.ok()) << "accepted:\n" << text;
  if (r.ok()) return {};
  EXPECT_EQ(r.message(), r.failure().code.to_string());
  return r.failure().code;
}

// The error of `text`: at `line` of cfg.toml, naming `key`, its message
// containing `needle`.
void expect_error(const std::string& text, int line, const std::string& key, const std::string& needle) {
  SCOPED_TRACE(text);
  const ConfigError e = parse_fail(text);
  EXPECT_EQ(e.file, kFile);
  EXPECT_EQ(e.line, line) << e.to_string();
  EXPECT_EQ(e.key, key) << e.to_string();
  EXPECT_NE(e.message.find(needle), std::string::npos) << e.to_string();
}

// "[discovery]" on line 2, `body` from line 3.
std::string disc(const std::string& body) { return "# wkd\n[discovery]\n" + body + "\n"; }

std::string b64_of_size(std::size_t n) { return base64_encode(Bytes(n, 0x5a)); }

// Every field but origins and source.
void expect_same(const AgentConfig& a, const AgentConfig& b) {
  EXPECT_EQ(a.node_name, b.node_name);
  EXPECT_EQ(a.bind, b.bind);
  EXPECT_EQ(a.advertise, b.advertise);
  EXPECT_EQ(a.seeds, b.seeds);
  EXPECT_EQ(a.profile, b.profile);
  EXPECT_EQ(a.http_enabled, b.http_enabled);
  if (a.http_enabled) {
    EXPECT_EQ(a.http, b.http);
  }
  EXPECT_EQ(a.groups, b.groups);
  EXPECT_EQ(a.database_type, b.database_type);
  EXPECT_EQ(a.wire_protocol, b.wire_protocol);
  EXPECT_EQ(a.endpoint, b.endpoint);
  EXPECT_EQ(a.capabilities, b.capabilities);
  EXPECT_EQ(a.encrypt, b.encrypt);
  EXPECT_EQ(a.keyring_file, b.keyring_file);
  EXPECT_EQ(a.snapshot_path, b.snapshot_path);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.leave_timeout_ms, b.leave_timeout_ms);
  EXPECT_EQ(a.log_level, b.log_level);
  EXPECT_EQ(a.log_format, b.log_format);
  const swim::Config x = a.swim();
  const swim::Config y = b.swim();
  EXPECT_EQ(x.name, y.name);
  EXPECT_EQ(x.advertise, y.advertise);
  EXPECT_EQ(x.probe_interval, y.probe_interval);
  EXPECT_EQ(x.probe_timeout, y.probe_timeout);
  EXPECT_EQ(x.gossip_interval, y.gossip_interval);
  EXPECT_EQ(x.suspicion_mult, y.suspicion_mult);
  EXPECT_EQ(x.push_pull_interval, y.push_pull_interval);
  EXPECT_EQ(x.tcp_timeout, y.tcp_timeout);
}

const std::string kFull = R"(# A full file.
[discovery]
node_name = "db-1"
bind = "127.0.0.41:7474"
advertise = "192.0.2.10:7474"
seeds = ["198.51.100.1:7474", "node2.example:7475", "[::1]:7474", "node3.example"]
gossip_interval_ms = 150
probe_interval_ms = 800
suspicion_timeout_ms = 4000
profile = "wan"
http = "127.0.0.1:8080"
groups = ["orders", "eu-west"]
database_type = "postgres"
wire_protocol = "pgwire"
endpoint = "db-1.example:5432"
capabilities = ["read", "write"]
encrypt = "8MQbvsqzVX4qZiKxq2y7Eg=="
keyring_file = "/etc/wkd/keyring.json"
snapshot_path = "/var/lib/wkd/snapshot"

[discovery.tags]
rack = "r1"
"zone.name" = "eu-west-1a"

[agent]
leave_timeout_ms = 2500
log_level = "debug"
log_json = true

[storage]   # another component's table
engine = "lsm"
)";

// ---------------------------------------------------------------- defaults

TEST(AgentConfig, DefaultsFromAnEmptyDiscoveryTable) {
  const AgentConfig c = parse_ok("[discovery]\n");
  EXPECT_EQ(c.node_name, host_name());
  EXPECT_EQ(c.bind, Address::v4(0, 0, 0, 0, 7474));
  EXPECT_FALSE(c.advertise);
  EXPECT_TRUE(c.seeds.empty());
  EXPECT_EQ(c.profile, Profile::lan);
  EXPECT_FALSE(c.gossip_interval_ms);
  EXPECT_FALSE(c.probe_interval_ms);
  EXPECT_FALSE(c.suspicion_timeout_ms);
  EXPECT_TRUE(c.http_enabled);
  EXPECT_EQ(c.http, Address::v4(127, 0, 0, 1, 7475));
  EXPECT_TRUE(c.groups.empty());
  EXPECT_EQ(c.database_type, "");
  EXPECT_EQ(c.wire_protocol, "");
  EXPECT_EQ(c.endpoint, "");
  EXPECT_TRUE(c.capabilities.empty());
  EXPECT_EQ(c.encrypt, "");
  EXPECT_TRUE(c.encrypt_key().empty());
  EXPECT_EQ(c.keyring_file, "");
  EXPECT_EQ(c.snapshot_path, "");
  EXPECT_TRUE(c.tags.empty());
  EXPECT_EQ(c.leave_timeout_ms, 5000);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.log_format, LogFormat::text);
  EXPECT_EQ(c.source, kFile);
  EXPECT_TRUE(c.origins.empty());

  const swim::Config s = c.swim();
  const swim::Config lan = swim::Config::lan();
  EXPECT_EQ(s.name, host_name());
  EXPECT_EQ(s.advertise, c.bind);
  EXPECT_EQ(s.probe_interval, lan.probe_interval);
  EXPECT_EQ(s.probe_timeout, lan.probe_timeout);
  EXPECT_EQ(s.gossip_interval, lan.gossip_interval);
  EXPECT_EQ(s.suspicion_mult, lan.suspicion_mult);
  EXPECT_EQ(swim::validate(s), "");
}

TEST(AgentConfig, DefaultsFunctionMatchesAnEmptyFileAndValidates) {
  const AgentConfig d = AgentConfig::defaults();
  EXPECT_EQ(d.node_name, host_name());
  EXPECT_FALSE(validate(d).has_value());
  expect_same(d, parse_ok("[discovery]\n"));
}

TEST(AgentConfig, ProfileNames) {
  EXPECT_STREQ(profile_name(Profile::lan), "lan");
  EXPECT_STREQ(profile_name(Profile::wan), "wan");
  EXPECT_STREQ(profile_name(Profile::local), "local");
}

// ---------------------------------------------------------------- a full file

TEST(AgentConfig, FullFile) {
  const AgentConfig c = parse_ok(kFull);
  EXPECT_EQ(c.node_name, "db-1");
  EXPECT_EQ(c.bind, Address::v4(127, 0, 0, 41, 7474));
  ASSERT_TRUE(c.advertise);
  EXPECT_EQ(*c.advertise, Address::v4(192, 0, 2, 10, 7474));
  EXPECT_EQ(c.seeds, (std::vector<std::string>{"198.51.100.1:7474", "node2.example:7475", "[::1]:7474",
                                                "node3.example:7474"}));
  EXPECT_EQ(c.gossip_interval_ms, 150);
  EXPECT_EQ(c.probe_interval_ms, 800);
  EXPECT_EQ(c.suspicion_timeout_ms, 4000);
  EXPECT_EQ(c.profile, Profile::wan);
  EXPECT_TRUE(c.http_enabled);
  EXPECT_EQ(c.http, Address::v4(127, 0, 0, 1, 8080));
  EXPECT_EQ(c.groups, (std::vector<std::string>{"orders", "eu-west"}));
  EXPECT_EQ(c.database_type, "postgres");
  EXPECT_EQ(c.wire_protocol, "pgwire");
  EXPECT_EQ(c.endpoint, "db-1.example:5432");
  EXPECT_EQ(c.capabilities, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(c.encrypt, "8MQbvsqzVX4qZiKxq2y7Eg==");
  EXPECT_EQ(c.encrypt_key().size(), 16u);
  EXPECT_EQ(c.keyring_file, "/etc/wkd/keyring.json");
  EXPECT_EQ(c.snapshot_path, "/var/lib/wkd/snapshot");
  EXPECT_EQ(c.tags, (std::map<std::string, std::string>{{"rack", "r1"}, {"zone.name", "eu-west-1a"}}));
  EXPECT_EQ(c.leave_timeout_ms, 2500);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, LogFormat::json);

  // Where each value came from.
  EXPECT_EQ(c.origins.at("discovery.node_name").line, 3);
  EXPECT_EQ(c.origins.at("discovery.seeds").line, 6);
  EXPECT_EQ(c.origins.at("discovery.snapshot_path").line, 19);
  EXPECT_EQ(c.origins.at("discovery.tags.zone.name").line, 23);
  EXPECT_EQ(c.origins.at("agent.log_json").line, 28);
  EXPECT_EQ(c.origins.at("discovery.bind").flag, "");

  // wan preset, then the knobs: probe 800 < wan's probe timeout 3000 -> 400.
  const swim::Config s = c.swim();
  EXPECT_EQ(s.name, "db-1");
  EXPECT_EQ(s.advertise, Address::v4(192, 0, 2, 10, 7474));
  EXPECT_EQ(s.gossip_interval, milliseconds(150));
  EXPECT_EQ(s.probe_interval, milliseconds(800));
  EXPECT_EQ(s.probe_timeout, milliseconds(400));
  EXPECT_EQ(s.suspicion_mult, 5);  // ceil(4000 / 800)
  EXPECT_EQ(s.push_pull_interval, swim::Config::wan().push_pull_interval);
  EXPECT_EQ(s.gossip_nodes, swim::Config::wan().gossip_nodes);
  EXPECT_EQ(swim::validate(s), "");
}

TEST(AgentConfig, InlineTablesAndDottedKeysAreTheSame) {
  const AgentConfig c = parse_ok(
      "discovery.node_name = \"n1\"\n"
      "discovery.tags = { rack = \"r2\" }\n"
      "agent = { log_level = \"warn\" }\n");
  EXPECT_EQ(c.node_name, "n1");
  EXPECT_EQ(c.tags.at("rack"), "r2");
  EXPECT_EQ(c.log_level, "warn");
}

TEST(AgentConfig, TagsTableAloneDefinesDiscovery) {
  const AgentConfig c = parse_ok("[discovery.tags]\nrack = \"r1\"\n");
  EXPECT_EQ(c.tags.at("rack"), "r1");
}

// ---------------------------------------------------------------- wrong types

struct TypeCase {
  const char* table;  // "discovery" or "agent"
  const char* key;
  const char* value;
  const char* message;
};

TEST(AgentConfig, EveryKeyRejectsTheWrongType) {
  const TypeCase cases[] = {
      {"discovery", "node_name", "1", "expected a string, got integer"},
      {"discovery", "bind", "true", "expected a string, got boolean"},
      {"discovery", "advertise", "1.5", "expected a string, got floating-point"},
      {"discovery", "seeds", "\"198.51.100.1:7474\"", "expected an array of strings, got string"},
      {"discovery", "seeds", "7474", "expected an array of strings, got integer"},
      {"discovery", "seeds", "[\"a.example\", 1]", "expected an array of strings, got integer at index 1"},
      {"discovery", "gossip_interval_ms", "\"200\"", "expected an integer (milliseconds), got string"},
      {"discovery", "probe_interval_ms", "1000.0", "expected an integer (milliseconds), got floating-point"},
      {"discovery", "suspicion_timeout_ms", "true", "expected an integer (milliseconds), got boolean"},
      {"discovery", "profile", "1", "expected a string, got integer"},
      {"discovery", "http", "[]", "expected a string, got array"},
      {"discovery", "groups", "\"orders\"", "expected an array of strings, got string"},
      {"discovery", "groups", "[[\"orders\"]]", "expected an array of strings, got array at index 0"},
      {"discovery", "database_type", "1979-05-27", "expected a string, got date"},
      {"discovery", "wire_protocol", "07:32:00", "expected a string, got time"},
      {"discovery", "endpoint", "1979-05-27T07:32:00Z", "expected a string, got date-time"},
      {"discovery", "capabilities", "{ read = true }", "expected an array of strings, got table"},
      {"discovery", "encrypt", "16", "expected a string, got integer"},
      {"discovery", "keyring_file", "false", "expected a string, got boolean"},
      {"discovery", "snapshot_path", "[\"/a\"]", "expected a string, got array"},
      {"discovery", "tags", "\"rack=r1\"", "expected a table, got string"},
      {"discovery", "verify_before_dead", "1", "expected a boolean, got integer"},
      {"discovery", "join_sync_delay_ms", "\"2s\"", "expected an integer (milliseconds), got string"},
      {"agent", "leave_timeout_ms", "\"5s\"", "expected an integer (milliseconds), got string"},
      {"agent", "log_level", "2", "expected a string, got integer"},
      {"agent", "log_json", "\"yes\"", "expected a boolean, got string"},
  };
  for (const auto& c : cases) {
    const std::string text = std::string("# wkd\n[") + c.table + "]\n" + c.key + " = " + c.value + "\n" +
                             (std::string(c.table) == "agent" ? "[discovery]\n" : "");
    expect_error(text, 3, std::string(c.table) + "." + c.key, c.message);
  }
}

TEST(AgentConfig, FailureDetectionAndJoinSyncKeys) {
  // Defaults: the profile's (pre-death check on, LAN join follow-up 2 s).
  const AgentConfig d = parse_ok(disc(""));
  EXPECT_TRUE(d.swim().verify_before_dead);
  EXPECT_EQ(d.swim().join_sync_delay, seconds(2));
  EXPECT_EQ(parse_ok(disc("profile = \"wan\"")).swim().join_sync_delay, seconds(5));
  const AgentConfig c = parse_ok(disc("verify_before_dead = false\njoin_sync_delay_ms = 0"));
  EXPECT_FALSE(c.swim().verify_before_dead);
  EXPECT_EQ(c.swim().join_sync_delay, Duration::zero());
  EXPECT_EQ(parse_ok(disc("join_sync_delay_ms = 750")).swim().join_sync_delay, milliseconds(750));
  expect_error(disc("join_sync_delay_ms = -1"), 3, "discovery.join_sync_delay_ms", "-1");
  expect_error(disc("join_sync_delay_ms = 3600001"), 3, "discovery.join_sync_delay_ms", "3600001");
  // --print-config shows both, and what it prints reads back the same.
  const std::string printed = print_effective(c);
  EXPECT_NE(printed.find("verify_before_dead = false"), std::string::npos) << printed;
  EXPECT_NE(printed.find("join_sync_delay_ms = 0"), std::string::npos) << printed;
  const AgentConfig again = parse_ok(printed);
  EXPECT_FALSE(again.verify_before_dead);
  EXPECT_EQ(again.join_sync_delay_ms, 0);
}

TEST(AgentConfig, WrongTypeMessageIsExact) {
  const ConfigError e = parse_fail("[discovery]\n\nseeds = 1\n");
  EXPECT_EQ(e.to_string(), "cfg.toml:3: discovery.seeds: expected an array of strings, got integer");
}

TEST(AgentConfig, NonStringTagValue) {
  expect_error(disc("[discovery.tags]\nrack = \"r1\"\nrow = 12"), 5, "discovery.tags.row",
               "expected a string, got integer");
  expect_error(disc("[discovery.tags.rack]\nx = \"y\""), 3, "discovery.tags.rack", "expected a string, got table");
}

TEST(AgentConfig, ArrayElementErrorsPointAtTheElementLine) {
  expect_error(disc("seeds = [\n  \"a.example\",\n  false,\n]"), 5, "discovery.seeds",
               "got boolean at index 1");
}

// ---------------------------------------------------------------- ranges

struct RangeCase {
  std::string prefix;  // lines before the key (inside [discovery])
  std::string path;
  std::int64_t value;
  bool ok;
};

TEST(AgentConfig, EveryRangeBound) {
  const std::string probe1 = "probe_interval_ms = 1\n";
  const std::string probe_max = "probe_interval_ms = 3600000\n";
  const RangeCase cases[] = {
      {"", "discovery.gossip_interval_ms", -1, false},
      {"", "discovery.gossip_interval_ms", 0, false},
      {"", "discovery.gossip_interval_ms", 1, true},
      {"", "discovery.gossip_interval_ms", 3600000, true},
      {"", "discovery.gossip_interval_ms", 3600001, false},
      {"", "discovery.probe_interval_ms", 0, false},
      {"", "discovery.probe_interval_ms", 1, true},
      {"", "discovery.probe_interval_ms", 3600000, true},
      {"", "discovery.probe_interval_ms", 3600001, false},
      {probe1, "discovery.suspicion_timeout_ms", 0, false},
      {probe1, "discovery.suspicion_timeout_ms", 1, true},
      {probe_max, "discovery.suspicion_timeout_ms", 3600000, true},
      {probe_max, "discovery.suspicion_timeout_ms", 3600001, false},
  };
  for (const auto& c : cases) {
    const std::string key = c.path.substr(c.path.find('.') + 1);
    const std::string text = "# wkd\n[discovery]\n" + c.prefix + key + " = " + std::to_string(c.value) + "\n";
    SCOPED_TRACE(text);
    if (c.ok) {
      const AgentConfig cfg = parse_ok(text);
      EXPECT_EQ(swim::validate(cfg.swim()), "");
    } else {
      const int line = c.prefix.empty() ? 3 : 4;
      expect_error(text, line, c.path, std::to_string(c.value) + " is out of range; it must be 1..3600000 (ms)");
    }
  }
}

TEST(AgentConfig, LeaveTimeoutBounds) {
  for (std::int64_t v : {-1, 600001}) {
    expect_error("[agent]\nleave_timeout_ms = " + std::to_string(v) + "\n[discovery]\n", 2, "agent.leave_timeout_ms",
                 std::to_string(v) + " is out of range; it must be 0..600000 (ms)");
  }
  for (std::int64_t v : {0, 600000}) {
    EXPECT_EQ(parse_ok("[agent]\nleave_timeout_ms = " + std::to_string(v) + "\n[discovery]\n").leave_timeout_ms, v);
  }
}

TEST(AgentConfig, IntervalRangeMessageIsExact) {
  EXPECT_EQ(parse_fail(disc("gossip_interval_ms = 0")).to_string(),
            "cfg.toml:3: discovery.gossip_interval_ms: 0 is out of range; it must be 1..3600000 (ms)");
}

// ---------------------------------------------------------------- unknown keys

TEST(AgentConfig, UnknownKeyInDiscoverySuggestsTheClosest) {
  const std::string text = "[discovery]\nnode_name = \"a\"\n\n\n\n\ngossip_intervl_ms = 200\n";
  EXPECT_EQ(parse_fail(text).to_string(),
            "cfg.toml:7: discovery.gossip_intervl_ms: unknown key; did you mean gossip_interval_ms?");
  expect_error(disc("probe_interval = 1000"), 3, "discovery.probe_interval",
               "unknown key; did you mean probe_interval_ms?");
  expect_error(disc("seed = []"), 3, "discovery.seed", "did you mean seeds?");
}

TEST(AgentConfig, UnknownKeyWithoutAHint) {
  const ConfigError e = parse_fail(disc("frobnicate = 1"));
  EXPECT_EQ(e.to_string(), "cfg.toml:3: discovery.frobnicate: unknown key");
}

TEST(AgentConfig, UnknownKeyInAgent) {
  expect_error("[discovery]\n[agent]\nlog_json = true\nlog_lvl = \"info\"\n", 4, "agent.log_lvl",
               "unknown key; did you mean log_level?");
  expect_error("[discovery]\n[agent]\ncolour = true\n", 3, "agent.colour", "unknown key");
}

TEST(AgentConfig, UnknownSubtableOfDiscovery) {
  expect_error(disc("[discovery.health]\ninterval = 5"), 3, "discovery.health", "unknown key");
}

TEST(AgentConfig, FirstErrorInFileOrderIsReported) {
  // toml++ sorts keys; the reader reports by line.
  expect_error(disc("zzz = 1\naaa = 2"), 3, "discovery.zzz", "unknown key");
}

// ---------------------------------------------------------------- top level

TEST(AgentConfig, MissingDiscoveryTable) {
  for (const std::string text : {"", "# nothing\n", "[agent]\nlog_level = \"info\"\n", "[storage]\nx = 1\n"}) {
    const ConfigError e = parse_fail(text);
    EXPECT_EQ(e.to_string(), "cfg.toml: discovery: missing table: the agent needs [discovery]");
  }
}

TEST(AgentConfig, TopLevelScalarIsAnError) {
  expect_error("# top\nnode_name = \"a\"\n[discovery]\n", 2, "node_name",
               "expected a table, got string (settings go in [discovery] or [agent])");
  expect_error("ports = [1, 2]\n[discovery]\n", 1, "ports", "expected a table, got array");
  expect_error("discovery = 5\n", 1, "discovery", "expected a table, got integer");
  expect_error("agent = \"x\"\n[discovery]\n", 1, "agent", "expected a table, got string");
  expect_error("[[discovery]]\nbind = \"127.0.0.1\"\n", 1, "discovery", "expected a table, got array");
}

TEST(AgentConfig, ForeignTablesAreIgnored) {
  const AgentConfig c = parse_ok(
      "[storage]\nengine = \"lsm\"\nwhatever = [1, 2]\n"
      "[storage.cache]\nsize = 1\n"
      "[[plugins]]\nname = \"a\"\n[[plugins]]\nname = \"b\"\n"
      "[discovery]\nnode_name = \"n\"\n");
  EXPECT_EQ(c.node_name, "n");
}

// ---------------------------------------------------------------- syntax

TEST(AgentConfig, SyntaxErrorHasLineAndColumn) {
  const ConfigError e = parse_fail("[discovery]\nnode_name = \"a\"\nbind = \n");
  EXPECT_EQ(e.file, kFile);
  EXPECT_EQ(e.line, 3);
  EXPECT_GT(e.column, 0);
  EXPECT_EQ(e.key, "");
  EXPECT_EQ(e.message.rfind("invalid TOML: ", 0), 0u) << e.message;
  EXPECT_EQ(e.to_string().rfind("cfg.toml:3:" + std::to_string(e.column) + ": invalid TOML: ", 0), 0u)
      << e.to_string();

  const ConfigError unterminated = parse_fail("[discovery]\nnode_name = \"a\n");
  EXPECT_EQ(unterminated.line, 2);
  EXPECT_EQ(unterminated.column, 15);  // the end of the line, where the string stops

  const ConfigError dup = parse_fail("[discovery]\nbind = \"127.0.0.1\"\nbind = \"127.0.0.2\"\n");
  EXPECT_EQ(dup.line, 3);
  EXPECT_NE(dup.message.find("invalid TOML"), std::string::npos);
}

// ---------------------------------------------------------------- files

class ConfigFile : public ::testing::Test {
 protected:
  std::string dir_ = ::testing::TempDir() + "wkd_config_test_" + std::to_string(::getpid());
  void SetUp() override { ::mkdir(dir_.c_str(), 0700); }
  void TearDown() override {
    std::remove((dir_ + "/agent.toml").c_str());
    std::remove((dir_ + "/big.toml").c_str());
    ::rmdir(dir_.c_str());
  }
};

TEST_F(ConfigFile, LoadsAFileAndNamesItInErrors) {
  const std::string path = dir_ + "/agent.toml";
  std::ofstream(path) << "[discovery]\nnode_name = \"from-file\"\n";
  auto r = load_file(path);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->node_name, "from-file");
  EXPECT_EQ(r->source, path);

  std::ofstream(path) << "[discovery]\nnode_nam = \"x\"\n";
  auto bad = load_file(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), path + ":2: discovery.node_nam: unknown key; did you mean node_name?");
}

TEST_F(ConfigFile, MissingFile) {
  const std::string path = dir_ + "/nope.toml";
  auto r = load_file(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), path + ": cannot read: No such file or directory");
  EXPECT_EQ(r.failure().code.file, path);
  EXPECT_EQ(r.failure().code.line, 0);
}

TEST_F(ConfigFile, DirectoryPath) {
  auto r = load_file(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), dir_ + ": cannot read: Is a directory");
}

TEST_F(ConfigFile, OversizedFile) {
  const std::string path = dir_ + "/big.toml";
  std::ofstream(path).close();
  ASSERT_EQ(::truncate(path.c_str(), (16 << 20) + 1), 0);
  auto r = load_file(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), path + ": cannot read: larger than 16 MiB");
}

// ---------------------------------------------------------------- addresses

TEST(AgentConfig, BindForms) {
  EXPECT_EQ(parse_ok(disc("bind = \"127.0.0.2\"")).bind, Address::v4(127, 0, 0, 2, 7474));
  EXPECT_EQ(parse_ok(disc("bind = \"127.0.0.2:9000\"")).bind, Address::v4(127, 0, 0, 2, 9000));
  EXPECT_EQ(parse_ok(disc("bind = \"127.0.0.2:0\"")).bind, Address::v4(127, 0, 0, 2, 0));  // any free port
  EXPECT_EQ(parse_ok(disc("bind = \"[::1]:7000\"")).bind.to_string(), "[::1]:7000");
  EXPECT_EQ(parse_ok(disc("bind = \"[::1]\"")).bind.to_string(), "[::1]:7474");
}

TEST(AgentConfig, BadBind) {
  expect_error(disc("bind = \"host.example\""), 3, "discovery.bind",
               "\"host.example\" is not ip[:port]: \"host.example\" is not an IP address");
  expect_error(disc("bind = \"host.example:7474\""), 3, "discovery.bind", "is not an IP address");
  expect_error(disc("bind = \"1.2.3.4:\""), 3, "discovery.bind",
               "\"1.2.3.4:\" is not ip[:port]: the port after ':' is empty");
  expect_error(disc("bind = \"127.0.0.1:99999\""), 3, "discovery.bind", "the port 99999 is out of range");
  expect_error(disc("bind = \"127.0.0.1:http\""), 3, "discovery.bind", "the port \"http\" is not a number");
  expect_error(disc("bind = \"::1\""), 3, "discovery.bind", "an IPv6 address must be in brackets");
  expect_error(disc("bind = \"[::1\""), 3, "discovery.bind", "a '[' without its ']'");
  expect_error(disc("bind = \"[::1]7474\""), 3, "discovery.bind", "unexpected text after ']'");
  expect_error(disc("bind = \"[127.0.0.1]:7474\""), 3, "discovery.bind", "brackets are for IPv6 addresses only");
  expect_error(disc("bind = \"\""), 3, "discovery.bind", "the host is empty");
  expect_error(disc("bind = \"1.2.3.256\""), 3, "discovery.bind", "is not an IP address");
}

TEST(AgentConfig, Advertise) {
  EXPECT_EQ(*parse_ok(disc("advertise = \"192.0.2.10:7474\"")).advertise, Address::v4(192, 0, 2, 10, 7474));
  EXPECT_EQ(parse_ok(disc("advertise = \"[2001:db8::1]:7474\"")).advertise->to_string(), "[2001:db8::1]:7474");
  expect_error(disc("advertise = \"192.0.2.10\""), 3, "discovery.advertise", "the port is missing");
  expect_error(disc("advertise = \"192.0.2.10:0\""), 3, "discovery.advertise", "port 0 cannot be advertised");
  expect_error(disc("advertise = \"host.example:7474\""), 3, "discovery.advertise", "is not an IP address");
  expect_error(disc("advertise = \"192.0.2.10:99999\""), 3, "discovery.advertise", "out of range");
  expect_error(disc(std::string("advertise = \"0.0.") + "0.0:7474\""), 3, "discovery.advertise",
               "the unspecified address cannot be advertised");
  expect_error(disc(std::string("advertise = \"[:") + ":]:7474\""), 3, "discovery.advertise",
               "the unspecified address cannot be advertised");
}

TEST(AgentConfig, Http) {
  EXPECT_EQ(parse_ok(disc("http = \"127.0.0.1\"")).http, Address::v4(127, 0, 0, 1, 7475));
  EXPECT_EQ(parse_ok(disc("http = \"[::1]:8080\"")).http.to_string(), "[::1]:8080");
  const AgentConfig off = parse_ok(disc("http = \"\""));
  EXPECT_FALSE(off.http_enabled);
  expect_error(disc("http = \"host.example\""), 3, "discovery.http", "is not an IP address");
  expect_error(disc("http = \"1.2.3.4:\""), 3, "discovery.http", "the port after ':' is empty");
  expect_error(disc("http = \"localhost:99999\""), 3, "discovery.http", "the port 99999 is out of range");
}

TEST(AgentConfig, HttpMustNotTakeTheGossipPort) {
  expect_error(disc("bind = \"127.0.0.1:7475\""), 0, "discovery.http",
               "127.0.0.1:7475 takes the gossip port of bind (127.0.0.1:7475)");
  expect_error(disc("bind = \"127.0.0.1:8000\"\nhttp = \"127.0.0.1:8000\""), 4, "discovery.http",
               "takes the gossip port");
  // The default bind is the wildcard address.
  expect_error(disc("http = \"127.0.0.1:7474\""), 3, "discovery.http", "takes the gossip port");
  // Another address, or port 0, is fine.
  parse_ok(disc("bind = \"127.0.0.1:8000\"\nhttp = \"127.0.0.2:8000\""));
  parse_ok(disc("bind = \"127.0.0.1:0\"\nhttp = \"127.0.0.1:0\""));
  parse_ok(disc("bind = \"127.0.0.1:7475\"\nhttp = \"\""));
}

TEST(AgentConfig, SeedsAcceptIpsNamesAndIpv6) {
  const AgentConfig c = parse_ok(disc(
      "seeds = [\"198.51.100.7:7474\", \"198.51.100.8\", \"[::1]:7474\", \"[2001:db8::1]\", "
      "\"node2.example\", \"node3.example:9000\", \"localhost:7474\"]"));
  EXPECT_EQ(c.seeds, (std::vector<std::string>{"198.51.100.7:7474", "198.51.100.8:7474", "[::1]:7474",
                                                "[2001:db8::1]:7474", "node2.example:7474", "node3.example:9000",
                                                "localhost:7474"}));
  EXPECT_TRUE(parse_ok(disc("seeds = []")).seeds.empty());
}

TEST(AgentConfig, BadSeeds) {
  expect_error(disc("seeds = [\"host:99999\"]"), 3, "discovery.seeds",
               "\"host:99999\" is not host[:port]: the port 99999 is out of range");
  expect_error(disc("seeds = [\"1.2.3.4:\"]"), 3, "discovery.seeds", "the port after ':' is empty");
  expect_error(disc("seeds = [\"::1\"]"), 3, "discovery.seeds", "an IPv6 address must be in brackets");
  expect_error(disc("seeds = [\"[198.51.100.1]:7474\"]"), 3, "discovery.seeds", "brackets are for IPv6");
  expect_error(disc("seeds = [\"[host.example]:7474\"]"), 3, "discovery.seeds", "is not an IPv6 address");
  expect_error(disc("seeds = [\"999.1.1.1:7474\"]"), 3, "discovery.seeds", "\"999.1.1.1\" is not an IPv4 address");
  expect_error(disc("seeds = [\"bad_host!:7474\"]"), 3, "discovery.seeds", "is not a host name or IP address");
  expect_error(disc("seeds = [\"-x.example\"]"), 3, "discovery.seeds", "is not a host name or IP address");
  expect_error(disc("seeds = [\"node.example:0\"]"), 3, "discovery.seeds", "port 0 is out of range (1-65535)");
  expect_error(disc("seeds = [\"\"]"), 3, "discovery.seeds", "a seed is empty");
  expect_error(disc("seeds = [\":7474\"]"), 3, "discovery.seeds", "the host is empty");
}

TEST(AgentConfig, DuplicateSeedsAfterAddingThePort) {
  expect_error(disc("seeds = [\n  \"a.example\",\n  \"b.example\",\n  \"a.example:7474\",\n]"), 6, "discovery.seeds",
               "seed \"a.example:7474\" is listed twice");
  expect_error(disc("seeds = [\"[::1]\", \"[0::1]:7474\"]"), 3, "discovery.seeds", "listed twice");
}

// ---------------------------------------------------------------- identity

TEST(AgentConfig, Groups) {
  const std::string g63 = "g" + std::string(62, 'x');
  EXPECT_EQ(parse_ok(disc("groups = [\"" + g63 + "\", \"a.b_c-d\", \"0x\"]")).groups.size(), 3u);
  for (const std::string bad : {"Orders", "", "-x", ".x", "with space", "x/y"}) {
    expect_error(disc("groups = [\"ok\", \"" + bad + "\"]"), 3, "discovery.groups",
                 "\"" + bad + "\" is not a group name ([a-z0-9][a-z0-9._-]{0,62})");
  }
  expect_error(disc("groups = [\"" + g63 + "x\"]"), 3, "discovery.groups", "is not a group name");
  expect_error(disc("groups = [\"orders\", \"eu\", \"orders\"]"), 3, "discovery.groups",
               "group \"orders\" is listed twice");
}

TEST(AgentConfig, Capabilities) {
  expect_error(disc("capabilities = [\"read,write\"]"), 3, "discovery.capabilities", "contains a comma");
  expect_error(disc("capabilities = [\"\"]"), 3, "discovery.capabilities", "a capability is empty");
  expect_error(disc("capabilities = [\"read\", \"read\"]"), 3, "discovery.capabilities",
               "capability \"read\" is listed twice");
  expect_error(disc("capabilities = [\"a\\tb\"]"), 3, "discovery.capabilities", "contains a control character");
}

TEST(AgentConfig, EndpointAndLabels) {
  EXPECT_EQ(parse_ok(disc("endpoint = \"[2001:db8::5]:5432\"")).endpoint, "[2001:db8::5]:5432");
  expect_error(disc("endpoint = \"db-1.example\""), 3, "discovery.endpoint",
               "\"db-1.example\" is not host:port (host name, IPv4 or [IPv6], port 1-65535)");
  expect_error(disc("endpoint = \"db-1.example:0\""), 3, "discovery.endpoint", "is not host:port");
  expect_error(disc("database_type = \"pg\\u0000\""), 3, "discovery.database_type", "contains a control character");
  expect_error(disc("wire_protocol = \"" + std::string(129, 'w') + "\""), 3, "discovery.wire_protocol",
               "is 129 bytes; at most 128");
}

TEST(AgentConfig, ReservedTagKeys) {
  for (const std::string key : {"wkd", "db", "wire", "endpoint", "groups", "caps", "health"}) {
    expect_error(disc("[discovery.tags]\nrack = \"r1\"\n" + key + " = \"x\""), 5, "discovery.tags." + key,
                 "tag key \"" + key + "\" is reserved by wkd (wkd, db, wire, endpoint, groups, caps, health)");
  }
  expect_error(disc("[discovery.tags]\n\"\" = \"x\""), 4, "discovery.tags.", "a tag key is empty");
  expect_error(disc("[discovery.tags]\nrack = \"a\\nb\""), 4, "discovery.tags.rack", "contains a control character");
}

TEST(AgentConfig, IdentityMustFitTheNodeMeta) {
  std::string body = "[discovery.tags]\n";
  for (int i = 0; i < 6; ++i) body += "t" + std::to_string(i) + " = \"" + std::string(90, 'v') + "\"\n";
  expect_error(disc(body), 3, "discovery.tags", "do not fit memberlist's node meta");
  // Just under the limit is fine.
  parse_ok(disc("[discovery.tags]\nt0 = \"" + std::string(400, 'v') + "\""));
}

TEST(AgentConfig, NodeName) {
  EXPECT_EQ(parse_ok(disc("node_name = \"" + std::string(128, 'n') + "\"")).node_name.size(), 128u);
  EXPECT_EQ(parse_ok(disc("node_name = \"db-1.eu/α\"")).node_name, "db-1.eu/α");
  expect_error(disc("node_name = \"\""), 3, "discovery.node_name", "the node name is empty");
  expect_error(disc("node_name = \"" + std::string(129, 'n') + "\""), 3, "discovery.node_name",
               "the node name is 129 bytes; at most 128");
  expect_error(disc("node_name = \"db 1\""), 3, "discovery.node_name",
               "\"db 1\" contains a space or a control character");
  expect_error(disc("node_name = \"db\\t1\""), 3, "discovery.node_name", "\"db\\x091\" contains a space");
}

TEST(AgentConfig, ProfileAndLogLevel) {
  EXPECT_EQ(parse_ok(disc("profile = \"local\"")).profile, Profile::local);
  expect_error(disc("profile = \"metro\""), 3, "discovery.profile", "\"metro\" is not a profile (lan, wan or local)");
  expect_error(disc("profile = \"LAN\""), 3, "discovery.profile", "is not a profile");
  for (const std::string level : {"trace", "debug", "info", "warn", "error"}) {
    EXPECT_EQ(parse_ok("[discovery]\n[agent]\nlog_level = \"" + level + "\"\n").log_level, level);
  }
  expect_error("[discovery]\n[agent]\nlog_level = \"verbose\"\n", 3, "agent.log_level",
               "\"verbose\" is not a log level (trace, debug, info, warn or error)");
}

// ---------------------------------------------------------------- secrets and TLS

TEST(AgentConfig, EncryptKeyLengths) {
  for (std::size_t n : {16u, 24u, 32u}) {
    const AgentConfig c = parse_ok(disc("encrypt = \"" + b64_of_size(n) + "\""));
    EXPECT_EQ(c.encrypt_key(), Bytes(n, 0x5a));
  }
  for (std::size_t n : {1u, 15u, 17u, 31u, 33u, 64u}) {
    const std::string key = b64_of_size(n);
    const ConfigError e = parse_fail(disc("encrypt = \"" + key + "\""));
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.key, "discovery.encrypt");
    EXPECT_EQ(e.message, "the key is " + std::to_string(n) +
                             " bytes after base64 decoding; it must be 16, 24 or 32 (AES-128, -192 or -256)");
    EXPECT_EQ(e.to_string().find(key), std::string::npos) << "the key leaked into the message";
  }
  for (const std::string bad : {"not base64!", "AAAA=AAA", "AAA", "8MQbvsqzVX4qZiKxq2y7Eg="}) {
    const ConfigError e = parse_fail(disc("encrypt = \"" + bad + "\""));
    EXPECT_EQ(e.key, "discovery.encrypt");
    EXPECT_EQ(e.message, "the key is not valid base64 (as printed by `serf keygen`)");
  }
  EXPECT_EQ(parse_ok(disc("encrypt = \"\"")).encrypt, "");
}

TEST(AgentConfig, TlsKeysAreRefused) {
  for (const std::string key : {"tls_cert", "tls_key", "tls_ca"}) {
    for (const std::string value : {"\"/etc/wkd/tls.pem\"", "\"\"", "5"}) {
      const ConfigError e = parse_fail(disc("node_name = \"a\"\n" + key + " = " + value));
      EXPECT_EQ(e.to_string(), "cfg.toml:4: discovery." + key + ": TLS is not supported yet (" + key + ")");
    }
  }
}

TEST(AgentConfig, Paths) {
  const AgentConfig c = parse_ok(disc("keyring_file = \"rel/keyring.json\"\nsnapshot_path = \"/no/such/dir/snap\""));
  EXPECT_EQ(c.keyring_file, "rel/keyring.json");  // existence is the agent's business
  EXPECT_EQ(c.snapshot_path, "/no/such/dir/snap");
  expect_error(disc("snapshot_path = \"/a\\nb\""), 3, "discovery.snapshot_path", "contains a control character");
  expect_error(disc("keyring_file = \"/a\\u0001\""), 3, "discovery.keyring_file", "contains a control character");
}

// ---------------------------------------------------------------- timing

TEST(AgentConfig, SuspicionMultFor) {
  EXPECT_EQ(suspicion_mult_for(5000, 1000), 5);
  EXPECT_EQ(suspicion_mult_for(4500, 1000), 5);
  EXPECT_EQ(suspicion_mult_for(4001, 1000), 5);
  EXPECT_EQ(suspicion_mult_for(1000, 1000), 1);
  EXPECT_EQ(suspicion_mult_for(1, 1000), 1);
  EXPECT_EQ(suspicion_mult_for(0, 1000), 1);
  EXPECT_EQ(suspicion_mult_for(5000, 0), 1);
  EXPECT_EQ(suspicion_mult_for(5000, -5), 1);
  EXPECT_EQ(suspicion_mult_for(std::int64_t{1} << 62, 1), std::numeric_limits<int>::max());
}

TEST(AgentConfig, DerivedSuspicionMult) {
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 1000\nsuspicion_timeout_ms = 5000")).swim().suspicion_mult, 5);
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 1000\nsuspicion_timeout_ms = 4500")).swim().suspicion_mult, 5);
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 1000\nsuspicion_timeout_ms = 1000")).swim().suspicion_mult, 1);
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 1000\nsuspicion_timeout_ms = 100000")).swim().suspicion_mult, 100);
  // The profile's probe interval when none is set: wan probes every 5 s.
  EXPECT_EQ(parse_ok(disc("profile = \"wan\"\nsuspicion_timeout_ms = 12000")).swim().suspicion_mult, 3);
  // Unset: the preset's multiplier.
  EXPECT_EQ(parse_ok(disc("profile = \"local\"")).swim().suspicion_mult, swim::Config::local().suspicion_mult);
}

TEST(AgentConfig, SuspicionShorterThanProbeIntervalNamesBoth) {
  EXPECT_EQ(parse_fail(disc("probe_interval_ms = 1000\nsuspicion_timeout_ms = 500")).to_string(),
            "cfg.toml:4: discovery.suspicion_timeout_ms: 500 ms is shorter than the probe interval "
            "(discovery.probe_interval_ms = 1000 ms); it must be at least one probe interval");
  expect_error(disc("suspicion_timeout_ms = 999"), 3, "discovery.suspicion_timeout_ms",
               "999 ms is shorter than the probe interval (1000 ms, the lan profile's probe interval)");
  expect_error(disc("suspicion_timeout_ms = 4000\nprofile = \"wan\""), 3, "discovery.suspicion_timeout_ms",
               "(5000 ms, the wan profile's probe interval)");
}

TEST(AgentConfig, SuspicionAtMostAHundredProbeIntervals) {
  expect_error(disc("probe_interval_ms = 1000\nsuspicion_timeout_ms = 100001"), 4, "discovery.suspicion_timeout_ms",
               "100001 ms is more than 100 probe intervals (discovery.probe_interval_ms = 1000 ms); at most 100000 ms");
}

TEST(AgentConfig, ProbeTimeoutFollowsAShortProbeInterval) {
  // lan: probe timeout 500 ms.
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 400")).swim().probe_timeout, milliseconds(200));
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 500")).swim().probe_timeout, milliseconds(500));
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 3000")).swim().probe_timeout, milliseconds(500));
  EXPECT_EQ(parse_ok(disc("probe_interval_ms = 1")).swim().probe_timeout, milliseconds(1));
  // wan: probe timeout 3 s.
  const swim::Config wan = parse_ok(disc("profile = \"wan\"\nprobe_interval_ms = 2000")).swim();
  EXPECT_EQ(wan.probe_interval, milliseconds(2000));
  EXPECT_EQ(wan.probe_timeout, milliseconds(1000));
  EXPECT_EQ(parse_ok(disc("gossip_interval_ms = 77")).swim().gossip_interval, milliseconds(77));
}

TEST(AgentConfig, EveryProfileGivesAValidMemberlistConfig) {
  for (const char* p : {"lan", "wan", "local"}) {
    const AgentConfig c = parse_ok(disc(std::string("profile = \"") + p + "\""));
    const swim::Config s = c.swim();
    const swim::Config preset = c.profile == Profile::lan   ? swim::Config::lan()
                                : c.profile == Profile::wan ? swim::Config::wan()
                                                            : swim::Config::local();
    EXPECT_EQ(s.probe_interval, preset.probe_interval) << p;
    EXPECT_EQ(s.probe_timeout, preset.probe_timeout) << p;
    EXPECT_EQ(s.gossip_interval, preset.gossip_interval) << p;
    EXPECT_EQ(s.suspicion_mult, preset.suspicion_mult) << p;
    EXPECT_EQ(s.tcp_timeout, preset.tcp_timeout) << p;
    EXPECT_EQ(swim::validate(s), "") << p;
  }
}

// ---------------------------------------------------------------- overrides

TEST(AgentConfig, OverridesEveryFlag) {
  Overrides o;
  o.node_name = "cli-node";
  o.bind = "127.0.0.5:9000";
  o.advertise = "192.0.2.99:9000";
  o.http = "127.0.0.5";
  o.profile = "local";
  o.encrypt = b64_of_size(32);
  o.snapshot_path = "/tmp/snap";
  o.join = {"198.51.100.9", "[::1]:9000"};
  o.log_level = "trace";
  o.log_json = true;
  o.database_type = "mysql";
  o.wire_protocol = "mysql";
  o.endpoint = "db.example:3306";
  o.groups = {"billing"};
  o.tags = {"rack=r9", "note=a=b", "empty="};
  auto r = apply_overrides(parse_ok(kFull), o);
  ASSERT_TRUE(r.ok()) << r.message();
  const AgentConfig& c = *r;
  EXPECT_EQ(c.node_name, "cli-node");
  EXPECT_EQ(c.bind, Address::v4(127, 0, 0, 5, 9000));
  EXPECT_EQ(*c.advertise, Address::v4(192, 0, 2, 99, 9000));
  EXPECT_EQ(c.http, Address::v4(127, 0, 0, 5, 7475));
  EXPECT_EQ(c.profile, Profile::local);
  EXPECT_EQ(c.encrypt_key(), Bytes(32, 0x5a));
  EXPECT_EQ(c.snapshot_path, "/tmp/snap");
  EXPECT_EQ(c.seeds, (std::vector<std::string>{"198.51.100.9:7474", "[::1]:9000"}));  // replaced
  EXPECT_EQ(c.log_level, "trace");
  EXPECT_EQ(c.log_format, LogFormat::json);
  EXPECT_EQ(c.database_type, "mysql");
  EXPECT_EQ(c.wire_protocol, "mysql");
  EXPECT_EQ(c.endpoint, "db.example:3306");
  EXPECT_EQ(c.groups, (std::vector<std::string>{"billing"}));  // replaced
  EXPECT_EQ(c.tags, (std::map<std::string, std::string>{
                        {"rack", "r9"}, {"zone.name", "eu-west-1a"}, {"note", "a=b"}, {"empty", ""}}));
  EXPECT_EQ(c.origins.at("discovery.bind").flag, "--bind");
  EXPECT_EQ(c.origins.at("discovery.tags.rack").flag, "--tag");
  // Untouched file values stay.
  EXPECT_EQ(c.keyring_file, "/etc/wkd/keyring.json");
  EXPECT_EQ(c.capabilities, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(c.leave_timeout_ms, 2500);
}

TEST(AgentConfig, EmptyOverridesChangeNothing) {
  const AgentConfig file = parse_ok(kFull);
  auto r = apply_overrides(file, Overrides{});
  ASSERT_TRUE(r.ok()) << r.message();
  expect_same(*r, file);
}

TEST(AgentConfig, OverridesOnTheDefaults) {
  Overrides o;
  o.join = {"node1.example"};
  auto r = apply_overrides(AgentConfig::defaults(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->seeds, std::vector<std::string>{"node1.example:7474"});
  EXPECT_EQ(r->source, "");
}

TEST(AgentConfig, OverridesClearAdvertiseAndDisableHttp) {
  Overrides o;
  o.advertise = "";
  o.http = "";
  o.log_json = false;
  auto r = apply_overrides(parse_ok(kFull), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_FALSE(r->advertise);
  EXPECT_FALSE(r->http_enabled);
  EXPECT_EQ(r->log_format, LogFormat::text);
}

void expect_flag_error(const Overrides& o, const std::string& flag, const std::string& needle,
                       const AgentConfig& base = parse_ok(kFull)) {
  auto r = apply_overrides(base, o);
  ASSERT_FALSE(r.ok()) << flag;
  const ConfigError& e = r.failure().code;
  EXPECT_EQ(e.file, "");
  EXPECT_EQ(e.line, 0);
  EXPECT_EQ(e.key, flag) << e.to_string();
  EXPECT_NE(e.message.find(needle), std::string::npos) << e.to_string();
  EXPECT_EQ(r.message(), flag + ": " + e.message);
}

TEST(AgentConfig, BadOverridesNameTheFlag) {
  Overrides o;
  o = {}; o.node_name = "";               expect_flag_error(o, "--node-name", "the node name is empty");
  o = {}; o.node_name = "a b";            expect_flag_error(o, "--node-name", "contains a space");
  o = {}; o.bind = "host.example";        expect_flag_error(o, "--bind", "\"host.example\" is not ip[:port]");
  o = {}; o.bind = "1.2.3.4:";            expect_flag_error(o, "--bind", "the port after ':' is empty");
  o = {}; o.advertise = "192.0.2.1";      expect_flag_error(o, "--advertise", "the port is missing");
  o = {}; o.http = "127.0.0.1:99999";     expect_flag_error(o, "--http", "out of range");
  o = {}; o.profile = "metro";            expect_flag_error(o, "--profile", "is not a profile");
  o = {}; o.encrypt = "abc";              expect_flag_error(o, "--encrypt", "not valid base64");
  o = {}; o.encrypt = b64_of_size(20);    expect_flag_error(o, "--encrypt", "20 bytes");
  o = {}; o.snapshot_path = "a\nb";       expect_flag_error(o, "--snapshot-path", "control character");
  o = {}; o.join = {"host:99999"};        expect_flag_error(o, "--join", "\"host:99999\" is not host[:port]");
  o = {}; o.join = {"a.example", "a.example:7474"};
  expect_flag_error(o, "--join", "seed \"a.example:7474\" is listed twice");
  o = {}; o.log_level = "loud";           expect_flag_error(o, "--log-level", "is not a log level");
  o = {}; o.database_type = std::string(200, 'd'); expect_flag_error(o, "--database-type", "at most 128");
  o = {}; o.wire_protocol = "x\x01";      expect_flag_error(o, "--wire-protocol", "control character");
  o = {}; o.endpoint = "db.example";      expect_flag_error(o, "--endpoint", "is not host:port");
  o = {}; o.groups = {"Bad"};             expect_flag_error(o, "--group", "\"Bad\" is not a group name");
  o = {}; o.groups = {"a", "a"};          expect_flag_error(o, "--group", "group \"a\" is listed twice");
  o = {}; o.tags = {"rack"};              expect_flag_error(o, "--tag", "\"rack\" is not key=value");
  o = {}; o.tags = {"=x"};                expect_flag_error(o, "--tag", "a tag key is empty");
  o = {}; o.tags = {"db=postgres"};       expect_flag_error(o, "--tag", "tag key \"db\" is reserved");
  o = {}; o.tags = {"k=a\tb"};            expect_flag_error(o, "--tag", "control character");
}

TEST(AgentConfig, ConsistencyErrorsAfterOverridesPointAtTheirSource) {
  // The flag made the conflict: named.
  Overrides o;
  o.http = "127.0.0.1:7474";
  expect_flag_error(o, "--http", "takes the gossip port of bind", AgentConfig::defaults());
  // --profile wan makes the file's suspicion timeout shorter than wan's 5 s
  // probe interval: the file's key and line are named.
  Overrides wan;
  wan.profile = "wan";
  auto r = apply_overrides(parse_ok(disc("suspicion_timeout_ms = 2000")), wan);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(),
            "cfg.toml:3: discovery.suspicion_timeout_ms: 2000 ms is shorter than the probe interval "
            "(5000 ms, the wan profile's probe interval); it must be at least one probe interval");
  // Tags from --tag overflowing the node meta.
  Overrides big;
  for (int i = 0; i < 6; ++i) big.tags.push_back("t" + std::to_string(i) + "=" + std::string(90, 'v'));
  auto m = apply_overrides(AgentConfig::defaults(), big);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.failure().code.key, "discovery.tags");
  EXPECT_NE(m.message().find("512"), std::string::npos) << m.message();
}

// ---------------------------------------------------------------- validate()

TEST(AgentConfig, ValidateHandBuiltConfigs) {
  AgentConfig c = AgentConfig::defaults();
  c.node_name = "";
  auto e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->to_string(), "discovery.node_name: not set and the host name is unavailable; set node_name");

  c = AgentConfig::defaults();
  c.groups = {"ok", "NOT"};
  e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->to_string(), "discovery.groups: \"NOT\" is not a group name ([a-z0-9][a-z0-9._-]{0,62})");

  c = AgentConfig::defaults();
  c.bind = Address{};
  e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->to_string(), "discovery.bind: no address is set");

  c = AgentConfig::defaults();
  c.http = Address{};
  e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key, "discovery.http");
  c.http_enabled = false;
  EXPECT_FALSE(validate(c));

  c = AgentConfig::defaults();
  c.seeds = {"a.example:7474", "bad seed"};
  e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key, "discovery.seeds");

  c = AgentConfig::defaults();
  c.advertise = Address::v4(192, 0, 2, 1, 0);
  e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key, "discovery.advertise");

  c = AgentConfig::defaults();
  c.leave_timeout_ms = -5;
  e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->to_string(), "agent.leave_timeout_ms: -5 is out of range; it must be 0..600000 (ms)");

  c = AgentConfig::defaults();
  c.log_level = "loud";
  EXPECT_EQ(validate(c)->key, "agent.log_level");

  c = AgentConfig::defaults();
  c.tags = {{"health", "ok"}};
  EXPECT_EQ(validate(c)->key, "discovery.tags.health");

  c = AgentConfig::defaults();
  c.encrypt = "zz";
  EXPECT_EQ(validate(c)->key, "discovery.encrypt");

  c = AgentConfig::defaults();
  c.gossip_interval_ms = 0;
  EXPECT_EQ(validate(c)->key, "discovery.gossip_interval_ms");
}

// ---------------------------------------------------------------- errors

TEST(AgentConfig, ConfigErrorText) {
  EXPECT_EQ((ConfigError{"f.toml", 3, 0, "discovery.bind", "bad"}).to_string(), "f.toml:3: discovery.bind: bad");
  EXPECT_EQ((ConfigError{"f.toml", 3, 9, "", "invalid TOML: x"}).to_string(), "f.toml:3:9: invalid TOML: x");
  EXPECT_EQ((ConfigError{"f.toml", 0, 0, "", "cannot read: y"}).to_string(), "f.toml: cannot read: y");
  EXPECT_EQ((ConfigError{"", 0, 0, "--bind", "bad"}).to_string(), "--bind: bad");
  EXPECT_EQ((ConfigError{"", 4, 0, "discovery.bind", "bad"}).to_string(), "line 4: discovery.bind: bad");
}

// ---------------------------------------------------------------- print_effective

TEST(AgentConfig, PrintEffectiveRoundTripsAFullFile) {
  const AgentConfig c = parse_ok(kFull);
  const std::string text = print_effective(c, /*show_secrets=*/true);
  const AgentConfig back = parse_ok(text);
  expect_same(back, c);
  // The profile's values are printed, so the second print is the same text
  // up to the source line.
  auto second = parse_toml(text, kFile);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(print_effective(*second, true), text);
  EXPECT_EQ(text.find("tls_"), std::string::npos);
  EXPECT_NE(text.find("\"zone.name\" = \"eu-west-1a\""), std::string::npos) << text;
}

TEST(AgentConfig, PrintEffectiveRoundTripsTheDefaults) {
  const AgentConfig c = parse_ok("[discovery]\n");
  const std::string text = print_effective(c);
  SCOPED_TRACE(text);
  const AgentConfig back = parse_ok(text);
  expect_same(back, c);
  // Every key is there, the profile's timing included.
  for (const char* key :
       {"node_name = ", "bind = ", "seeds = []", "profile = \"lan\"", "gossip_interval_ms = 200",
        "probe_interval_ms = 1000", "suspicion_timeout_ms = 4000", "http = \"127.0.0.1:7475\"", "groups = []",
        "database_type = \"\"", "wire_protocol = \"\"", "endpoint = \"\"", "capabilities = []", "encrypt = \"\"",
        "keyring_file = \"\"", "snapshot_path = \"\"", "[discovery.tags]", "[agent]", "leave_timeout_ms = 5000",
        "log_level = \"info\"", "log_json = false", "# advertise: unset"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
  EXPECT_EQ(back.probe_interval_ms, 1000);
  EXPECT_EQ(back.suspicion_timeout_ms, 4000);
}

TEST(AgentConfig, PrintEffectiveDerivedComment) {
  const AgentConfig c = parse_ok(disc("probe_interval_ms = 1000\nsuspicion_timeout_ms = 5000"));
  const std::string text = print_effective(c);
  EXPECT_NE(text.find("# effective: probe_timeout_ms = 500, suspicion_mult = 5, suspicion min timeout = 5000 ms, "
                      "max = 30000 ms (both grow with log10 of the cluster size), push_pull_interval_ms = 30000\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("suspicion_timeout_ms = 5000\n"), std::string::npos);
  // 4500 ms is printed as set (it derives the same multiplier as 5000).
  EXPECT_NE(print_effective(parse_ok(disc("suspicion_timeout_ms = 4500"))).find("suspicion_timeout_ms = 4500\n"),
            std::string::npos);
}

TEST(AgentConfig, PrintEffectiveHidesTheKeyUnlessAsked) {
  const std::string key = b64_of_size(32);
  const AgentConfig c = parse_ok(disc("encrypt = \"" + key + "\""));
  const std::string hidden = print_effective(c);
  EXPECT_EQ(hidden.find(key), std::string::npos);
  EXPECT_NE(hidden.find("# encrypt: hidden (a 32-byte key is set)"), std::string::npos) << hidden;
  EXPECT_EQ(parse_ok(hidden).encrypt, "");
  EXPECT_NE(print_effective(c, true).find("encrypt = \"" + key + "\""), std::string::npos);
}

TEST(AgentConfig, PrintEffectiveEscapesAndQuotes) {
  AgentConfig c = parse_ok(disc("advertise = \"[2001:db8::7]:7474\"\nhttp = \"\""));
  c.tags = {{"with space", "quote \" and \\ backslash"}, {"ünï", "ç"}, {"plain_key-1", "x"}};
  c.source = "odd\nname.toml";
  c.node_name = "n\"q";  // a quote is allowed in a name; it must print as valid TOML
  const std::string text = print_effective(c);
  SCOPED_TRACE(text);
  const AgentConfig back = parse_ok(text);
  EXPECT_EQ(back.tags, c.tags);
  EXPECT_EQ(back.node_name, "n\"q");
  EXPECT_FALSE(back.http_enabled);
  EXPECT_EQ(back.advertise, c.advertise);
  EXPECT_NE(text.find("plain_key-1 = \"x\""), std::string::npos);
}

TEST(AgentConfig, PrintEffectiveAfterOverrides) {
  Overrides o;
  o.join = {"[2001:db8::2]"};
  o.tags = {"rack=r5"};
  auto r = apply_overrides(parse_ok(kFull), o);
  ASSERT_TRUE(r.ok()) << r.message();
  const AgentConfig back = parse_ok(print_effective(*r, true));
  expect_same(back, *r);
}

}  // namespace
}  // namespace wkd::config
