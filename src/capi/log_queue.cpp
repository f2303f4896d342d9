// wkd/sys/log.h: the log queue (the callback sink lives in config.cpp).
#include "capi/log_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "capi/options.hpp"

namespace wkd::capi {

LogQueue::LogQueue(std::size_t capacity) : capacity_(capacity) { fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

LogQueue::~LogQueue() {
  if (fd_ >= 0) ::close(fd_);
}

void LogQueue::update_signal_locked() noexcept {
  if (fd_ < 0) return;
  const bool want = readable_locked();
  if (want && !signalled_) {
    const std::uint64_t one = 1;
    if (::write(fd_, &one, sizeof(one)) == sizeof(one)) signalled_ = true;
  } else if (!want && signalled_) {
    std::uint64_t v;
    if (::read(fd_, &v, sizeof(v)) == sizeof(v)) signalled_ = false;
  }
}

void LogQueue::push(LogLevel level, const std::string& node, const std::string& line) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  try {
    if (entries_.size() >= capacity_) {
      ++pending_dropped_;
      ++dropped_total_;
      if (pending_node_ != node) pending_node_ = node;
    } else {
      Entry e;
      e.level = static_cast<wkd_log_level>(level);
      e.node = node;
      e.message = line;
      e.has_message = true;
      e.dropped = pending_dropped_;
      entries_.push_back(std::move(e));
      pending_dropped_ = 0;
    }
  } catch (...) {  // out of memory: the line is lost, and counted
    ++pending_dropped_;
    ++dropped_total_;
  }
  update_signal_locked();
  cv_.notify_one();
}

LogQueue::Take LogQueue::take(Entry* out, std::int32_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [this] { return readable_locked(); };
  if (timeout_ms < 0) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready)) {
    return Take::timeout;
  }
  if (!entries_.empty()) {
    *out = std::move(entries_.front());
    entries_.pop_front();
  } else if (pending_dropped_ > 0) {
    // Lines were dropped after the last one queued and nothing followed:
    // report them on their own rather than wait for a next line.
    *out = Entry{};
    out->node = pending_node_;
    out->dropped = pending_dropped_;
    pending_dropped_ = 0;
  } else {
    return Take::closed;
  }
  update_signal_locked();
  return Take::entry;
}

void LogQueue::close() noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  update_signal_locked();
  cv_.notify_all();
}

std::uint64_t LogQueue::dropped() const noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_total_;
}

}  // namespace wkd::capi

using namespace wkd::capi;

namespace {

bool live(const wkd_log_queue_t* q) { return q != nullptr && q->tag == kLogQueueTag && q->impl; }

}  // namespace

extern "C" {

WKD_API wkd_status wkd_log_queue_new(wkd_log_queue_t** out, size_t capacity, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    if (capacity > WKD_LOG_QUEUE_MAX_CAPACITY)
      return fail(err, WKD_E_INVAL,
                  "log queue capacity " + std::to_string(capacity) + " is above the maximum " +
                      std::to_string(WKD_LOG_QUEUE_MAX_CAPACITY));
    auto impl = std::make_shared<LogQueue>(capacity == 0 ? 1024 : capacity);
    if (impl->fd() < 0) {
      const int e = errno;
      return fail(err, WKD_E_IO, "cannot create the log queue's eventfd", e);
    }
    auto* q = new wkd_log_queue;
    q->impl = std::move(impl);
    *out = q;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_set_log_queue(wkd_config_t* cfg, wkd_log_level min_level, wkd_log_queue_t* queue,
                                            wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (cfg == nullptr || cfg->tag != kConfigTag) return fail(err, WKD_E_INVAL, "cfg is not a configuration");
    if (!live(queue)) return fail(err, WKD_E_INVAL, "queue is not a live log queue handle");
    const int level = raw_enum(min_level);
    if (level < WKD_LOG_DEBUG || level > WKD_LOG_OFF)
      return fail(err, WKD_E_INVAL, "unknown log level " + std::to_string(level));
    cfg->log_level = min_level;
    cfg->log_cb = nullptr;
    cfg->log_user_data = nullptr;
    cfg->log_queue = queue->impl;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_log_queue_next(wkd_log_entry* out, wkd_log_queue_t* queue, int32_t timeout_ms,
                                      wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t))
      return fail(err, WKD_E_INVAL, "out is NULL or its struct_size is too small");
    if (!live(queue)) return fail(err, WKD_E_INVAL, "queue is not a live log queue handle");
    switch (queue->impl->take(&queue->current, timeout_ms)) {
      case LogQueue::Take::timeout:
        return fail(err, WKD_E_TIMEOUT, "no log line within " + std::to_string(timeout_ms) + " ms");
      case LogQueue::Take::closed:
        return fail(err, WKD_E_CANCELED, "the log queue is closed and empty");
      case LogQueue::Take::entry:
        break;
    }
    const LogQueue::Entry& e = queue->current;
    wkd_log_entry full = WKD_LOG_ENTRY_INIT;
    full.level = e.level;
    full.node_name = e.node.c_str();
    full.message = e.has_message ? e.message.c_str() : nullptr;
    full.dropped = e.dropped;
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_log_queue_fd(int* fd_out, wkd_log_queue_t* queue, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (fd_out == nullptr) return fail(err, WKD_E_INVAL, "fd_out is NULL");
    *fd_out = -1;
    if (!live(queue)) return fail(err, WKD_E_INVAL, "queue is not a live log queue handle");
    *fd_out = queue->impl->fd();
    return WKD_OK;
  });
}

WKD_API uint64_t wkd_log_queue_dropped(const wkd_log_queue_t* queue) {
  return live(queue) ? queue->impl->dropped() : 0;
}

WKD_API void wkd_log_queue_close(wkd_log_queue_t* queue) {
  if (live(queue)) queue->impl->close();
}

WKD_API void wkd_log_queue_free(wkd_log_queue_t* queue) {
  if (!live(queue)) return;
  queue->impl->close();
  queue->tag = kDeadTag;
  delete queue;
}

}  // extern "C"
