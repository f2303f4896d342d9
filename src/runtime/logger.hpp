// Where a node's log lines go: the program's function, or stderr.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/log.hpp"

namespace wkd::runtime {

using LogFn = std::function<void(LogLevel, const std::string& node, const std::string& line)>;

class Logger final : public LogSink {
 public:
  // fn null: "wkd[NODE] LEVEL: line" on stderr.
  Logger(std::string node, LogLevel min, LogFn fn) : node_(std::move(node)), min_(min), fn_(std::move(fn)) {}

  void log(LogLevel level, std::string_view line) override;
  LogLevel min_level() const override { return min_; }

 private:
  const std::string node_;
  const LogLevel min_;
  const LogFn fn_;
};

}  // namespace wkd::runtime
