#include "transport/uv_util.hpp"

#include <cstring>

namespace wkd::transport {

bool to_sockaddr(const Address& a, sockaddr_storage& out) noexcept {
  std::memset(&out, 0, sizeof(out));
  if (a.ip_len == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(a.port);
    std::memcpy(&sin->sin_addr, a.ip.data(), 4);
    return true;
  }
  if (a.ip_len == 16) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(a.port);
    std::memcpy(&sin6->sin6_addr, a.ip.data(), 16);
    return true;
  }
  return false;
}

std::optional<Address> from_sockaddr(const sockaddr* sa) noexcept {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
    return Address::from_bytes(ByteView(reinterpret_cast<const std::uint8_t*>(&sin->sin_addr), 4),
                               ntohs(sin->sin_port));
  }
  if (sa->sa_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    auto a = Address::from_bytes(ByteView(reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr), 16),
                                 ntohs(sin6->sin6_port));
    if (a) return a->unmapped();
  }
  return std::nullopt;
}

std::string uv_error(int code) { return std::string(uv_err_name(code)) + ": " + uv_strerror(code); }

}  // namespace wkd::transport
