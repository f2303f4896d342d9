// Log sink of the pure layers. They never print: they hand one line per
// event to a sink the runtime provides (the transport routes it to the C
// API's log callback; tests collect or drop it).
#pragma once

#include <string>
#include <string_view>

namespace wkd {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void log(LogLevel level, std::string_view line) = 0;
  // Lines below this level are not formatted at all.
  virtual LogLevel min_level() const { return LogLevel::info; }
};

// Drops everything.
class NullLog final : public LogSink {
 public:
  void log(LogLevel, std::string_view) override {}
  LogLevel min_level() const override { return LogLevel::error; }
};

}  // namespace wkd
