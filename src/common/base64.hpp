// Standard base64 (RFC 4648, with padding), as serf prints keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace wkd {

std::string base64_encode(ByteView in);
// nullopt on a character outside the alphabet, bad padding or length.
std::optional<Bytes> base64_decode(std::string_view in);

}  // namespace wkd
