#include "support/sim_log.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace wkd::sim {

bool SimLog::enabled(LogLevel* level) {
  const char* v = std::getenv("WKD_SIM_LOG");
  if (v == nullptr || *v == '\0') return false;
  if (std::strcmp(v, "debug") == 0) {
    *level = LogLevel::debug;
  } else if (std::strcmp(v, "warn") == 0) {
    *level = LogLevel::warn;
  } else if (std::strcmp(v, "error") == 0) {
    *level = LogLevel::error;
  } else {
    *level = LogLevel::info;
  }
  return true;
}

SimLog::SimLog(const SimClock& clock, std::string node)
    : clock_(clock), node_(std::move(node)), level_(LogLevel::warn) {
  print_ = enabled(&level_);
}

LogLevel SimLog::min_level() const {
  // Warnings are always formatted, to be counted.
  return print_ && level_ < LogLevel::warn ? level_ : LogLevel::warn;
}

void SimLog::log(LogLevel level, std::string_view line) {
  ++counts_[static_cast<std::size_t>(level)];
  if (!print_ || level < level_) return;
  const double t = static_cast<double>(clock_.now().time_since_epoch().count()) / 1e9;
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%12.6fs ", t);
  std::cerr << stamp << node_ << "] " << line << '\n';
}

}  // namespace wkd::sim
