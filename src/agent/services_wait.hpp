// Long polls of the /api/v1/services reads (Consul's blocking queries):
// ?index=N&wait=DURATION answers once the view's version exceeds N, or
// when the wait ends with the same index. The wait is Consul's duration
// syntax ("100ms", "5s", "1m30s", "1.5s"; units ns, us, ms, s, m, h; a
// bare number is seconds), at most kMaxWait; without `wait` it is
// kMaxWait. An answer that is not 200 (a 404, a 400) comes at once, and
// so does one whose view is already past N. The agent's loop never blocks: a timer on the loop looks at
// the version every kWaitTick and answers from the view of that moment;
// a client gone away ends the poll at the next tick.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/http_server.hpp"
#include "common/time.hpp"

namespace wkd::agent::services {

inline constexpr Duration kMaxWait = std::chrono::minutes(5);
inline constexpr Duration kWaitTick = std::chrono::milliseconds(20);

struct WaitSpec {
  std::uint64_t index = 0;
  Duration wait = kMaxWait;
};

// A duration in Consul's syntax; nullopt when malformed or negative.
std::optional<Duration> parse_duration(const std::string& text);

// The request's ?index= and ?wait=: *out stays nullopt without an index
// (a plain read). "" or an error naming the parameter.
std::string parse_wait(const http::Request& req, std::optional<WaitSpec>* out);

// Calls answer() on the loop once version() > spec.index or spec.wait has
// passed; nothing when connected() turns false first.
void wait_for_change(uv_loop_t* loop, const WaitSpec& spec, std::function<std::uint64_t()> version,
                     std::function<bool()> connected, std::function<void()> answer);

}  // namespace wkd::agent::services
