// The agent's log: one line per event on stderr, as text or as JSON.
//
//   2026-11-22T03:40:00.123Z INFO  db-1: member joined: db-2 127.0.0.1:7476
//   {"ts":"2026-11-22T03:40:00.123Z","level":"info","node":"db-1","msg":"member joined: ..."}
//
// Lines are written with one write(2) each, so lines from several threads
// never interleave.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/log.hpp"

namespace wkd::agent {

// "debug" (also "trace"), "info", "warn", "error"; false if unknown.
bool parse_log_level(std::string_view s, LogLevel* out) noexcept;
const char* log_level_name(LogLevel l) noexcept;

// RFC 3339 UTC with milliseconds: "2026-11-22T03:40:00.123Z".
std::string rfc3339_ms(std::int64_t unix_ms);
// Seconds precision: "2026-11-22T03:40:00Z".
std::string rfc3339(std::int64_t unix_ms);
std::int64_t unix_now_ms();

class AgentLog {
 public:
  AgentLog(LogLevel level, bool json, int fd = 2) : level_(level), json_(json), fd_(fd) {}
  bool enabled(LogLevel l) const noexcept { return l >= level_; }
  void write(LogLevel l, std::string_view node, std::string_view msg) const;
  // The formatted line without its newline (tests).
  std::string format(LogLevel l, std::string_view node, std::string_view msg, std::int64_t unix_ms) const;

 private:
  LogLevel level_;
  bool json_;
  int fd_;
};

}  // namespace wkd::agent
