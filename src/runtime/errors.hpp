// The runtime's error codes (the C API maps each to a wkd_status).
#pragma once

#include <cstdint>

#include "common/result.hpp"

namespace wkd::runtime {

enum class Err : std::uint8_t {
  invalid,      // bad argument
  state,        // wrong lifecycle state
  closed,
  timeout,
  io,           // sockets, resolution, every seed failed
  addr_in_use,
  loop_thread,  // a wait requested on the loop thread
  not_found,
  too_big,
  not_supported,
  internal,
};

using Status = wkd::Status<Err>;
template <class T>
using Result = wkd::Result<T, Err>;

}  // namespace wkd::runtime
