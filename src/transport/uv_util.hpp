// Small helpers between libuv and the pure layers: socket addresses to and
// from wkd::Address and libuv error text (the clock is clock.hpp).
#pragma once

#include <uv.h>

#include <optional>
#include <string>

#include "common/address.hpp"
#include "common/time.hpp"
#include "transport/clock.hpp"

namespace wkd::transport {

// sockaddr_in / sockaddr_in6 from an Address (4- or 16-byte IP).
bool to_sockaddr(const Address& a, sockaddr_storage& out) noexcept;

// Address from a sockaddr; IPv4-mapped IPv6 addresses come back as IPv4.
std::optional<Address> from_sockaddr(const sockaddr* sa) noexcept;

// "name: text" for a libuv error code.
std::string uv_error(int code);


}  // namespace wkd::transport
