// wkd identity <-> serf tags: the round trip, every validation error, and
// how plain serf peers read back.
#include "serf/identity.hpp"

#include <gtest/gtest.h>

namespace wkd::serf {
namespace {

Identity sample() {
  Identity id;
  id.wkd_version = "0.1.0";
  id.database_type = "postgres";
  id.wire_protocol = "pgwire";
  id.endpoint = "db1.example.com:5432";
  id.groups = {"eu-west", "primary.v2"};
  id.capabilities = {"read", "write", "backup:pitr"};
  id.health = Health::warning;
  id.tags = {{"role", "db"}, {"rack", "r12"}};
  return id;
}

void expect_invalid(const Identity& id, std::string_view needle) {
  auto tags = to_tags(id);
  ASSERT_FALSE(tags.ok());
  EXPECT_EQ(tags.code(), Err::invalid_argument);
  EXPECT_NE(tags.message().find(needle), std::string::npos) << tags.message();
}

TEST(SerfIdentity, TagsUseTheReservedKeys) {
  auto tags = to_tags(sample());
  ASSERT_TRUE(tags.ok()) << tags.message();
  const wire::Tags want{{"wkd", "0.1.0"},
                        {"db", "postgres"},
                        {"wire", "pgwire"},
                        {"endpoint", "db1.example.com:5432"},
                        {"groups", "eu-west,primary.v2"},
                        {"caps", "read,write,backup:pitr"},
                        {"health", "warning"},
                        {"role", "db"},
                        {"rack", "r12"}};
  EXPECT_EQ(*tags, want);
}

TEST(SerfIdentity, RoundTrips) {
  for (Health h : {Health::passing, Health::warning, Health::critical}) {
    Identity id = sample();
    id.health = h;
    auto tags = to_tags(id);
    ASSERT_TRUE(tags.ok());
    EXPECT_EQ(identity_from_tags(*tags), id);
  }
}

TEST(SerfIdentity, OptionalFieldsAreLeftOut) {
  Identity id;
  id.wkd_version = "1";
  id.health = Health::unknown;
  auto tags = to_tags(id);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (wire::Tags{{"wkd", "1"}}));
  EXPECT_EQ(identity_from_tags(*tags), id);
}

TEST(SerfIdentity, PlainSerfPeerHasUnknownHealthAndOnlyFreeTags) {
  const wire::Tags tags{{"role", "web"}, {"dc", "x"}, {"health", "passing"}};
  Identity id = identity_from_tags(tags);
  EXPECT_FALSE(id.is_wkd());
  EXPECT_EQ(id.health, Health::unknown);
  EXPECT_EQ(id.tags, tags);  // even `health` is just a tag on a non-wkd node
  EXPECT_TRUE(id.groups.empty());
}

TEST(SerfIdentity, UnknownHealthValueReadsAsUnknown) {
  Identity id = identity_from_tags({{"wkd", "1"}, {"health", "great"}});
  EXPECT_TRUE(id.is_wkd());
  EXPECT_EQ(id.health, Health::unknown);
}

TEST(SerfIdentity, RequiresAVersion) {
  Identity id = sample();
  id.wkd_version.clear();
  expect_invalid(id, "wkd_version");
}

TEST(SerfIdentity, RejectsBadGroups) {
  for (const char* g : {"EU", "-eu", ".eu", "eu west", "eu,west", "",
                        "a123456789012345678901234567890123456789012345678901234567890123"}) {
    Identity id = sample();
    id.groups = {g};
    expect_invalid(id, "bad group");
  }
  Identity ok = sample();
  ok.groups = {"a", "0", "a.b_c-d", std::string(63, 'x')};
  EXPECT_TRUE(to_tags(ok).ok());
  EXPECT_TRUE(valid_group_name(std::string(63, 'x')));
  EXPECT_FALSE(valid_group_name(std::string(64, 'x')));
}

TEST(SerfIdentity, RejectsDuplicateGroups) {
  Identity id = sample();
  id.groups = {"a", "a"};
  expect_invalid(id, "twice");
}

TEST(SerfIdentity, RejectsReservedKeysAsFreeTags) {
  for (const char* key : {"wkd", "db", "wire", "endpoint", "groups", "caps", "health"}) {
    Identity id = sample();
    id.tags[key] = "x";
    expect_invalid(id, "reserved");
  }
}

TEST(SerfIdentity, RejectsEndpointsThatAreNotHostPort) {
  for (const char* e : {"db1", "db1:", "db1:0", "db1:65536", ":5432", "db1:54a", "::1:5432", "[::1]",
                        "[::1]5432", "[127.0.0.1]:5432", "bad_host:5432", "-x.example:1"}) {
    Identity id = sample();
    id.endpoint = e;
    expect_invalid(id, "host:port");
  }
  for (const char* e : {"db1:1", "127.0.0.1:5432", "[::1]:5432", "[2001:db8::7]:65535", "a-b.c:80"}) {
    EXPECT_TRUE(valid_endpoint(e)) << e;
  }
}

TEST(SerfIdentity, RejectsCommasInCapabilities) {
  Identity id = sample();
  id.capabilities = {"read,write"};
  expect_invalid(id, "comma");
  id.capabilities = {""};
  expect_invalid(id, "empty capability");
  id.capabilities = {"read", "read"};
  expect_invalid(id, "twice");
}

}  // namespace
}  // namespace wkd::serf
