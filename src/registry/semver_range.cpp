// Range parsing and matching (semver.hpp describes the grammar).
#include <limits>
#include <optional>
#include <utility>

#include "registry/semver.hpp"
#include "registry/semver_text.hpp"

namespace wkd::registry::semver {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

using text::Cursor;
using text::is_digit;

bool is_wildcard(char c) noexcept { return c == 'x' || c == 'X' || c == '*'; }

Failure<Err> error_at(std::size_t pos, const std::string& what) {
  return invalid("at position " + std::to_string(pos + 1) + ": " + what);
}

std::string describe(const Cursor& c) {
  if (c.done()) return "the end of the text";
  return std::string("'") + c.peek() + "'";
}

enum class RangeOp : std::uint8_t { none, eq, lt, le, gt, ge, tilde, caret };

// A version with some trailing parts left open: `known` leading numbers
// (0 to 3) are given; the rest are wildcards or absent.
struct Partial {
  int known = 0;
  Version full;  // major/minor/patch as far as known, plus pre/build when known == 3
};

RangeOp read_op(Cursor& c) {
  const char a = c.peek();
  const char b = c.pos + 1 < c.end ? c.text[c.pos + 1] : '\0';
  if ((a == '>' || a == '<') && b == '=') {
    c.pos += 2;
    return a == '>' ? RangeOp::ge : RangeOp::le;
  }
  RangeOp op = RangeOp::none;
  switch (a) {
    case '>': op = RangeOp::gt; break;
    case '<': op = RangeOp::lt; break;
    case '=': op = RangeOp::eq; break;
    case '~': op = RangeOp::tilde; break;
    case '^': op = RangeOp::caret; break;
    default: return RangeOp::none;
  }
  ++c.pos;
  return op;
}

// A leading-zero-free number (semver.cpp has the strict twin for versions).
Result<std::uint64_t> read_number(Cursor& c, const char* what) {
  const std::size_t start = c.pos;
  if (!is_digit(c.peek())) {
    return error_at(c.pos, std::string("expected the ") + what + " (a number, 'x' or '*'), found " + describe(c));
  }
  std::uint64_t value = 0;
  while (is_digit(c.peek())) {
    const auto d = static_cast<std::uint64_t>(c.peek() - '0');
    if (value > (kMax - d) / 10) return error_at(start, std::string("the ") + what + " is larger than 2^64-1");
    value = value * 10 + d;
    ++c.pos;
  }
  if (c.pos - start > 1 && c.text[start] == '0') return error_at(start, std::string("the ") + what + " has a leading zero");
  return value;
}

// Reads the pre-release and build suffix of a full version by handing the
// token to the strict version parser, so both share one set of rules.
Status read_full_suffix(Cursor& c, std::size_t token_start, Partial& p) {
  std::size_t stop = c.pos;
  while (stop < c.end && c.text[stop] != ' ') ++stop;
  auto v = detail::parse_within(c.text, token_start, stop);
  if (!v) return std::move(v).failure();
  p.full = std::move(v).value();
  c.pos = stop;
  return {};
}

Result<Partial> read_partial(Cursor& c) {
  static const char* const kNames[3] = {"major version", "minor version", "patch version"};
  const std::size_t start = c.pos;
  if (c.peek() == '-') return error_at(c.pos, "hyphen ranges are not supported; write >=A <=B");
  Partial p;
  std::uint64_t* parts[3] = {&p.full.major, &p.full.minor, &p.full.patch};
  bool open = false;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (c.peek() != '.') break;
      ++c.pos;
    }
    if (is_wildcard(c.peek())) {
      ++c.pos;
      open = true;
      continue;
    }
    if (open) return error_at(c.pos, std::string("the ") + kNames[i] + " follows a wildcard; write 'x' or '*'");
    auto n = read_number(c, kNames[i]);
    if (!n) return std::move(n).failure();
    *parts[i] = *n;
    p.known = i + 1;
  }
  if (c.peek() == '-' || c.peek() == '+') {
    if (p.known < 3) return error_at(c.pos, "a pre-release or build needs a full MAJOR.MINOR.PATCH");
    if (auto st = read_full_suffix(c, start, p); !st) return std::move(st).failure();
  }
  if (!c.done() && c.peek() != ' ') return error_at(c.pos, "unexpected " + describe(c) + " in the version");
  return p;
}

Version make(std::uint64_t major, std::uint64_t minor, std::uint64_t patch, bool lowest_pre = false) {
  Version v;
  v.major = major;
  v.minor = minor;
  v.patch = patch;
  if (lowest_pre) v.pre = {"0"};  // the lowest pre-release of that version
  return v;
}

// The exclusive upper bounds, below every pre-release of the next version;
// nullopt when the next version does not exist (no upper bound).
std::optional<Version> next_major(const Version& v) {
  if (v.major == kMax) return std::nullopt;
  return make(v.major + 1, 0, 0, true);
}
std::optional<Version> next_minor(const Version& v) {
  if (v.minor == kMax) return next_major(v);
  return make(v.major, v.minor + 1, 0, true);
}
std::optional<Version> next_patch(const Version& v) {
  if (v.patch == kMax) return next_minor(v);
  return make(v.major, v.minor, v.patch + 1, true);
}

class SetBuilder {
 public:
  explicit SetBuilder(std::vector<Comparator>& out) : out_(out) {}
  void add(Op op, Version v, bool names_pre = false) { out_.push_back(Comparator{op, std::move(v), names_pre}); }
  void below(const std::optional<Version>& v) {
    if (v) add(Op::lt, *v);
  }
  void nothing() { add(Op::lt, make(0, 0, 0, true)); }

 private:
  std::vector<Comparator>& out_;
};

// The upper bound a partial version leaves open: the next major after
// "1", the next minor after "1.2".
std::optional<Version> partial_upper(const Partial& p) {
  return p.known == 1 ? next_major(p.full) : next_minor(p.full);
}

void caret(SetBuilder& b, const Partial& p, bool names_pre) {
  b.add(Op::ge, p.full, names_pre);
  if (p.known == 1 || p.full.major > 0) return b.below(next_major(p.full));
  if (p.known == 2 || p.full.minor > 0) return b.below(next_minor(p.full));
  b.below(next_patch(p.full));
}

void desugar(RangeOp op, const Partial& p, std::vector<Comparator>& out) {
  SetBuilder b(out);
  const bool names_pre = !p.full.pre.empty();
  if (p.known == 0) {
    if (op == RangeOp::gt || op == RangeOp::lt) b.nothing();
    return;  // every other operator on "*" is "any"
  }
  const Version floor = make(p.full.major, p.known >= 2 ? p.full.minor : 0, 0);
  switch (op) {
    case RangeOp::none:
    case RangeOp::eq:
      if (p.known == 3) return b.add(Op::eq, p.full, names_pre);
      b.add(Op::ge, floor);
      return b.below(partial_upper(p));
    case RangeOp::gt:
      if (p.known == 3) return b.add(Op::gt, p.full, names_pre);
      if (auto up = partial_upper(p)) return b.add(Op::ge, make(up->major, up->minor, up->patch));
      return b.nothing();
    case RangeOp::ge: return b.add(Op::ge, p.known == 3 ? p.full : floor, names_pre);
    case RangeOp::lt: return b.add(Op::lt, p.known == 3 ? p.full : make(floor.major, floor.minor, 0, true), names_pre);
    case RangeOp::le:
      if (p.known == 3) return b.add(Op::le, p.full, names_pre);
      return b.below(partial_upper(p));
    case RangeOp::tilde:
      b.add(Op::ge, p.known == 3 ? p.full : floor, names_pre);
      return b.below(p.known == 1 ? next_major(p.full) : next_minor(p.full));
    case RangeOp::caret: {
      Partial q = p;
      if (p.known < 3) q.full = make(floor.major, floor.minor, 0);
      return caret(b, q, names_pre);
    }
  }
}

Status parse_set(Cursor c, std::vector<Comparator>& out) {
  const std::size_t start = c.pos;
  bool any = false;
  for (;;) {
    while (c.peek() == ' ') ++c.pos;
    if (c.done()) break;
    const std::size_t op_at = c.pos;
    const RangeOp op = read_op(c);
    while (c.peek() == ' ') ++c.pos;
    if (c.done()) return error_at(op_at, "the operator is not followed by a version");
    auto p = read_partial(c);
    if (!p) return std::move(p).failure();
    desugar(op, *p, out);
    any = true;
  }
  if (!any) return error_at(start, "an alternative is empty");
  return {};
}

bool holds(const Comparator& c, const Version& v) noexcept {
  const int r = compare(v, c.version);
  switch (c.op) {
    case Op::eq: return r == 0;
    case Op::lt: return r < 0;
    case Op::le: return r <= 0;
    case Op::gt: return r > 0;
    case Op::ge: return r >= 0;
  }
  return false;
}

}  // namespace

Result<Range> Range::parse(std::string_view text) {
  if (text.size() > kMaxText) {
    return fail(Err::too_large, "is " + std::to_string(text.size()) + " characters long; the limit is " +
                                    std::to_string(kMaxText));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch < 0x20 || ch > 0x7e) return error_at(i, "a control or non-ASCII byte");
  }
  if (text.find_first_not_of(' ') == std::string_view::npos) return invalid("is empty; write '*' for any version");
  Range r;
  r.text_ = std::string(text);
  std::size_t pos = 0;
  for (;;) {
    const std::size_t bar = text.find("||", pos);
    const std::size_t end = bar == std::string_view::npos ? text.size() : bar;
    r.sets_.emplace_back();
    if (auto st = parse_set(Cursor{text, pos, end}, r.sets_.back()); !st) return std::move(st).failure();
    if (bar == std::string_view::npos) break;
    pos = bar + 2;
  }
  return r;
}

bool Range::contains(const Version& v) const noexcept {
  for (const auto& set : sets_) {
    bool ok = true;
    for (const auto& c : set) ok = ok && holds(c, v);
    if (!ok) continue;
    if (v.pre.empty()) return true;
    for (const auto& c : set) {
      if (c.names_prerelease && c.version.major == v.major && c.version.minor == v.minor &&
          c.version.patch == v.patch) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace wkd::registry::semver
