// One-shot HTTP exchanges on the loop for the HTTP and gRPC health checks
// of a node's own instances, through libcurl (transport/curl_multi.hpp).
//
// An exchange sends one request and keeps what a check needs of the
// answer: the status line, the headers (and HTTP/2 trailers) of the last
// response, and the first `max_body` bytes of its body. Reading stops
// there: the rest of a large body is never read, so memory stays bounded
// whatever the server sends. The timeout bounds the whole exchange
// (resolution, connection, TLS, every redirect and the body), so a server
// that trickles its answer ends in a failure at the timeout.
//
// Only http:// and https:// are spoken, redirects included; at most
// `max_redirects` are followed. TLS peers are verified unless
// `tls_skip_verify`. No proxy from the environment is used: a check talks
// to its target. Exchanges are HTTP/1.1, their connections kept alive and
// reused; with `http2` the exchange is HTTP/2 (prior knowledge for
// http://, ALPN h2 for https://), as gRPC needs, on a connection of its
// own.
//
// `done` is called once, on the loop and never from inside the call that
// started the exchange; cancel() and close() drop exchanges without
// calling it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/time.hpp"

struct uv_loop_s;

namespace wkd::transport {

class CurlMulti;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool tls_skip_verify = false;
  bool http2 = false;
  int max_redirects = 5;  // 0: none followed
  std::size_t max_body = 4096;
};

struct HttpResponse {
  // A response's status line arrived and the exchange ended well (or
  // stopped reading at max_body); otherwise `error` says why not.
  bool ok = false;
  std::string error;
  long status = 0;     // 200
  std::string reason;  // "OK" (HTTP/1.x only; HTTP/2 has none)
  // The last response's header fields and trailers, names in lower case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;        // its first max_body bytes
  bool truncated = false;  // the body went on past them
  bool too_many_redirects = false;

  // The first field named `name` (lower case), or null.
  const std::string* header(const std::string& name) const;
};

class HttpProbes {
 public:
  using Done = std::function<void(HttpResponse response)>;

  explicit HttpProbes(uv_loop_s* loop);
  // close() first, and let the loop run its closes.
  ~HttpProbes();
  HttpProbes(const HttpProbes&) = delete;
  HttpProbes& operator=(const HttpProbes&) = delete;

  // Starts an exchange bounded by `timeout`; returns its id (0 after
  // close(): `done` is then never called).
  std::uint64_t exchange(HttpRequest request, Duration timeout, Done done);
  void cancel(std::uint64_t id);
  // Drops every exchange in flight and refuses new ones.
  void close();
  std::size_t in_flight() const noexcept { return exchanges_.size(); }

  struct Exchange;  // http_probe.cpp

 private:
  void finished(std::uint64_t id, int result);

  uv_loop_s* loop_;
  bool closed_ = false;
  std::uint64_t next_id_ = 1;
  // Made at the first exchange: a node without HTTP checks never starts
  // libcurl.
  std::unique_ptr<CurlMulti> multi_;
  std::map<std::uint64_t, std::unique_ptr<Exchange>> exchanges_;
};

}  // namespace wkd::transport
