// What the version and the range parsers share: a reading position over the
// whole text (so that errors name the position in what the user wrote) and
// the character classes of semver.
#pragma once

#include <cstddef>
#include <string_view>

namespace wkd::registry::semver::text {

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  std::size_t end = 0;  // exclusive

  bool done() const noexcept { return pos >= end; }
  char peek() const noexcept { return done() ? '\0' : text[pos]; }
};

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace wkd::registry::semver::text
