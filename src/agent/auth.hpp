// Bearer-token authorization of the agent's HTTP API ([[agent.token]]).
//
// With tokens configured every request but GET /v1/health (the liveness
// endpoint load balancers poll) needs `Authorization: Bearer <secret>`:
//   no header, not a bearer, or an unknown secret   -> 401, WWW-Authenticate: Bearer
//   a read token on a write (any method but GET/HEAD) -> 403
//   a write token limited to service_prefixes:
//     writing a service whose name starts with none  -> 403 naming the service
//     a membership write (join, leave, event, ...)   -> 403
// The presented secret is hashed (SHA-256) and its digest compared with
// every token's in constant time, without stopping at a match, so neither
// the secret's length nor which token matched shows in the timing. Secrets
// are never logged; the token's name is.
// Without tokens every request is allowed (the configuration keeps such an
// API on loopback unless allow_unauthenticated_remote).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/http_server.hpp"
#include "config/agent_config.hpp"

namespace wkd::agent {

class Authorizer {
 public:
  explicit Authorizer(const std::vector<config::AgentToken>& tokens);

  bool enabled() const noexcept { return !tokens_.empty(); }
  // nullopt = the request may proceed; otherwise the 401/403 to send.
  std::optional<http::Response> check(const http::Request& req) const;
  // "2 token(s): ops (write), ci (read, services orders-, billing)".
  std::string describe() const;

 private:
  using Digest = std::array<std::uint8_t, 32>;
  struct Token {
    std::string name;
    config::TokenScope scope;
    std::vector<std::string> prefixes;
    Digest digest;
  };
  static Digest digest(const std::string& s);
  // The token whose digest equals `d`, or nullptr; looks at every token.
  const Token* find(const Digest& d) const;

  std::vector<Token> tokens_;
};

// The service a registry write names: the {serviceName} path segment of
// /api/v1/services/{name}/..., or the body's serviceName for
// /api/v1/services/register; "" when there is none (or it cannot be read,
// which the route then refuses itself).
std::string written_service(const http::Request& req);

}  // namespace wkd::agent
