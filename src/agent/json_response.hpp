// The answers the agent's APIs share: a JSON body as nlohmann::json dumps
// it (invalid UTF-8 replaced, not thrown on), newline-terminated, and the
// 405 for a wrong method, naming the right one in `Allow`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "agent/http_server.hpp"

namespace wkd::agent {

inline http::Response json_response(int status, const nlohmann::json& j) {
  http::Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.body += '\n';
  return r;
}

inline http::Response method_not_allowed(const char* allow) {
  http::Response r = http::Response::error(405, std::string("method not allowed; use ") + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

}  // namespace wkd::agent
