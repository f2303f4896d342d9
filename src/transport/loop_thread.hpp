// The libuv loop a node runs on, and the queue through which every other
// thread hands it work.
//
// A node runs on its own loop, on a thread of its own, or on a host's loop
// (the host runs it; many nodes may share one). Either way the node's work
// happens on that one thread: other threads post closures to a queue that
// a uv_async handle drains on the loop. The queue accepts work from
// start() until release(); post() says whether it was taken.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

struct uv_loop_s;
struct uv_async_s;

namespace wkd::transport {

class LoopThread {
 public:
  // host null: an own loop and thread (created by start()). Otherwise the
  // host's loop; the constructor and start() must run on the host's thread.
  explicit LoopThread(uv_loop_s* host);
  // Joins the own thread (detaches it when called on that thread).
  ~LoopThread();
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  // Opens the queue and runs `begin` on the loop thread: inline on a host
  // loop, first thing on the new thread otherwise, which then runs the loop
  // until its last handle closes, closes the loop and calls `ended` there.
  void start(std::function<void()> begin, std::function<void()> ended);

  // Runs fn on the loop: at once when called there while the queue is
  // open, else queued. False when the queue is closed (fn dropped).
  bool post(std::function<void()> fn);
  // Queues fn even when called on the loop thread (it runs after the
  // current callback returns). False when the queue is closed.
  bool defer(std::function<void()> fn);

  // On the loop thread: closes the queue (queued work is dropped) and its
  // handle; `released` runs when libuv has let the handle go.
  void release(std::function<void()> released);

  bool accepting() const noexcept { return async_.load() != nullptr; }
  bool on_loop_thread() const noexcept { return loop_thread_id_.load() == std::this_thread::get_id(); }
  bool own_thread() const noexcept { return own_loop_ != nullptr; }
  uv_loop_s* loop() const noexcept { return loop_; }
  // Waits for the own thread to end; no-op for a host loop or on the
  // loop thread itself.
  void join();

 private:
  void drain();

  uv_loop_s* loop_;
  std::unique_ptr<uv_loop_s> own_loop_;
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};
  // Set on the loop thread when the queue opens and cleared there when it
  // closes; read from any thread.
  std::atomic<uv_async_s*> async_{nullptr};
  std::mutex mu_;
  std::vector<std::function<void()>> queue_;
  std::function<void()> released_;
};

}  // namespace wkd::transport
