#include "capi/guard.hpp"

#include <cstddef>

namespace wkd::capi {

wkd_status fail(wkd_error* err, wkd_status status, std::string_view message, int os_error) noexcept {
  if (err == nullptr) return status;
  const std::uint32_t size = err->struct_size;
  if (size >= offsetof(wkd_error, status) + sizeof(err->status)) err->status = status;
  if (size >= offsetof(wkd_error, os_error) + sizeof(err->os_error)) err->os_error = os_error;
  if (size > offsetof(wkd_error, message)) {
    std::size_t cap = size - offsetof(wkd_error, message);
    if (cap > sizeof(err->message)) cap = sizeof(err->message);
    std::size_t n = message.size() < cap - 1 ? message.size() : cap - 1;
    // Do not cut a UTF-8 sequence in half.
    while (n > 0 && n < message.size() && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80) --n;
    std::memcpy(err->message, message.data(), n);
    err->message[n] = '\0';
  }
  return status;
}

wkd_status status_of(runtime::Err e) noexcept {
  switch (e) {
    case runtime::Err::invalid:
      return WKD_E_INVAL;
    case runtime::Err::state:
      return WKD_E_STATE;
    case runtime::Err::closed:
      return WKD_E_CLOSED;
    case runtime::Err::timeout:
      return WKD_E_TIMEOUT;
    case runtime::Err::io:
      return WKD_E_IO;
    case runtime::Err::addr_in_use:
      return WKD_E_ADDRINUSE;
    case runtime::Err::loop_thread:
      return WKD_E_LOOPTHREAD;
    case runtime::Err::not_found:
      return WKD_E_NOTFOUND;
    case runtime::Err::exists:
      return WKD_E_EXISTS;
    case runtime::Err::too_big:
      return WKD_E_TOOBIG;
    case runtime::Err::not_supported:
      return WKD_E_NOTSUP;
    case runtime::Err::internal:
      return WKD_E_INTERNAL;
  }
  return WKD_E_INTERNAL;
}

}  // namespace wkd::capi
