// discovery.reconnect_timeout_ms: default, range, and the --print-config
// round trip.
#include <string>

#include <gtest/gtest.h>

#include "config/agent_config.hpp"

namespace wkd::config {
namespace {

ConfigResult<AgentConfig> parse(const std::string& discovery_line) {
  return parse_toml("[discovery]\nnode_name = \"n\"\n" + discovery_line + "\n", "cfg.toml");
}

TEST(AgentConfigReconnect, DefaultIsOneDay) {
  auto r = parse("");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->reconnect_timeout_ms, 24LL * 3600 * 1000);
}

TEST(AgentConfigReconnect, SetAndPrintedBack) {
  auto r = parse("reconnect_timeout_ms = 30000");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->reconnect_timeout_ms, 30000);
  const std::string printed = print_effective(*r);
  EXPECT_NE(printed.find("reconnect_timeout_ms = 30000"), std::string::npos) << printed;
  auto again = parse_toml(printed, "printed.toml");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->reconnect_timeout_ms, 30000);
}

TEST(AgentConfigReconnect, OutOfRangeAndWrongTypeAreNamed) {
  for (const char* bad : {"reconnect_timeout_ms = 999", "reconnect_timeout_ms = 31536000001",
                          "reconnect_timeout_ms = \"30s\""}) {
    auto r = parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.message().find("cfg.toml:3: discovery.reconnect_timeout_ms"), std::string::npos) << r.message();
  }
}

TEST(AgentConfigRegistry, DefaultsSetPrintedBackAndRangesNamed) {
  auto d = parse("");
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->registry_down_drop_after_ms, 3600LL * 1000);
  EXPECT_EQ(d->registry_tombstone_retention_ms, 24LL * 3600 * 1000);
  EXPECT_EQ(d->registry_sync_interval_ms, 5000);
  auto r = parse_toml("[discovery]\nnode_name = \"n\"\nregistry_down_drop_after_ms = 20000\n"
                      "registry_tombstone_retention_ms = 60000\nregistry_sync_interval_ms = 2000\n",
                      "cfg.toml");
  ASSERT_TRUE(r.ok()) << r.message();
  const std::string printed = print_effective(*r);
  auto again = parse_toml(printed, "printed.toml");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->registry_down_drop_after_ms, 20000);
  EXPECT_EQ(again->registry_tombstone_retention_ms, 60000);
  EXPECT_EQ(again->registry_sync_interval_ms, 2000);
  for (const char* bad : {"registry_down_drop_after_ms = 999", "registry_sync_interval_ms = 99",
                          "registry_tombstone_retention_ms = \"1d\""}) {
    auto b = parse(bad);
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(b.message().find("cfg.toml:3: discovery.registry_"), std::string::npos) << b.message();
  }
}

}  // namespace
}  // namespace wkd::config
