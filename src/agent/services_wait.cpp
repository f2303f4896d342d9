#include "agent/services_wait.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace wkd::agent::services {

namespace {

// One poll: its timer owns it until closed.
struct Poll {
  uv_timer_t timer{};
  std::chrono::steady_clock::time_point deadline{};
  std::uint64_t index = 0;
  std::function<std::uint64_t()> version;
  std::function<bool()> connected;
  std::function<void()> answer;
};

void finish(Poll* p) {
  uv_timer_stop(&p->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&p->timer),
           [](uv_handle_t* h) { delete static_cast<Poll*>(h->data); });
}

void on_tick(uv_timer_t* t) {
  auto* p = static_cast<Poll*>(t->data);
  if (!p->connected()) {
    finish(p);
    return;
  }
  if (p->version() > p->index || std::chrono::steady_clock::now() >= p->deadline) {
    auto answer = std::move(p->answer);
    finish(p);
    answer();
  }
}

}  // namespace

std::optional<Duration> parse_duration(const std::string& text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  // A bare number: seconds.
  bool digits_only = true;
  for (char ch : text) digits_only = digits_only && std::isdigit(static_cast<unsigned char>(ch));
  const std::string s = digits_only ? text + "s" : text;
  double total_ns = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data() + start, s.data() + i, value);
    if (ec != std::errc{} || end != s.data() + i) return std::nullopt;
    const std::size_t unit_start = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    const std::string_view unit(s.data() + unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else return std::nullopt;
    total_ns += value * scale;
    if (!std::isfinite(total_ns) || total_ns > 1e18) return std::nullopt;
  }
  return std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(static_cast<std::int64_t>(total_ns)));
}

std::string parse_wait(const http::Request& req, std::optional<WaitSpec>* out) {
  const std::string* index = req.param("index");
  const std::string* wait = req.param("wait");
  if (index == nullptr) {
    if (wait != nullptr) return "wait: needs an index (?index=N&wait=DURATION)";
    return "";
  }
  WaitSpec spec;
  const auto [end, ec] = std::from_chars(index->data(), index->data() + index->size(), spec.index);
  if (index->empty() || ec != std::errc{} || end != index->data() + index->size()) {
    return "index: must be a non-negative integer, not '" + *index + "'";
  }
  if (wait != nullptr) {
    const auto d = parse_duration(*wait);
    if (!d) return "wait: must be a duration such as 100ms, 5s or 1m, not '" + *wait + "'";
    spec.wait = std::min(*d, kMaxWait);
  }
  *out = spec;
  return "";
}

void wait_for_change(uv_loop_t* loop, const WaitSpec& spec, std::function<std::uint64_t()> version,
                     std::function<bool()> connected, std::function<void()> answer) {
  auto* p = new Poll;
  p->deadline = std::chrono::steady_clock::now() + spec.wait;
  p->index = spec.index;
  p->version = std::move(version);
  p->connected = std::move(connected);
  p->answer = std::move(answer);
  uv_timer_init(loop, &p->timer);
  p->timer.data = p;
  const auto tick = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(kWaitTick).count());
  uv_timer_start(&p->timer, on_tick, tick, tick);
}

}  // namespace wkd::agent::services
