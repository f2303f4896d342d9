// The messages of gRPC's health-checking protocol (grpc.health.v1.Health,
// method Check) as a gRPC check sends and reads them over HTTP/2, encoded
// and decoded here without a protobuf library:
//
//   HealthCheckRequest  { string service = 1; }
//   HealthCheckResponse { ServingStatus status = 1; }
//   ServingStatus: 0 UNKNOWN, 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN
//
// Each message travels in a gRPC frame: a compressed flag (0: this side
// asks for no compression and accepts none) and a 4-byte big-endian length
// before the protobuf bytes. The decoder checks every length against what
// is there, skips fields it does not know (as protobuf readers do) and
// refuses anything else it cannot make sense of with a message saying
// what: a truncated frame, a compressed one, bytes after the message, a
// malformed varint or field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "registry/errors.hpp"

namespace wkd::health::grpc {

// The path of the Check method.
inline constexpr std::string_view kCheckPath = "/grpc.health.v1.Health/Check";
// The largest response frame accepted (a HealthCheckResponse takes 2 bytes).
inline constexpr std::size_t kMaxResponseMessage = 4096;

enum class ServingStatus : std::uint8_t { unknown = 0, serving = 1, not_serving = 2, service_unknown = 3 };

// The framed HealthCheckRequest for `service` (empty: the server as a whole).
std::string encode_check_request(std::string_view service);

// The serving status a framed HealthCheckResponse carries: the raw enum
// value (proto3 enums are open: a value past 3 is kept, not refused).
registry::Result<std::uint64_t> decode_check_response(std::string_view framed);

// "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN", else "status N".
std::string serving_status_name(std::uint64_t status);
// gRPC's status codes by name: 0 "OK" ... 16 "UNAUTHENTICATED", else
// "code N".
std::string status_code_name(std::uint64_t code);
// grpc-message is percent-encoded on the wire; an ill-formed escape is
// kept as it is.
std::string percent_decode(std::string_view text);

}  // namespace wkd::health::grpc
