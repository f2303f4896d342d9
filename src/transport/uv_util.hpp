// Small helpers between libuv and the pure layers: socket addresses to and
// from wkd::Address, libuv error text, and the monotonic clock.
#pragma once

#include <uv.h>

#include <optional>
#include <string>

#include "common/address.hpp"
#include "common/time.hpp"

namespace wkd::transport {

// sockaddr_in / sockaddr_in6 from an Address (4- or 16-byte IP).
bool to_sockaddr(const Address& a, sockaddr_storage& out) noexcept;

// Address from a sockaddr; IPv4-mapped IPv6 addresses come back as IPv4.
std::optional<Address> from_sockaddr(const sockaddr* sa) noexcept;

// "name: text" for a libuv error code.
std::string uv_error(int code);

// The monotonic clock the engines run on (uv_hrtime).
inline TimePoint mono_now() noexcept { return TimePoint(Duration(static_cast<Duration::rep>(uv_hrtime()))); }

}  // namespace wkd::transport
