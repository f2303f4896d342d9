#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/rng.hpp"
#include "registry/semver.hpp"

namespace wkd::registry::semver {
namespace {

bool in(const char* range, const char* version) {
  auto r = Range::parse(range);
  EXPECT_TRUE(r.ok()) << range << ": " << r.message();
  auto ver = parse(version);
  EXPECT_TRUE(ver.ok()) << version;
  return r.ok() && ver.ok() && r->contains(*ver);
}

struct Case {
  const char* range;
  const char* version;
};

// Each pair: the version is inside the range.
const Case kInside[] = {
    {">=2.0.0 <3", "2.0.0"},       {">=2.0.0 <3", "2.9.9"},       {"^1.2", "1.2.0"},
    {"^1.2", "1.99.0"},            {"^1.2.3", "1.2.3"},           {"^0.2.3", "0.2.9"},
    {"^0.0.3", "0.0.3"},           {"^0.x", "0.9.0"},             {"^0.0", "0.0.7"},
    {"~1.2.3", "1.2.9"},           {"~1.2", "1.2.0"},             {"~1", "1.9.0"},
    {"=1.0.0", "1.0.0"},           {"1.0.0", "1.0.0+build"},      {"1.x", "1.0.0"},
    {"1.x", "1.99.99"},            {"1.2.*", "1.2.7"},            {"1", "1.4.0"},
    {"*", "0.0.0"},                {"x", "99.0.0"},               {">1.2.3", "1.2.4"},
    {">1", "2.0.0"},               {">1.2", "1.3.0"},             {">=1.2", "1.2.0"},
    {"<1.2", "1.1.99"},            {"<=1.2", "1.2.99"},           {"<=1.2.3", "1.2.3"},
    {"1.0.0 || 2.x", "2.5.0"},     {"<1 || >=3", "0.5.0"},        {"<1 || >=3", "3.0.0"},
    {">= 1.2.3   <  2", "1.5.0"},  {">=1.2.3-beta <2", "1.2.3-rc.1"}, {"~1.2.3-beta.2", "1.2.3-beta.4"},
    {"^1.2.3-beta", "1.2.3-beta"}, {"1.2.3-alpha", "1.2.3-alpha"},
};

// Each pair: the version is outside the range.
const Case kOutside[] = {
    {">=2.0.0 <3", "3.0.0"},        {">=2.0.0 <3", "1.9.9"},       {">=2.0.0 <3", "3.0.0-rc.1"},
    {"^1.2", "2.0.0"},              {"^1.2", "1.1.9"},             {"^0.2.3", "0.3.0"},
    {"^0.0.3", "0.0.4"},            {"^0.0", "0.1.0"},             {"~1.2.3", "1.3.0"},
    {"~1.2.3", "1.2.2"},            {"~1", "2.0.0"},               {"=1.0.0", "1.0.1"},
    {"1.x", "2.0.0"},               {"1.x", "2.0.0-alpha"},        {"1.2.*", "1.3.0"},
    {">1.2.3", "1.2.3"},            {">1", "1.9.9"},               {">1.2", "1.2.9"},
    {"<1.2", "1.2.0"},              {"<1.2", "1.2.0-alpha"},       {"<=1.2", "1.3.0"},
    {"1.0.0 || 2.x", "1.5.0"},      {"<1 || >=3", "2.0.0"},        {"<*", "0.0.0"},
    {">*", "1.0.0"},
    // A pre-release counts only when its comparator set names one of the same version.
    {"*", "1.0.0-rc.1"},            {">=1.2.3-beta <2", "1.5.0-rc.1"}, {"^1.2", "1.5.0-beta"},
    {">=1.0.0", "1.0.1-alpha"},     {"~1.2.3-beta.2", "1.2.3-beta.1"},
};

TEST(SemverRange, Inside) {
  for (const auto& c : kInside) EXPECT_TRUE(in(c.range, c.version)) << c.range << " should hold " << c.version;
}

TEST(SemverRange, Outside) {
  for (const auto& c : kOutside) EXPECT_FALSE(in(c.range, c.version)) << c.range << " should not hold " << c.version;
}

TEST(SemverRange, DesugarsCaretIntoBounds) {
  auto r = Range::parse("^1.2");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->alternatives().size(), 1u);
  const auto& set = r->alternatives()[0];
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0].op, Op::ge);
  EXPECT_EQ(set[0].version.to_string(), "1.2.0");
  EXPECT_EQ(set[1].op, Op::lt);
  EXPECT_EQ(set[1].version.to_string(), "2.0.0-0");
  EXPECT_EQ(r->text(), "^1.2");
}

TEST(SemverRange, NoUpperBoundPastTheLargestNumber) {
  EXPECT_TRUE(in("^18446744073709551615", "18446744073709551615.5.0"));
  EXPECT_TRUE(in("~18446744073709551615.18446744073709551615", "18446744073709551615.18446744073709551615.3"));
}

TEST(SemverRange, RefusesWithThePosition) {
  const Case cases[] = {
      {"", "is empty; write '*' for any version"},
      {"   ", "is empty; write '*' for any version"},
      {">=1.0.0 ||", "at position 11: an alternative is empty"},
      {"|| 1.0.0", "at position 1: an alternative is empty"},
      {"1.0.0 | 2.0.0", "at position 7: expected the major version (a number, 'x' or '*'), found '|'"},
      {">=", "at position 1: the operator is not followed by a version"},
      {">=1.0.0 <", "at position 9: the operator is not followed by a version"},
      {"1.0.0 - 2.0.0", "at position 7: hyphen ranges are not supported; write >=A <=B"},
      {"1.x.3", "at position 5: the patch version follows a wildcard; write 'x' or '*'"},
      {"1.2-beta", "at position 4: a pre-release or build needs a full MAJOR.MINOR.PATCH"},
      {">=01.0.0", "at position 3: the major version has a leading zero"},
      {">=1.0.0-01", "at position 9: a numeric pre-release identifier has a leading zero"},
      {"1.0.0,2.0.0", "at position 6: unexpected ',' in the version"},
      {"=>1.0.0", "at position 2: expected the major version (a number, 'x' or '*'), found '>'"},
      {"1.0.0\t", "at position 6: a control or non-ASCII byte"},
      {"v1", "at position 1: expected the major version (a number, 'x' or '*'), found 'v'"},
  };
  for (const auto& c : cases) {
    auto r = Range::parse(c.range);
    ASSERT_FALSE(r.ok()) << c.range;
    EXPECT_EQ(r.code(), Err::invalid_argument);
    EXPECT_EQ(r.message(), c.version) << c.range;
  }
  auto too_long = Range::parse(std::string(257, '*'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.code(), Err::too_large);
  EXPECT_EQ(too_long.message(), "is 257 characters long; the limit is 256");
}

}  // namespace
}  // namespace wkd::registry::semver

namespace wkd::registry::semver {
namespace {

// Random texts built from the grammar's pieces: every one is either
// accepted or refused with a positioned message, and an accepted version
// prints back to the same text.
TEST(SemverRange, RandomTextsAreAcceptedOrRefusedCleanly) {
  static const char* const kPieces[] = {"0", "1", "12", "01", "x", "*", ".", ".", "-", "+", "alpha", "rc.1",
                                        " ", ">=", "<", "^", "~", "||", "=", "1.2.3", "0.0"};
  constexpr std::size_t kCount = sizeof kPieces / sizeof kPieces[0];
  Rng rng(7);
  int versions = 0, ranges = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (std::uint64_t n = 1 + rng.below(8); n > 0; --n) text += kPieces[rng.below(kCount)];
    if (auto v = parse(text); v.ok()) {
      ++versions;
      EXPECT_EQ(v->to_string(), text);
    } else {
      EXPECT_TRUE(v.message().rfind("at position ", 0) == 0 || v.message().rfind("is ", 0) == 0) << v.message();
    }
    if (auto r = Range::parse(text); r.ok()) {
      ++ranges;
      (void)r->contains(*parse("1.2.3"));
      (void)r->contains(*parse("0.0.0-0"));
    } else {
      EXPECT_TRUE(r.message().rfind("at position ", 0) == 0 || r.message().rfind("is ", 0) == 0) << r.message();
    }
  }
  // The generator reaches the accepting paths too.
  EXPECT_GT(versions, 50);
  EXPECT_GT(ranges, 500);
}

}  // namespace
}  // namespace wkd::registry::semver
