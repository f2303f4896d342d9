#include "health/grpc_health.hpp"

#include <array>

namespace wkd::health::grpc {

namespace {

using registry::invalid;

constexpr std::size_t kFrameHeader = 5;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// A varint at `pos` (at most 10 bytes, the last one's high bits unused).
bool get_varint(std::string_view in, std::size_t& pos, std::uint64_t& v) {
  v = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (pos >= in.size()) return false;
    const auto b = static_cast<std::uint8_t>(in[pos++]);
    if (i == 9 && b > 1) return false;
    v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string encode_check_request(std::string_view service) {
  std::string message;
  if (!service.empty()) {
    message.push_back(0x0a);  // field 1, length-delimited
    put_varint(message, service.size());
    message.append(service);
  }
  std::string frame;
  frame.push_back(0);  // not compressed
  const auto n = static_cast<std::uint32_t>(message.size());
  for (int shift = 24; shift >= 0; shift -= 8) frame.push_back(static_cast<char>((n >> shift) & 0xff));
  frame += message;
  return frame;
}

registry::Result<std::uint64_t> decode_check_response(std::string_view framed) {
  if (framed.empty()) return invalid("grpc response: no message");
  if (framed.size() < kFrameHeader) {
    return invalid("grpc response: a frame header of " + std::to_string(framed.size()) + " of 5 bytes");
  }
  const auto flag = static_cast<std::uint8_t>(framed[0]);
  if (flag == 1) return invalid("grpc response: compressed, though none was accepted");
  if (flag != 0) return invalid("grpc response: compressed flag " + std::to_string(flag) + " is not 0 or 1");
  std::uint32_t length = 0;
  for (std::size_t i = 1; i < kFrameHeader; ++i) length = (length << 8) | static_cast<std::uint8_t>(framed[i]);
  if (length > kMaxResponseMessage) {
    return invalid("grpc response: a message of " + std::to_string(length) + " bytes; the limit is 4096");
  }
  const std::size_t have = framed.size() - kFrameHeader;
  if (have < length) {
    return invalid("grpc response: the frame says " + std::to_string(length) + " bytes, " + std::to_string(have) +
                   " came");
  }
  if (have > length) {
    return invalid("grpc response: " + std::to_string(have - length) + " bytes after the message");
  }
  const std::string_view msg = framed.substr(kFrameHeader, length);
  std::uint64_t status = 0;  // proto3: an absent field is its zero value
  std::size_t pos = 0;
  while (pos < msg.size()) {
    std::uint64_t key = 0;
    if (!get_varint(msg, pos, key)) return invalid("grpc response: a malformed field key");
    const std::uint64_t field = key >> 3;
    const auto wire = static_cast<unsigned>(key & 7);
    if (field == 0) return invalid("grpc response: field number 0");
    std::uint64_t v = 0;
    switch (wire) {
      case 0:
        if (!get_varint(msg, pos, v)) return invalid("grpc response: field " + std::to_string(field) + ": a malformed varint");
        if (field == 1) status = v;
        break;
      case 1:
      case 5: {
        const std::size_t n = wire == 1 ? 8 : 4;
        if (msg.size() - pos < n) return invalid("grpc response: field " + std::to_string(field) + ": truncated");
        pos += n;
        if (field == 1) return invalid("grpc response: status: not a varint");
        break;
      }
      case 2:
        if (!get_varint(msg, pos, v) || v > msg.size() - pos) {
          return invalid("grpc response: field " + std::to_string(field) + ": a length past the message");
        }
        pos += static_cast<std::size_t>(v);
        if (field == 1) return invalid("grpc response: status: not a varint");
        break;
      default:
        return invalid("grpc response: field " + std::to_string(field) + ": wire type " + std::to_string(wire) +
                       " is not supported");
    }
  }
  return status;
}

std::string serving_status_name(std::uint64_t status) {
  static constexpr std::array<const char*, 4> kNames = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
  if (status < kNames.size()) return kNames[status];
  return "status " + std::to_string(status);
}

std::string status_code_name(std::uint64_t code) {
  static constexpr std::array<const char*, 17> kNames = {
      "OK",        "CANCELLED",          "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
      "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  if (code < kNames.size()) return kNames[code];
  return "code " + std::to_string(code);
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace wkd::health::grpc
