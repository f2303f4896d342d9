#include "agent/log.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace wkd::agent {

bool parse_log_level(std::string_view s, LogLevel* out) noexcept {
  if (s == "trace" || s == "debug") {
    *out = LogLevel::debug;
  } else if (s == "info") {
    *out = LogLevel::info;
  } else if (s == "warn" || s == "warning") {
    *out = LogLevel::warn;
  } else if (s == "error") {
    *out = LogLevel::error;
  } else {
    return false;
  }
  return true;
}

const char* log_level_name(LogLevel l) noexcept {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

std::string format_time(std::int64_t unix_ms, bool with_ms) {
  std::int64_t secs = unix_ms / 1000;
  std::int64_t ms = unix_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  if (with_ms) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buf;
}

}  // namespace

std::string rfc3339_ms(std::int64_t unix_ms) { return format_time(unix_ms, true); }
std::string rfc3339(std::int64_t unix_ms) { return format_time(unix_ms, false); }

std::string AgentLog::format(LogLevel l, std::string_view node, std::string_view msg, std::int64_t unix_ms) const {
  if (json_) {
    nlohmann::json j = {{"ts", rfc3339_ms(unix_ms)},
                        {"level", log_level_name(l)},
                        {"node", std::string(node)},
                        {"msg", std::string(msg)}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line = rfc3339_ms(unix_ms);
  static const char* kTags[] = {" DEBUG ", " INFO  ", " WARN  ", " ERROR "};
  line += kTags[static_cast<int>(l)];
  line.append(node);
  line += ": ";
  // One event, one line: newlines inside a message are escaped.
  for (char c : msg) {
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else {
      line += c;
    }
  }
  return line;
}

void AgentLog::write(LogLevel l, std::string_view node, std::string_view msg) const {
  if (!enabled(l)) return;
  std::string line = format(l, node, msg, unix_now_ms());
  line += '\n';
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n <= 0) return;  // stderr gone: nothing better to do
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace wkd::agent
