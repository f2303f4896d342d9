#include "agent/auth.hpp"

#include <mbedtls/sha256.h>

#include <nlohmann/json.hpp>
#include <string_view>

namespace wkd::agent {

namespace {

constexpr std::string_view kServices = "/api/v1/services/";

http::Response unauthorized(std::string_view why) {
  http::Response r = http::Response::error(401, why);
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

bool is_read(const std::string& method) { return method == "GET" || method == "HEAD"; }

}  // namespace

Authorizer::Authorizer(const std::vector<config::AgentToken>& tokens) {
  for (const auto& t : tokens) tokens_.push_back(Token{t.name, t.scope, t.service_prefixes, digest(t.secret)});
}

Authorizer::Digest Authorizer::digest(const std::string& s) {
  Digest d{};
  mbedtls_sha256_ret(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data(), 0);
  return d;
}

const Authorizer::Token* Authorizer::find(const Digest& d) const {
  const Token* found = nullptr;
  for (const auto& t : tokens_) {
    std::uint8_t diff = 0;
    for (std::size_t i = 0; i < d.size(); ++i) diff = static_cast<std::uint8_t>(diff | (d[i] ^ t.digest[i]));
    // Every token is compared whatever the outcome; the branch below only
    // records the (at most one, secrets being distinct) match.
    if (diff == 0) found = &t;
  }
  return found;
}

std::string written_service(const http::Request& req) {
  const std::string_view path = req.path;
  if (path.substr(0, kServices.size()) != kServices) return "";
  std::string_view rest = path.substr(kServices.size());
  const std::string_view first = rest.substr(0, rest.find('/'));
  if (first != "register") return std::string(first);
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object()) return "";
  const auto it = body.find("serviceName");
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<http::Response> Authorizer::check(const http::Request& req) const {
  if (tokens_.empty()) return std::nullopt;
  if (req.path == "/v1/health" && is_read(req.method)) return std::nullopt;
  const std::string* h = req.header("authorization");
  if (h == nullptr) return unauthorized("this agent requires a token: send Authorization: Bearer <token>");
  constexpr std::string_view kBearer = "bearer ";
  std::string_view v = *h;
  if (v.size() < kBearer.size()) return unauthorized("the Authorization header is not a bearer token");
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    const char c = v[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBearer[i]) {
      return unauthorized("the Authorization header is not a bearer token");
    }
  }
  v.remove_prefix(kBearer.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  const Token* t = find(digest(std::string(v)));
  if (t == nullptr) return unauthorized("the bearer token is not valid");
  if (is_read(req.method)) return std::nullopt;
  if (t->scope != config::TokenScope::write) {
    return http::Response::error(403, "token " + t->name + " is read-only; " + req.method + " needs a write token");
  }
  if (t->prefixes.empty()) return std::nullopt;
  const bool registry = std::string_view(req.path).substr(0, kServices.size()) == kServices;
  if (!registry) {
    return http::Response::error(403, "token " + t->name + " may only write its services; " + req.method + " " +
                                          req.path + " needs an unrestricted write token");
  }
  const std::string service = written_service(req);
  if (service.empty()) return std::nullopt;  // the route refuses it (400/404)
  for (const auto& p : t->prefixes) {
    if (service.compare(0, p.size(), p) == 0) return std::nullopt;
  }
  return http::Response::error(403, "token " + t->name + " may not write service " + service);
}

std::string Authorizer::describe() const {
  std::string out = std::to_string(tokens_.size()) + " token(s):";
  bool first = true;
  for (const auto& t : tokens_) {
    out += first ? " " : ", ";
    first = false;
    out += t.name + " (" + (t.scope == config::TokenScope::write ? "write" : "read");
    if (!t.prefixes.empty()) {
      out += ", services";
      for (const auto& p : t.prefixes) out += " " + p + "*";
    }
    out += ")";
  }
  return out;
}

}  // namespace wkd::agent
