// The replica's configuration is checked before use: each refusal names
// its field.
#include <gtest/gtest.h>

#include <string>

#include "registry/replica.hpp"

namespace wkd::registry {
namespace {

ReplicaConfig named() {
  ReplicaConfig c;
  c.store.node = "node-a";
  return c;
}

void expect_refused(const ReplicaConfig& c, const std::string& field) {
  const auto st = validate(c);
  ASSERT_FALSE(st.ok()) << field;
  EXPECT_NE(st.message().find(field), std::string::npos) << st.message();
}

TEST(RegistryReplicaConfig, TheDefaultsAreValid) { EXPECT_TRUE(validate(named()).ok()); }

TEST(RegistryReplicaConfig, TheRecentSetSettingsAreChecked) {
  auto c = named();
  c.recent_interval = std::chrono::milliseconds(0);
  expect_refused(c, "recent_interval");
  c = named();
  c.recent_interval = std::chrono::milliseconds(-5);
  expect_refused(c, "recent_interval");
  c = named();
  c.recent_peers = -1;
  expect_refused(c, "recent_peers");
  c.recent_peers = 65;
  expect_refused(c, "recent_peers");
  c.recent_peers = 0;  // the recent set off: only the rumour and anti-entropy
  EXPECT_TRUE(validate(c).ok());
}

TEST(RegistryReplicaConfig, TheOtherSettingsNameTheirField) {
  auto c = named();
  c.fanout = 65;
  expect_refused(c, "fanout");
  c = named();
  c.sync_interval = Duration::zero();
  expect_refused(c, "sync_interval");
  c = named();
  c.store.node.clear();
  expect_refused(c, "node");
}

}  // namespace
}  // namespace wkd::registry
