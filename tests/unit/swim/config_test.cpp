// swim::Config and serf::Config take their presets from the option table
// (common/option_table.hpp), and setting an option by key reaches the
// field it is bound to.
#include "swim/config.hpp"

#include <gtest/gtest.h>

#include "serf/config.hpp"

namespace wkd::swim {
namespace {

using options::Key;
using options::Preset;

Duration ms(Key k, Preset p) { return milliseconds(options::preset_value(k, p)); }

TEST(ConfigPresets, ComeFromTheOptionTable) {
  for (Preset p : {Preset::lan, Preset::wan, Preset::local}) {
    const Config c = Config::preset(p);
    EXPECT_EQ(c.probe_interval, ms(Key::PROBE_INTERVAL_MS, p));
    EXPECT_EQ(c.probe_timeout, ms(Key::PROBE_TIMEOUT_MS, p));
    EXPECT_EQ(c.gossip_interval, ms(Key::GOSSIP_INTERVAL_MS, p));
    EXPECT_EQ(c.push_pull_interval, ms(Key::PUSH_PULL_INTERVAL_MS, p));
    EXPECT_EQ(c.gossip_nodes, options::preset_value(Key::GOSSIP_NODES, p));
    EXPECT_EQ(c.suspicion_mult, options::preset_value(Key::SUSPICION_MULT, p));
    EXPECT_EQ(c.retransmit_mult, options::preset_value(Key::RETRANSMIT_MULT, p));
    EXPECT_EQ(c.verify_before_dead, options::preset_value(Key::VERIFY_BEFORE_DEAD, p) != 0);
    EXPECT_EQ(validate([&] {
                Config v = c;
                v.name = "n";
                v.advertise = *parse_address("127.0.0.1:1");
                return v;
              }()),
              "");
  }
  // A default-constructed Config is the LAN preset.
  const Config d;
  EXPECT_EQ(d.probe_interval, Config::lan().probe_interval);
  EXPECT_EQ(d.tcp_timeout, Config::lan().tcp_timeout);
  EXPECT_EQ(d.int_style, wire::msgpack::IntStyle::legacy);
}

// The table states memberlist's DefaultLANConfig, DefaultWANConfig and
// DefaultLocalConfig; a few of their values, checked against memberlist's
// config.go, so an edit of the table that breaks timing parity fails here.
TEST(ConfigPresets, AreMemberlistsDefaults) {
  EXPECT_EQ(Config::lan().probe_interval, seconds(1));
  EXPECT_EQ(Config::wan().probe_interval, seconds(5));
  EXPECT_EQ(Config::wan().probe_timeout, seconds(3));
  EXPECT_EQ(Config::local().probe_timeout, milliseconds(200));
  EXPECT_EQ(Config::wan().suspicion_mult, 6);
  EXPECT_EQ(Config::local().indirect_checks, 1);
  EXPECT_EQ(Config::wan().push_pull_interval, seconds(60));
}

TEST(ConfigOptions, SetByKeyReachesTheBoundField) {
  Config c;
  EXPECT_TRUE(set_option(c, Key::GOSSIP_NODES, 7));
  EXPECT_EQ(c.gossip_nodes, 7);
  EXPECT_TRUE(set_option(c, Key::PROBE_TIMEOUT_MS, 250));
  EXPECT_EQ(c.probe_timeout, milliseconds(250));
  EXPECT_TRUE(set_option(c, Key::LEGACY_INT_ENCODING, 0));
  EXPECT_EQ(c.int_style, wire::msgpack::IntStyle::v2);
  EXPECT_FALSE(set_option(c, Key::TOMBSTONE_TIMEOUT_MS, 5000));  // a serf option

  serf::Config s = serf::Config::preset(Preset::wan);
  EXPECT_EQ(s.memberlist.probe_interval, ms(Key::PROBE_INTERVAL_MS, Preset::wan));
  EXPECT_EQ(s.tombstone_timeout, ms(Key::TOMBSTONE_TIMEOUT_MS, Preset::wan));
  EXPECT_TRUE(serf::set_option(s, Key::TOMBSTONE_TIMEOUT_MS, 5000));
  EXPECT_EQ(s.tombstone_timeout, milliseconds(5000));
  EXPECT_TRUE(serf::set_option(s, Key::GOSSIP_NODES, 9));
  EXPECT_EQ(s.memberlist.gossip_nodes, 9);
  EXPECT_FALSE(serf::set_option(s, Key::RNG_SEED, 1));  // a node option
}

TEST(ConfigValidate, BoundsComeFromTheTable) {
  Config c;
  c.name = "n";
  c.advertise = *parse_address("127.0.0.1:1");
  c.indirect_checks = 65;
  EXPECT_EQ(validate(c), "indirect_checks must be in [0, 64]");
  c.indirect_checks = 3;
  c.udp_buffer_size = 100;
  EXPECT_EQ(validate(c), "udp_buffer_size must be in [512, 65000]");
}

}  // namespace
}  // namespace wkd::swim
