#include "registry/outlier.hpp"

#include <algorithm>

namespace wkd::registry {

std::string check_outlier_config(const OutlierConfig& c) {
  if (c.base_ejection_ms <= 0) return "base_ejection_ms: must be positive";
  if (c.max_ejection_ms < c.base_ejection_ms) return "max_ejection_ms: must be at least base_ejection_ms";
  if (c.max_ejection_percent > 100) return "max_ejection_percent: must be 0-100";
  return "";
}

std::uint32_t OutlierDetector::decayed(const State& s, std::int64_t now_ms) const {
  if (s.times_ejected == 0 || s.until_ms == 0 || now_ms <= s.until_ms) return s.times_ejected;
  const std::int64_t steps = (now_ms - s.until_ms) / cfg_.base_ejection_ms;
  return steps >= s.times_ejected ? 0 : s.times_ejected - static_cast<std::uint32_t>(steps);
}

bool OutlierDetector::report(const InstanceKey& key, CallOutcome outcome, std::int64_t now_ms,
                             std::size_t selectable) {
  if (outcome == CallOutcome::none) return false;
  if (outcome == CallOutcome::success) {
    const auto it = state_.find(key);
    if (it != state_.end()) it->second.failures = 0;
    return false;
  }
  State& s = state_[key];
  // A failure reported for a call that began before the ejection adds
  // nothing to it.
  if (now_ms < s.until_ms) return false;
  ++s.failures;
  if (cfg_.consecutive_failures == 0 || s.failures < cfg_.consecutive_failures) return false;
  // The share of the service that may be out at once.
  std::size_t allowed = selectable * cfg_.max_ejection_percent / 100;
  if (selectable >= 2) allowed = std::max<std::size_t>(allowed, 1);
  if (selectable >= 1) allowed = std::min(allowed, selectable - 1);
  if (cfg_.max_ejection_percent == 0) allowed = 0;
  if (ejected_count(key.service, now_ms) >= allowed) return false;
  const std::uint32_t times = decayed(s, now_ms) + 1;
  const std::int64_t span =
      std::min(cfg_.max_ejection_ms, cfg_.base_ejection_ms * static_cast<std::int64_t>(std::min<std::uint32_t>(times, 1u << 20)));
  s.times_ejected = times;
  s.until_ms = now_ms + span;
  s.failures = 0;
  return true;
}

bool OutlierDetector::ejected(const InstanceKey& key, std::int64_t now_ms) const {
  return ejected_until(key, now_ms) != 0;
}

std::int64_t OutlierDetector::ejected_until(const InstanceKey& key, std::int64_t now_ms) const {
  const auto it = state_.find(key);
  return it != state_.end() && now_ms < it->second.until_ms ? it->second.until_ms : 0;
}

std::size_t OutlierDetector::ejected_count(const std::string& service, std::int64_t now_ms) const {
  std::size_t n = 0;
  for (auto it = state_.lower_bound(InstanceKey{service, {}}); it != state_.end() && it->first.service == service;
       ++it) {
    if (now_ms < it->second.until_ms) ++n;
  }
  return n;
}

std::uint32_t OutlierDetector::failures(const InstanceKey& key) const {
  const auto it = state_.find(key);
  return it == state_.end() ? 0 : it->second.failures;
}

std::uint32_t OutlierDetector::times_ejected(const InstanceKey& key, std::int64_t now_ms) const {
  const auto it = state_.find(key);
  return it == state_.end() ? 0 : decayed(it->second, now_ms);
}

void OutlierDetector::retain(const std::string& service, const std::set<InstanceKey>& live) {
  auto it = state_.lower_bound(InstanceKey{service, {}});
  while (it != state_.end() && it->first.service == service) {
    it = live.count(it->first) != 0 ? std::next(it) : state_.erase(it);
  }
}

}  // namespace wkd::registry
