// Log sink of simulated nodes: lines carry the virtual time and the node.
//
// Silent unless WKD_SIM_LOG is set to debug, info, warn or error; then
// lines at or above that level go to stderr as "[  12.345678s n3] text".
// Warnings and errors are counted either way, so a test can assert that a
// scenario ran clean.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/log.hpp"
#include "support/sim_clock.hpp"

namespace wkd::sim {

class SimLog final : public LogSink {
 public:
  SimLog(const SimClock& clock, std::string node);

  void log(LogLevel level, std::string_view line) override;
  LogLevel min_level() const override;

  std::uint64_t count(LogLevel level) const noexcept { return counts_[static_cast<std::size_t>(level)]; }

  // The level from WKD_SIM_LOG, if set.
  static bool enabled(LogLevel* level);

 private:
  const SimClock& clock_;
  std::string node_;
  bool print_;
  LogLevel level_;
  std::array<std::uint64_t, 4> counts_{};
};

}  // namespace wkd::sim
