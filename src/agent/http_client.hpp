// The CLI's HTTP client (libcurl): one request to a running agent.
#pragma once

#include <string>

namespace wkd::agent {

struct HttpReply {
  bool reached = false;  // false: no HTTP answer (connection refused, timeout, ...)
  int status = 0;
  std::string body;
  std::string error;     // why it was not reached
};

// `agent` is "host:port" or "[v6]:port"; `target` the path and query. A
// non-empty `token` is sent as `Authorization: Bearer <token>`; a body is
// sent as `content_type`.
HttpReply http_call(const std::string& method, const std::string& agent, const std::string& target,
                    const std::string& body = "", long timeout_ms = 30000, const std::string& token = "",
                    const std::string& content_type = "application/octet-stream");

// Percent-encodes a path segment or query value.
std::string url_escape(const std::string& s);

}  // namespace wkd::agent
