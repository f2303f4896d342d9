// serf::SharedTags: a member's tags in one immutable block, read like a
// const map whose keys and values are C strings.
#include "serf/shared_tags.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace wkd::serf {
namespace {

TEST(SharedTags, ReadsLikeTheMapItWasBuiltFrom) {
  const wire::Tags map{{"wkd", "0.1.0"}, {"db", "postgres"}, {"role", ""}, {"zone", "eu-west-1a"}};
  const SharedTags t(map);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_FALSE(t.empty());
  std::vector<std::string> keys;
  for (const auto& [k, v] : t) keys.emplace_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"db", "role", "wkd", "zone"}));  // key order
  EXPECT_EQ(t.at("db"), "postgres");
  EXPECT_EQ(t.at("role"), "");
  EXPECT_EQ(t.count("zone"), 1u);
  EXPECT_EQ(t.count("rack"), 0u);
  EXPECT_EQ(t.find("rack"), t.end());
  EXPECT_EQ(t.find("a"), t.end());     // before the first key
  EXPECT_EQ(t.find("zzz"), t.end());   // after the last
  EXPECT_THROW((void)t.at("rack"), std::out_of_range);
  EXPECT_TRUE(t == map);
  EXPECT_EQ(t.to_map(), map);
}

TEST(SharedTags, KeysAndValuesAreCStrings) {
  const SharedTags t(wire::Tags{{"a", "1"}, {"bb", std::string(400, 'v')}, {"c", ""}});
  for (const auto& [k, v] : t) {
    EXPECT_EQ(k.data()[k.size()], '\0') << k;
    EXPECT_EQ(v.data()[v.size()], '\0') << k;
    EXPECT_EQ(std::strlen(v.data()), v.size()) << k;
  }
  EXPECT_EQ(t.at("bb").size(), 400u);
}

TEST(SharedTags, EmptyAndDefaultAreEqual) {
  const SharedTags none;
  const SharedTags empty{wire::Tags{}};
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_EQ(none.find("x"), none.end());
  EXPECT_TRUE(none == empty);
  EXPECT_TRUE(none == wire::Tags{});
  EXPECT_FALSE(none == (wire::Tags{{"x", "1"}}));
}

TEST(SharedTags, CopiesShareOneBlockAndCompareByContentOtherwise) {
  const wire::Tags map{{"role", "db"}};
  const SharedTags a(map);
  const SharedTags copy = a;
  const SharedTags rebuilt(map);
  EXPECT_TRUE(copy.same_object(a));
  EXPECT_FALSE(rebuilt.same_object(a));
  EXPECT_TRUE(rebuilt == a);
  EXPECT_FALSE(SharedTags(wire::Tags{{"role", "web"}}) == a);  // same key, other value
  EXPECT_FALSE(SharedTags(wire::Tags{{"rolf", "db"}}) == a);   // other key, same value
  EXPECT_FALSE(SharedTags(wire::Tags{{"role", "db"}, {"x", ""}}) == a);
  EXPECT_FALSE(a == (wire::Tags{{"role", "db"}, {"x", ""}}));
}

TEST(SharedTags, BytesAreKeptAsTheyCame) {
  // Keys order as std::string does (unsigned bytes), so a UTF-8 key sorts
  // after every ASCII one, and lookups agree with the map.
  const wire::Tags map{{"\xc3\xbc", "u"}, {"z", "\x01\x7f"}, {"A", "caps"}};
  const SharedTags t(map);
  EXPECT_EQ(t.to_map(), map);
  for (const auto& [k, v] : map) EXPECT_EQ(t.at(k), v) << k;
  EXPECT_EQ((*t.begin()).first, "A");
}

}  // namespace
}  // namespace wkd::serf
