// The C ABI's firewall: no C++ exception crosses it, every failure fills
// the caller's wkd_error (up to its struct_size), and handles are checked.
#pragma once

#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "runtime/node.hpp"
#include "wkd/status.h"

namespace wkd::capi {

inline constexpr std::uint32_t kLiveTag = 0x776b6431;  // "wkd1"
inline constexpr std::uint32_t kDeadTag = 0xdeadu;
inline constexpr std::uint32_t kConfigTag = 0x776b6343;  // "wkdC"

// Fills err (if given) and returns status.
wkd_status fail(wkd_error* err, wkd_status status, std::string_view message, int os_error = 0) noexcept;

// The wkd_status for a runtime error code.
wkd_status status_of(runtime::Err e) noexcept;

template <class E>
wkd_status fail_with(wkd_error* err, const Failure<E>& f) noexcept {
  return fail(err, status_of(f.code), f.message);
}

// Runs fn, turning exceptions into WKD_E_NOMEM / WKD_E_INTERNAL.
template <class F>
wkd_status guard(wkd_error* err, F&& fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return fail(err, WKD_E_NOMEM, "out of memory");
  } catch (const std::exception& e) {
    return fail(err, WKD_E_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(err, WKD_E_INTERNAL, "internal error: unknown exception");
  }
}

// The integer a C caller passed for an enum parameter. C may pass any int;
// in C++ loading an out-of-range value as the enum type is undefined, so
// validate the raw bits first.
template <class E>
int raw_enum(const E& e) noexcept {
  int v = 0;
  static_assert(sizeof(E) == sizeof(int));
  std::memcpy(&v, &e, sizeof v);
  return v;
}

// Copies min(struct_size, sizeof(T)) bytes of a library-built T into the
// caller's struct, keeping the caller's struct_size.
template <class T>
void copy_sized(T* out, const T& full) noexcept {
  const std::uint32_t size = out->struct_size;
  const std::size_t n = size < sizeof(T) ? size : sizeof(T);
  std::memcpy(static_cast<void*>(out), &full, n);
  out->struct_size = size;
}

// Reads a caller's sized input struct: fields beyond its struct_size keep
// their defaults from `defaults`.
template <class T>
T read_sized(const T* in, const T& defaults) noexcept {
  T out = defaults;
  const std::size_t n = in->struct_size < sizeof(T) ? in->struct_size : sizeof(T);
  std::memcpy(static_cast<void*>(&out), in, n);
  return out;
}

}  // namespace wkd::capi
