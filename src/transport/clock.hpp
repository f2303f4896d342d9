// The monotonic clock every pure part of a node runs on.
#pragma once

#include "common/time.hpp"

namespace wkd::transport {

// Nanoseconds since an arbitrary point (libuv's uv_hrtime).
TimePoint mono_now() noexcept;

}  // namespace wkd::transport
