#include "runtime/logger.hpp"

#include <cstdio>

namespace wkd::runtime {

void Logger::log(LogLevel level, std::string_view line) {
  if (level < min_) return;
  if (fn_) {
    fn_(level, node_, std::string(line));
    return;
  }
  static const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  std::fprintf(stderr, "wkd[%s] %s: %.*s\n", node_.c_str(), kNames[static_cast<int>(level)],
               static_cast<int>(line.size()), line.data());
}

}  // namespace wkd::runtime
