#include "swim/suspicion.hpp"

#include <algorithm>
#include <cmath>

namespace wkd::swim {

Duration suspicion_timeout(int suspicion_mult, std::size_t n, Duration probe_interval) noexcept {
  const double node_scale = std::max(1.0, std::log10(std::max(1.0, static_cast<double>(n))));
  const auto scale_milli = static_cast<std::int64_t>(node_scale * 1000.0);
  return Duration(static_cast<Duration::rep>(suspicion_mult) * scale_milli * probe_interval.count() / 1000);
}

Duration remaining_suspicion_time(int confirmations, int k, Duration elapsed, Duration min, Duration max) noexcept {
  const double frac = std::log(static_cast<double>(confirmations) + 1.0) / std::log(static_cast<double>(k) + 1.0);
  const double max_s = std::chrono::duration<double>(max).count();
  const double min_s = std::chrono::duration<double>(min).count();
  const double raw = max_s - frac * (max_s - min_s);
  Duration timeout = milliseconds(static_cast<std::int64_t>(std::floor(1000.0 * raw)));
  if (timeout < min) timeout = min;
  return timeout - elapsed;
}

Suspicion::Suspicion(std::string from, int k, Duration min, Duration max, TimePoint start)
    : k_(k), min_(min), max_(max), start_(start) {
  confirmers_.insert(std::move(from));
}

bool Suspicion::confirm(const std::string& from) {
  if (n_ >= k_) return false;
  if (!confirmers_.insert(from).second) return false;
  ++n_;
  return true;
}

TimePoint Suspicion::deadline() const noexcept {
  if (k_ < 1) return start_ + min_;
  // remaining_suspicion_time(n, k, elapsed, ...) + now == start + timeout(n).
  return start_ + remaining_suspicion_time(n_, k_, Duration::zero(), min_, max_);
}

}  // namespace wkd::swim
