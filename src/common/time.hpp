// Time as values, never as a clock.
//
// The pure layers receive the current time as an argument and ask their
// runtime for timers; they never read a clock. Durations and time points are
// std::chrono types on a monotonic, epoch-less scale whose origin is chosen
// by the runtime (the simulator starts at zero).
#pragma once

#include <chrono>
#include <cstdint>

namespace wkd {

using Duration = std::chrono::nanoseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A point on the runtime's monotonic scale. Not tied to any std clock, so
// code holding one cannot call now() on it.
struct MonoTag {
  using rep = Duration::rep;
  using period = Duration::period;
  using duration = Duration;
  using time_point = std::chrono::time_point<MonoTag, Duration>;
  static constexpr bool is_steady = true;
};
using TimePoint = std::chrono::time_point<MonoTag, Duration>;

constexpr std::int64_t to_ms(Duration d) noexcept {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

}  // namespace wkd
