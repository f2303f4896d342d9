#include "registry/semver.hpp"
#include "registry/semver_text.hpp"

#include <limits>
#include <optional>
#include <utility>

namespace wkd::registry::semver {

namespace {

using text::Cursor;
using text::is_digit;

bool is_ident_char(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

Failure<Err> error_at(std::size_t pos, const std::string& what) {
  return invalid("at position " + std::to_string(pos + 1) + ": " + what);
}

std::string describe(const Cursor& c) {
  if (c.done()) return "the end of the text";
  const char ch = c.peek();
  if (ch == ' ') return "a space";
  if (ch > ' ' && ch < 0x7f) return std::string("'") + ch + "'";
  static const char* const kHex = "0123456789abcdef";
  const auto b = static_cast<unsigned char>(ch);
  return std::string("the byte 0x") + kHex[b >> 4] + kHex[b & 15];
}

Result<std::uint64_t> read_number(Cursor& c, const char* what) {
  const std::size_t start = c.pos;
  if (!is_digit(c.peek())) return error_at(c.pos, std::string("expected the ") + what + ", found " + describe(c));
  std::uint64_t value = 0;
  while (is_digit(c.peek())) {
    const auto d = static_cast<std::uint64_t>(c.peek() - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
      return error_at(start, std::string("the ") + what + " is larger than 2^64-1");
    }
    value = value * 10 + d;
    ++c.pos;
  }
  if (c.pos - start > 1 && c.text[start] == '0') {
    return error_at(start, std::string("the ") + what + " has a leading zero");
  }
  return value;
}

// Dot-separated identifiers after '-' (pre-release) or '+' (build).
Status read_identifiers(Cursor& c, bool pre, std::vector<std::string>& out) {
  const char* kind = pre ? "pre-release identifier" : "build identifier";
  for (;;) {
    const std::size_t start = c.pos;
    while (is_ident_char(c.peek())) ++c.pos;
    if (c.pos == start) return error_at(c.pos, std::string("expected a ") + kind + ", found " + describe(c));
    std::string ident(c.text.substr(start, c.pos - start));
    bool numeric = true;
    for (char ch : ident) numeric = numeric && is_digit(ch);
    if (pre && numeric && ident.size() > 1 && ident[0] == '0') {
      return error_at(start, "a numeric pre-release identifier has a leading zero");
    }
    out.push_back(std::move(ident));
    if (c.peek() != '.') return {};
    ++c.pos;
  }
}

Status read_suffix(Cursor& c, Version& v) {
  if (c.peek() == '-') {
    ++c.pos;
    if (auto st = read_identifiers(c, true, v.pre); !st) return st;
  }
  if (c.peek() == '+') {
    ++c.pos;
    if (auto st = read_identifiers(c, false, v.build); !st) return st;
  }
  return {};
}

Status check_length(std::string_view text) {
  if (text.size() > kMaxText) {
    return fail(Err::too_large, "is " + std::to_string(text.size()) + " characters long; the limit is " +
                                    std::to_string(kMaxText));
  }
  return {};
}

int compare_identifier(const std::string& a, const std::string& b) noexcept {
  auto numeric = [](const std::string& s) {
    for (char ch : s) {
      if (!is_digit(ch)) return false;
    }
    return true;
  };
  const bool na = numeric(a), nb = numeric(b);
  if (na && nb) {
    // No leading zeros, so the longer number is the larger one.
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  }
  if (na != nb) return na ? -1 : 1;
  const int r = a.compare(b);
  return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

}  // namespace

std::string Version::to_string() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (std::size_t i = 0; i < pre.size(); ++i) s += (i == 0 ? "-" : ".") + pre[i];
  for (std::size_t i = 0; i < build.size(); ++i) s += (i == 0 ? "+" : ".") + build[i];
  return s;
}

Result<Version> parse(std::string_view text) {
  if (auto st = check_length(text); !st) return std::move(st).failure();
  if (text.empty()) return invalid("is empty; expected MAJOR.MINOR.PATCH");
  return detail::parse_within(text, 0, text.size());
}

Result<Version> detail::parse_within(std::string_view text, std::size_t begin, std::size_t end) {
  Cursor c{text, begin, end};
  Version v;
  const char* names[3] = {"major version", "minor version", "patch version"};
  std::uint64_t* parts[3] = {&v.major, &v.minor, &v.patch};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (c.peek() != '.') return error_at(c.pos, std::string("expected '.' before the ") + names[i] + ", found " + describe(c));
      ++c.pos;
    }
    auto n = read_number(c, names[i]);
    if (!n) return std::move(n).failure();
    *parts[i] = *n;
  }
  if (auto st = read_suffix(c, v); !st) return std::move(st).failure();
  if (!c.done()) return error_at(c.pos, "found " + describe(c) + " after the version");
  return v;
}

bool is_valid(std::string_view text) { return parse(text).ok(); }

int compare(const Version& a, const Version& b) noexcept {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;
  const std::size_t n = a.pre.size() < b.pre.size() ? a.pre.size() : b.pre.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (const int r = compare_identifier(a.pre[i], b.pre[i]); r != 0) return r;
  }
  if (a.pre.size() != b.pre.size()) return a.pre.size() < b.pre.size() ? -1 : 1;
  return 0;
}

}  // namespace wkd::registry::semver
