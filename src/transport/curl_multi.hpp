// libcurl's multi-socket interface driven by a libuv loop: many transfers
// at once on the loop's thread, with no thread of their own and no
// blocking call.
//
// libcurl says which sockets it wants watched (CURLMOPT_SOCKETFUNCTION):
// each gets a uv_poll_t, and readiness goes back through
// curl_multi_socket_action. It says when it next needs a call for its
// timeouts (CURLMOPT_TIMERFUNCTION): one uv_timer_t. After each action the
// finished transfers are read with curl_multi_info_read, taken out of the
// multi handle and reported.
//
// Name resolution: Debian's libcurl4-openssl is built with the threaded
// resolver (curl_version_info: AsynchDNS, no c-ares), so getaddrinfo runs
// on a short-lived thread of libcurl's own, never on the loop. A transfer
// that ends while its name still resolves (its timeout, remove(), close())
// would join that thread, blocking the loop until getaddrinfo returns,
// unless the easy handle sets CURLOPT_QUICK_EXIT: then the thread is let
// go and frees its own state when it is done. HttpProbes sets it.
//
// A transfer's `done` is called once, on the loop and never from inside
// add(), unless remove() or close() dropped it first. close() takes every
// transfer out, cleans the multi handle up and closes the poll handles and
// the timer; what libuv still has to release lives on until it has.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <memory>

struct uv_loop_s;

namespace wkd::transport {

// curl_global_init, once per process (thread-safe); every user of libcurl
// in libwkd calls it before its first handle.
void curl_init_once();

class CurlMulti {
 public:
  using Done = std::function<void(CURLcode result)>;

  explicit CurlMulti(uv_loop_s* loop);
  // close(), if not done yet.
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Starts `easy` (owned by the caller, who keeps it until `done` or
  // remove()). A transfer libcurl refuses to start is reported failed the
  // same way, from the loop. False after close().
  bool add(CURL* easy, Done done);
  // Takes `easy` out without reporting it.
  void remove(CURL* easy);
  // Drops every transfer (unreported) and releases the multi handle and
  // the loop's handles. add() refuses from then on.
  void close();
  std::size_t in_flight() const noexcept;

  struct State;  // curl_multi.cpp

 private:
  std::shared_ptr<State> state_;
};

}  // namespace wkd::transport
