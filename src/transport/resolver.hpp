// Resolving seed addresses ("host:port", "ip:port", "[v6]:port") on the
// loop with uv_getaddrinfo. Names are resolved every time a join is tried,
// so a seed whose address changes is found again.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/address.hpp"

struct uv_loop_s;

namespace wkd::transport {

struct Resolved {
  std::vector<Address> addresses;  // every address of every seed, in order, no duplicates
  std::string errors;              // "seed: reason; ..." for seeds that gave none
};

// Calls `done` on the loop once every seed is resolved or failed. IP
// literals complete at once (still from the loop, never re-entrantly).
// `family` is AF_INET, AF_INET6 or AF_UNSPEC (the node's bind family).
void resolve_seeds(uv_loop_s* loop, const std::vector<std::string>& seeds, std::uint16_t default_port, int family,
                   std::function<void(Resolved)> done);

}  // namespace wkd::transport
