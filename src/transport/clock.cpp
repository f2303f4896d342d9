#include "transport/clock.hpp"

#include <uv.h>

namespace wkd::transport {

TimePoint mono_now() noexcept { return TimePoint(Duration(static_cast<Duration::rep>(uv_hrtime()))); }

}  // namespace wkd::transport
