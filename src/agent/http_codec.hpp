// The text forms of the HTTP server's messages, without any I/O: splitting
// and percent-decoding a request target into path and query, and writing a
// Response as HTTP/1.1 bytes. Internal to the agent's HTTP server; kept
// apart so that it can be tested without sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/http_server.hpp"

namespace wkd::agent::http {

// %XX decoding; with plus_as_space, '+' becomes ' ' (query strings).
// nullopt on a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// Splits a query string ("a=1&b=x+y&a=2") into decoded pairs, in order.
// A key without '=' has an empty value; empty pieces are skipped.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);

// Fills req.path and req.query from req.target (origin form "/p?q",
// absolute form "http://host/p?q", or "*"). False on bad percent-encoding.
bool decode_target(Request& req);

// How a response goes on the wire.
struct WireOptions {
  bool close = false;             // add "Connection: close"
  bool keep_alive_header = false;  // add "Connection: keep-alive" (HTTP/1.0 clients)
  bool head = false;              // answer to HEAD: headers only
};

// "HTTP/1.1 <status> <reason>\r\n" + headers + "\r\n" + body. Extra headers
// whose name or value holds CR, LF or NUL are dropped (no header injection);
// so are Content-Length, Transfer-Encoding and Connection, which the server
// owns. 1xx, 204 and 304 carry no body and no Content-Length.
std::string serialize(const Response& r, const WireOptions& opts);

}  // namespace wkd::agent::http
