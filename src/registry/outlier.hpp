// Passive outlier ejection: a consumer's own judgement of the instances it
// calls, from the outcomes of its calls, after Envoy's outlier detection
// (consecutive 5xx, base/max ejection time, max ejection percent).
//
// An instance whose calls failed `consecutive_failures` times in a row is
// ejected: selection skips it until base_ejection_ms x (the number of
// times it was ejected) has passed, capped at max_ejection_ms; then it is
// selectable again, with its failure count at zero. A success resets the
// count. The multiplier decays as in Envoy: each base_ejection_ms spent
// selectable since the last ejection ended takes one off, so an instance
// that recovered for good is ejected for the base time again next time.
//
// max_ejection_percent bounds how much of a service may be ejected at
// once, counted against the service's selectable instances when the
// ejection would happen: at most floor(n x percent / 100) of them, but at
// least one when n >= 2 (Envoy ejects one host whatever the percentage),
// and never the last one, so a service that has a selectable instance
// keeps one. A refused ejection leaves the failure count where it is: the
// next failure tries again.
//
// The state is local to the consumer (never replicated): it reflects this
// node's calls only. State of instances the registry no longer holds is
// dropped (retain). Pure: times are the caller's milliseconds on any
// monotonic clock; nothing here reads a clock or draws a random number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "registry/instance.hpp"

namespace wkd::registry {

// The outcome of one call to an instance, as its caller reports it.
enum class CallOutcome : std::uint8_t {
  none = 0,     // not made, or no verdict: counts for nothing
  success = 1,  // resets the failure count
  failure = 2,  // one more failure in a row
};

struct OutlierConfig {
  std::uint32_t consecutive_failures = 5;  // 0: ejection off
  std::int64_t base_ejection_ms = 30000;   // Envoy's base_ejection_time
  std::int64_t max_ejection_ms = 300000;   // Envoy's max_ejection_time
  std::uint32_t max_ejection_percent = 10; // 0-100
};

// "" when the settings are usable, else a message naming the field.
std::string check_outlier_config(const OutlierConfig& c);

class OutlierDetector {
 public:
  explicit OutlierDetector(OutlierConfig cfg = {}) : cfg_(cfg) {}

  const OutlierConfig& config() const noexcept { return cfg_; }
  // New settings apply to the next report; ejections in force keep their
  // end time.
  void set_config(const OutlierConfig& cfg) noexcept { cfg_ = cfg; }

  // Records a call's outcome at now_ms. `selectable` is how many instances
  // of key.service selection could hand out now, ejected ones included
  // (the base of max_ejection_percent). Returns whether this report
  // ejected the instance.
  bool report(const InstanceKey& key, CallOutcome outcome, std::int64_t now_ms, std::size_t selectable);

  // Whether selection must skip the instance at now_ms.
  bool ejected(const InstanceKey& key, std::int64_t now_ms) const;
  // When its ejection ends; 0 when it is not ejected at now_ms.
  std::int64_t ejected_until(const InstanceKey& key, std::int64_t now_ms) const;
  // How many instances of `service` are ejected at now_ms.
  std::size_t ejected_count(const std::string& service, std::int64_t now_ms) const;
  // Failures in a row recorded for the instance (0 when unknown).
  std::uint32_t failures(const InstanceKey& key) const;
  // How many times it was ejected, after decay (0 when unknown).
  std::uint32_t times_ejected(const InstanceKey& key, std::int64_t now_ms) const;

  // Drops the state of every instance of `service` not in `live`.
  void retain(const std::string& service, const std::set<InstanceKey>& live);
  std::size_t tracked() const noexcept { return state_.size(); }

 private:
  struct State {
    std::uint32_t failures = 0;       // in a row
    std::uint32_t times_ejected = 0;  // the multiplier, before decay
    std::int64_t until_ms = 0;        // the current or last ejection's end; 0: never ejected
  };
  std::uint32_t decayed(const State& s, std::int64_t now_ms) const;

  OutlierConfig cfg_;
  std::map<InstanceKey, State> state_;
};

}  // namespace wkd::registry
