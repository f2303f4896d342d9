// The log queue behind wkd/sys/log.h: a bounded, thread-safe queue that a
// node's loop thread fills (copying each line and returning at once) and a
// consumer thread of the program drains, with an eventfd readable while
// an entry waits or the queue is closed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "capi/guard.hpp"
#include "common/log.hpp"
#include "wkd/sys/log.h"

namespace wkd::capi {

inline constexpr std::uint32_t kLogQueueTag = 0x776b644c;  // "wkdL"

class LogQueue {
 public:
  struct Entry {
    wkd_log_level level = WKD_LOG_WARN;
    std::string node;
    std::string message;
    bool has_message = false;  // false: the entry only reports drops
    std::uint64_t dropped = 0;
  };
  enum class Take { entry, timeout, closed };

  // fd() < 0 afterwards when no eventfd could be created (errno says why).
  explicit LogQueue(std::size_t capacity);
  ~LogQueue();
  LogQueue(const LogQueue&) = delete;
  LogQueue& operator=(const LogQueue&) = delete;

  // Copies the line in, or counts it as dropped when the queue is full.
  // Never waits for the consumer; any thread.
  void push(LogLevel level, const std::string& node, const std::string& line) noexcept;

  // Moves the oldest entry into *out; timeout_ms < 0 waits without limit.
  Take take(Entry* out, std::int32_t timeout_ms);

  void close() noexcept;
  int fd() const noexcept { return fd_; }
  std::uint64_t dropped() const noexcept;

 private:
  bool readable_locked() const noexcept { return closed_ || !entries_.empty() || pending_dropped_ > 0; }
  void update_signal_locked() noexcept;

  const std::size_t capacity_;
  int fd_ = -1;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Entry> entries_;
  std::uint64_t pending_dropped_ = 0;  // dropped since the last entry queued
  std::string pending_node_;           // node of the last line dropped
  std::uint64_t dropped_total_ = 0;
  bool closed_ = false;
  bool signalled_ = false;
};

}  // namespace wkd::capi

// The C handle: the caller's reference, plus the entry last handed out
// (whose strings wkd_log_entry borrows).
struct wkd_log_queue {
  std::uint32_t tag = wkd::capi::kLogQueueTag;
  std::shared_ptr<wkd::capi::LogQueue> impl;
  wkd::capi::LogQueue::Entry current;
};
