#include "transport/timer.hpp"

#include <uv.h>

namespace wkd::transport {

Timer::Timer(uv_loop_s* loop, std::function<void()> fire) : handle_(new uv_timer_t), fire_(std::move(fire)) {
  uv_timer_init(loop, handle_);
  handle_->data = this;
}

Timer::~Timer() { close(); }

void Timer::start(Duration after) {
  if (handle_ == nullptr) return;
  const auto ns = after > Duration::zero() ? after.count() : 0;
  const auto ms = static_cast<std::uint64_t>((ns + 999'999) / 1'000'000);
  armed_ = true;
  uv_timer_start(
      handle_,
      [](uv_timer_t* t) {
        auto* self = static_cast<Timer*>(t->data);
        self->armed_ = false;
        if (self->fire_) self->fire_();
      },
      ms, 0);
}

void Timer::stop() {
  armed_ = false;
  if (handle_ != nullptr) uv_timer_stop(handle_);
}

void Timer::close() {
  if (handle_ == nullptr) return;
  uv_timer_stop(handle_);
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  handle_ = nullptr;
  armed_ = false;
}

}  // namespace wkd::transport
