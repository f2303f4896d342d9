#include "transport/loop_thread.hpp"

#include <uv.h>

namespace wkd::transport {

LoopThread::LoopThread(uv_loop_s* host) : loop_(host) {
  if (host != nullptr) loop_thread_id_ = std::this_thread::get_id();
}

LoopThread::~LoopThread() {
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

void LoopThread::start(std::function<void()> begin, std::function<void()> ended) {
  auto open = [this] {
    auto* async = new uv_async_t;
    uv_async_init(loop_, async, [](uv_async_t* a) { static_cast<LoopThread*>(a->data)->drain(); });
    async->data = this;
    async_ = async;
  };
  if (loop_ != nullptr) {
    loop_thread_id_ = std::this_thread::get_id();
    open();
    begin();
    return;
  }
  own_loop_ = std::make_unique<uv_loop_t>();
  uv_loop_init(own_loop_.get());
  loop_ = own_loop_.get();
  thread_ = std::thread([this, open, begin = std::move(begin), ended = std::move(ended)] {
    loop_thread_id_ = std::this_thread::get_id();
    open();
    begin();
    uv_run(loop_, UV_RUN_DEFAULT);
    uv_loop_close(loop_);
    // May destroy the owner, and with it this object, on this thread.
    ended();
  });
}

bool LoopThread::post(std::function<void()> fn) {
  if (on_loop_thread() && accepting()) {
    fn();
    return true;
  }
  return defer(std::move(fn));
}

bool LoopThread::defer(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  uv_async_t* a = async_.load();
  if (a == nullptr) return false;
  queue_.push_back(std::move(fn));
  uv_async_send(a);
  return true;
}

void LoopThread::drain() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

void LoopThread::release(std::function<void()> released) {
  uv_async_t* a = nullptr;
  std::vector<std::function<void()>> dropped;  // destroyed outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    a = async_.exchange(nullptr);
    dropped.swap(queue_);
  }
  if (a == nullptr) return;
  released_ = std::move(released);
  uv_close(reinterpret_cast<uv_handle_t*>(a), [](uv_handle_t* h) {
    auto* self = static_cast<LoopThread*>(h->data);
    delete reinterpret_cast<uv_async_t*>(h);
    auto done = std::move(self->released_);
    if (done) done();
  });
}

void LoopThread::join() {
  if (own_loop_ && thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

}  // namespace wkd::transport
