#include "registry/semver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wkd::registry::semver {
namespace {

Version v(const char* text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.message();
  return r.ok() ? *r : Version{};
}

TEST(Semver, ParsesTheParts) {
  const Version a = v("1.22.333-alpha.1.x-y+build.007");
  EXPECT_EQ(a.major, 1u);
  EXPECT_EQ(a.minor, 22u);
  EXPECT_EQ(a.patch, 333u);
  EXPECT_EQ(a.pre, (std::vector<std::string>{"alpha", "1", "x-y"}));
  EXPECT_EQ(a.build, (std::vector<std::string>{"build", "007"}));
  EXPECT_EQ(a.to_string(), "1.22.333-alpha.1.x-y+build.007");
  EXPECT_EQ(v("18446744073709551615.0.0").major, 18446744073709551615ull);
}

// The valid examples of the semver 2.0.0 text.
TEST(Semver, AcceptsTheSpecExamples) {
  for (const char* t : {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0-x-y-z.--",
                        "1.0.0-alpha+001", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
                        "1.0.0+21AF26D3----117B344092BD", "0.0.0", "1.0.0-0A.is.legal"}) {
    EXPECT_TRUE(is_valid(t)) << t << ": " << parse(t).message();
  }
}

TEST(Semver, RefusesWithThePosition) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"01.1.1", "at position 1: the major version has a leading zero"},
      {"1.01.1", "at position 3: the minor version has a leading zero"},
      {"1.1.01", "at position 5: the patch version has a leading zero"},
      {"1.2", "at position 4: expected '.' before the patch version, found the end of the text"},
      {"1.2.3-0123", "at position 7: a numeric pre-release identifier has a leading zero"},
      {"1.2.3-", "at position 7: expected a pre-release identifier, found the end of the text"},
      {"1.2.3+", "at position 7: expected a build identifier, found the end of the text"},
      {"1.2.3-alpha..1", "at position 13: expected a pre-release identifier, found '.'"},
      {"v1.2.3", "at position 1: expected the major version, found 'v'"},
      {"1.2.3.4", "at position 6: found '.' after the version"},
      {" 1.2.3", "at position 1: expected the major version, found a space"},
      {"1.2.3 ", "at position 6: found a space after the version"},
      {"18446744073709551616.0.0", "at position 1: the major version is larger than 2^64-1"},
      {"1.2.3-\xc3\x8e", "at position 7: expected a pre-release identifier, found the byte 0xc3"},
  };
  for (const auto& c : cases) {
    auto r = parse(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.code(), Err::invalid_argument);
    EXPECT_EQ(r.message(), c.message) << c.text;
  }
  EXPECT_EQ(parse("").message(), "is empty; expected MAJOR.MINOR.PATCH");
  const std::string longest = "1.0.0-" + std::string(250, 'a');
  EXPECT_TRUE(is_valid(longest));
  auto too_long = parse(longest + "a");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.code(), Err::too_large);
  EXPECT_EQ(too_long.message(), "is 257 characters long; the limit is 256");
}

// Semver §11: each of these has lower precedence than the next.
TEST(Semver, PrecedenceFollowsTheSpec) {
  const std::vector<const char*> chains[] = {
      {"1.0.0", "2.0.0", "2.1.0", "2.1.1"},
      {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
       "1.0.0-rc.1", "1.0.0"},
      {"1.9.0", "1.10.0", "1.11.0"},
      {"0.0.0-0", "0.0.0-0.0", "0.0.0-1", "0.0.0-a", "0.0.0"},
      {"1.0.0-2", "1.0.0-10", "1.0.0-1a"},
  };
  for (const auto& chain : chains) {
    for (std::size_t i = 0; i < chain.size(); ++i) {
      for (std::size_t j = 0; j < chain.size(); ++j) {
        const int want = i < j ? -1 : (i > j ? 1 : 0);
        EXPECT_EQ(compare(v(chain[i]), v(chain[j])), want) << chain[i] << " vs " << chain[j];
      }
    }
  }
}

TEST(Semver, BuildMetadataDoesNotCount) {
  EXPECT_EQ(compare(v("1.0.0+a"), v("1.0.0+b")), 0);
  EXPECT_EQ(compare(v("1.0.0-rc.1+x"), v("1.0.0-rc.1")), 0);
  EXPECT_LT(compare(v("1.0.0-rc.1+zzz"), v("1.0.0")), 0);
}

}  // namespace
}  // namespace wkd::registry::semver
