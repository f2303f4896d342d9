// Semantic Versioning 2.0.0: versions, their precedence, and ranges.
//
// A Version is the strict semver text "MAJOR.MINOR.PATCH[-PRE][+BUILD]": no
// leading "v", no leading zeros in numeric identifiers, numbers up to
// 2^64-1. Precedence follows semver §11: numbers compare numerically, a
// pre-release version is lower than its release, pre-release identifiers
// compare numeric < alphanumeric, numbers numerically, text in ASCII order,
// and a longer list wins when the shorter is its prefix. Build metadata is
// kept but never compared.
//
// A Range is a set of versions written as comparators:
//   "1.2.3" "=1.2.3"   exactly that version
//   ">1.2.3" ">=1.2" "<2" "<=1.4"
//   "~1.2.3"           >=1.2.3 <1.3.0     "~1" is >=1.0.0 <2.0.0
//   "^1.2.3"           >=1.2.3 <2.0.0     "^0.2.3" is >=0.2.3 <0.3.0,
//                                         "^0.0.3" is >=0.0.3 <0.0.4
//   "1.x" "1.2.*" "1"  a partial version matches every version it leaves open
//   "*" "x"            any version
// Comparators separated by spaces must all hold (AND: ">=2.0.0 <3");
// alternatives are separated by "||" (OR). Upper bounds drawn from a
// partial version exclude that version's pre-releases ("<2" excludes
// 2.0.0-rc.1). As in npm, a pre-release version satisfies an alternative
// only when one of its comparators names a pre-release of the same
// MAJOR.MINOR.PATCH (">=1.2.3-beta <2" admits 1.2.3-rc.1, not 1.5.0-rc.1).
// Hyphen ranges ("1.0.0 - 2.0.0") are not supported: write ">=1.0.0 <=2.0.0".
//
// Texts longer than kMaxText characters are refused. Errors name the
// 1-based position of the offending character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/errors.hpp"

namespace wkd::registry::semver {

inline constexpr std::size_t kMaxText = 256;

struct Version {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;    // pre-release identifiers
  std::vector<std::string> build;  // build metadata (ignored by precedence)

  std::string to_string() const;
};

// Parses strict semver 2.0.0 text. The message does not name the field; the
// caller prefixes it ("version: at position 3: ...").
Result<Version> parse(std::string_view text);
bool is_valid(std::string_view text);

// Precedence: negative, zero or positive. Versions differing only in build
// metadata compare equal.
int compare(const Version& a, const Version& b) noexcept;

namespace detail {
// Parses text[begin, end) as a version, counting error positions from the
// start of `text` (so that a range reports positions in its own text).
// No length check.
Result<Version> parse_within(std::string_view text, std::size_t begin, std::size_t end);
}  // namespace detail

enum class Op : std::uint8_t { eq, lt, le, gt, ge };

struct Comparator {
  Op op = Op::eq;
  Version version;
  bool names_prerelease = false;  // the text of this comparator had a pre-release
};

class Range {
 public:
  static Result<Range> parse(std::string_view text);

  bool contains(const Version& v) const noexcept;
  // The text it was parsed from.
  const std::string& text() const noexcept { return text_; }
  // The alternatives (OR) of comparator sets (AND); an empty set is "any".
  const std::vector<std::vector<Comparator>>& alternatives() const noexcept { return sets_; }

 private:
  std::vector<std::vector<Comparator>> sets_;
  std::string text_;
};

}  // namespace wkd::registry::semver
