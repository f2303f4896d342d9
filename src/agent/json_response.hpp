// The JSON answers of the agent's APIs: a body as nlohmann::json dumps it
// (invalid UTF-8 replaced, not thrown on), newline-terminated.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/http_server.hpp"

namespace wkd::agent {

inline http::Response json_response(int status, const nlohmann::json& j) {
  http::Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.body += '\n';
  return r;
}

}  // namespace wkd::agent
