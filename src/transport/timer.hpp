// One libuv timer for a layer above transport, which may not include
// <uv.h>: start, restart, stop, and a close that is safe at any time.
#pragma once

#include <functional>

#include "common/time.hpp"

struct uv_loop_s;
struct uv_timer_s;

namespace wkd::transport {

class Timer {
 public:
  // Call on the loop's thread; `fire` runs there.
  Timer(uv_loop_s* loop, std::function<void()> fire);
  // Closes the handle (libuv releases it on a later loop turn).
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // (Re)arms the timer to fire once, `after` from now, rounded up to
  // libuv's whole milliseconds so it never fires early.
  void start(Duration after);
  void stop();
  bool armed() const noexcept { return armed_; }
  // No fire after this; idempotent.
  void close();

 private:
  uv_timer_s* handle_ = nullptr;
  std::function<void()> fire_;
  bool armed_ = false;
};

}  // namespace wkd::transport
