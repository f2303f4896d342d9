// Requests as values: looking up query parameters and headers, and turning
// the request target into a percent-decoded path and query.
#include <optional>
#include <string>
#include <string_view>

#include "agent/http_codec.hpp"
#include "agent/http_server.hpp"

namespace wkd::agent::http {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

const std::string* Request::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::vector<std::string> Request::params(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query) {
    if (k == name) out.push_back(v);
  }
  return out;
}

const std::string* Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return &v;
  }
  return nullptr;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    auto key = percent_decode(piece.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                              : percent_decode(piece.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

bool decode_target(Request& req) {
  std::string_view t = req.target;
  const std::size_t hash = t.find('#');
  if (hash != std::string_view::npos) t = t.substr(0, hash);
  // Absolute form: drop "scheme://authority".
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (starts_with_nocase(t, scheme)) {
      t.remove_prefix(scheme.size());
      const std::size_t slash = t.find_first_of("/?");
      t = slash == std::string_view::npos ? std::string_view() : t.substr(slash);
      break;
    }
  }
  const std::size_t q = t.find('?');
  std::string_view raw_path = t.substr(0, q);
  const std::string_view raw_query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
  auto path = percent_decode(raw_path, false);
  if (!path) return false;
  auto query = parse_query(raw_query);
  if (!query) return false;
  req.path = path->empty() ? std::string("/") : std::move(*path);
  req.query = std::move(*query);
  return true;
}

}  // namespace wkd::agent::http
