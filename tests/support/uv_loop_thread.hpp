// UvLoopThread: a libuv loop running on a thread of its own, the way a host
// program runs the loop it puts wkd nodes on (wkd/sys/uv.h,
// wkd_node_create_on_loop). Header-only, linking only libuv, so that both
// the many-nodes C API test and the side-by-side benchmark harness use it.
//
//   wkd::testsupport::UvLoopThread host;
//   host.run([&] { wkd_node_create_on_loop(&node, host.loop(), cfg, &err); });
//
// The destructor closes the loop's own wake-up handle and joins the
// thread: every node on the loop must be closed (and its close run) first.
#pragma once

#include <uv.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wkd::testsupport {

class UvLoopThread {
 public:
  UvLoopThread() {
    uv_loop_init(&loop_);
    uv_async_init(&loop_, &wake_, [](uv_async_t* a) { static_cast<UvLoopThread*>(a->data)->run_jobs(); });
    wake_.data = this;
    thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  }
  ~UvLoopThread() {
    run([this] { uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr); });
    thread_.join();
    uv_loop_close(&loop_);
  }
  UvLoopThread(const UvLoopThread&) = delete;
  UvLoopThread& operator=(const UvLoopThread&) = delete;

  uv_loop_t* loop() { return &loop_; }

  // Runs fn on the loop thread and waits until it has returned.
  void run(const std::function<void()>& fn) {
    std::atomic<bool> done{false};
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back([&] {
        fn();
        done = true;
      });
    }
    uv_async_send(&wake_);
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

 private:
  void run_jobs() {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(jobs_);
    }
    for (auto& j : batch) j();
  }

  uv_loop_t loop_;
  uv_async_t wake_;
  std::mutex mu_;
  std::vector<std::function<void()>> jobs_;
  std::thread thread_;
};

}  // namespace wkd::testsupport
