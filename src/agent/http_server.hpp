// A small HTTP/1.1 server on a libuv loop, with llhttp parsing requests.
//
// It serves the agent's JSON API: every request is parsed in full (headers
// and body) and handed to one Handler on the loop thread, which answers
// through a Responder at once or later (an answer that waits for the
// network, such as a join). Keep-alive and pipelined requests are answered
// in order. Limits protect the agent from its clients:
//   headers over max_header_bytes        -> 431, connection closed
//     (414 if the request target alone is over it)
//   a body over max_body_bytes           -> 413, connection closed
//   malformed request                    -> 400, connection closed
//   a request not complete in request_timeout, or a connection idle for
//   idle_timeout                         -> closed (408 if a request had begun)
//   more than max_connections open       -> 503 to the newcomer, closed
// Error bodies are JSON {"error": "..."}. No call blocks, so one slow client
// never delays another.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"
#include "common/time.hpp"

namespace wkd::agent::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // as sent: "/v1/cluster/members?state=alive"
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;     // names lower-cased
  std::string body;

  // The first value of a query parameter, or nullptr.
  const std::string* param(std::string_view name) const;
  // Every value of a (repeatable) query parameter.
  std::vector<std::string> params(std::string_view name) const;
  const std::string* header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;  // extra headers (Allow, ...)
  std::string body;

  // {"error": message} with this status.
  static Response error(int status, std::string_view message);
};

// The standard reason phrase ("Not Found"), or "Unknown".
const char* reason_phrase(int status) noexcept;

// Answers one request, once. A Responder outliving its connection is fine:
// send() then does nothing.
class Responder {
 public:
  virtual ~Responder() = default;
  // Sends at once (the loop thread only). A second call is ignored, and so
  // is a call once the client has gone or the Server closed the connection.
  virtual void send(Response r) = 0;
  // False once the client has gone away (the server saw it close, or closed
  // the connection itself), and once send() has been called.
  virtual bool connected() const = 0;
};

// Called on the loop thread for each whole request. It may call close() on
// the Server, but must not destroy the Server.
using Handler = std::function<void(const Request&, std::shared_ptr<Responder>)>;

struct Limits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  Duration request_timeout = seconds(10);
  Duration idle_timeout = seconds(60);
  std::size_t max_connections = 256;
  // A connection whose answers wait in user space beyond this (a client
  // that does not read) is closed. The next pipelined request is parsed
  // only once earlier answers have mostly reached the kernel.
  std::size_t max_write_queue_bytes = 8 * 1024 * 1024;
  // A zero request_timeout or idle_timeout disables that timer.
};

enum class Err : std::uint8_t { invalid, addr_in_use, io };
using Status = wkd::Status<Err>;
template <class T>
using Result = wkd::Result<T, Err>;

class Server {
 public:
  // Binds and listens on `addr` (port 0 = any) on `loop`; call on the loop
  // thread.
  static Result<std::unique_ptr<Server>> listen(uv_loop_t* loop, const Address& addr, Limits limits,
                                                Handler handler);
  virtual ~Server() = default;
  // The bound address.
  virtual Address local_address() const = 0;
  // Stops accepting, closes every connection; `done` runs once all libuv
  // handles are closed. The Server must outlive that moment.
  virtual void close(std::function<void()> done) = 0;
  virtual std::size_t connections() const = 0;
};

}  // namespace wkd::agent::http
