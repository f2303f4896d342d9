// The runtime's error codes (the C API maps each to a wkd_status).
#pragma once

#include <cstdint>

#include "common/result.hpp"
#include "registry/errors.hpp"

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
  exists,       // a record is there already with other terms
  too_big,
  not_supported,
  internal,
};

using Status = wkd::Status<Err>;
template <class T>
using Result = wkd::Result<T, Err>;

// A registry refusal as the runtime reports it: another node's instance, or
// a state that forbids the call, is Err::state (the message names why); a
// dependency declared already with other terms is Err::exists.
inline Err err_of(registry::Err e) noexcept {
  switch (e) {
    case registry::Err::invalid_argument: return Err::invalid;
    case registry::Err::too_large: return Err::too_big;
    case registry::Err::not_found: return Err::not_found;
    case registry::Err::not_owner:
    case registry::Err::failed_precondition: return Err::state;
    case registry::Err::already_exists: return Err::exists;
  }
  return Err::internal;
}

}  // namespace wkd::runtime
