// The gRPC health messages: the request's exact bytes, the response's
// statuses, and every malformed frame refused with a message naming what
// is wrong (never read past its end).
#include "health/grpc_health.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wkd::health::grpc {
namespace {

using namespace std::string_literals;

std::string frame(const std::string& message, char flag = 0) {
  std::string f(1, flag);
  const auto n = static_cast<std::uint32_t>(message.size());
  for (int shift = 24; shift >= 0; shift -= 8) f.push_back(static_cast<char>((n >> shift) & 0xff));
  return f + message;
}

TEST(GrpcHealth, TheRequestIsAFramedHealthCheckRequest) {
  EXPECT_EQ(encode_check_request(""), "\0\0\0\0\0"s);  // an empty message: the server as a whole
  EXPECT_EQ(encode_check_request("svc.ok"), "\0\0\0\0\x08\x0a\x06svc.ok"s);
  // A name of 200 bytes takes a two-byte length varint.
  const std::string longer(200, 'n');
  EXPECT_EQ(encode_check_request(longer), "\0\0\0\0\xcb\x0a\xc8\x01"s + longer);
}

TEST(GrpcHealth, ResponsesDecodeToTheirStatus) {
  EXPECT_EQ(*decode_check_response(frame("\x08\x01")), 1u);
  EXPECT_EQ(*decode_check_response(frame("\x08\x02")), 2u);
  EXPECT_EQ(*decode_check_response(frame("")), 0u);  // absent: UNKNOWN
  EXPECT_EQ(*decode_check_response(frame("\x08\x07")), 7u);  // open enum: kept
  // Unknown fields of every wire type are skipped; the last status wins.
  EXPECT_EQ(*decode_check_response(frame("\x10\x05\x1a\x02hi\x21"s + std::string(8, 'f') + "\x2d" + "ffff" +
                                         "\x08\x02\x08\x01")),
            1u);
  EXPECT_EQ(serving_status_name(1), "SERVING");
  EXPECT_EQ(serving_status_name(2), "NOT_SERVING");
  EXPECT_EQ(serving_status_name(3), "SERVICE_UNKNOWN");
  EXPECT_EQ(serving_status_name(0), "UNKNOWN");
  EXPECT_EQ(serving_status_name(9), "status 9");
  EXPECT_EQ(status_code_name(5), "NOT_FOUND");
  EXPECT_EQ(status_code_name(16), "UNAUTHENTICATED");
  EXPECT_EQ(status_code_name(99), "code 99");
}

TEST(GrpcHealth, MalformedFramesAreRefusedNamingWhy) {
  struct Case {
    std::string in;
    const char* why;
  };
  const Case cases[] = {
      {"", "no message"},
      {"\0\0\0"s, "a frame header of 3 of 5 bytes"},
      {frame("\x08\x01", 1), "compressed"},
      {frame("\x08\x01", 7), "compressed flag 7"},
      {"\0\0\0\0\x05\x08\x01"s, "the frame says 5 bytes, 2 came"},
      {"\0\xff\xff\xff\xff"s, "a message of 4294967295 bytes; the limit is 4096"},
      {frame("\x08\x01") + "x", "1 bytes after the message"},
      {frame("\x08"), "field 1: a malformed varint"},
      {frame("\x08\x80\x80"), "field 1: a malformed varint"},
      {frame("\x08"s + std::string(10, '\xff') + "\x01"), "field 1: a malformed varint"},
      {frame("\x80"), "a malformed field key"},
      {frame("\x00\x01"s), "field number 0"},
      {frame("\x0a\x01x"), "status: not a varint"},
      {frame("\x0d" "abcd"), "status: not a varint"},
      {frame("\x12\x05" "ab"), "field 2: a length past the message"},
      {frame("\x12\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), "field 2: a length past the message"},
      {frame("\x11" "abc"), "field 2: truncated"},
      {frame("\x13"), "field 2: wire type 3 is not supported"},
      {frame("\x0e"), "field 1: wire type 6 is not supported"},
  };
  for (const auto& c : cases) {
    auto r = decode_check_response(c.in);
    ASSERT_FALSE(r.ok()) << "accepted: " << testing::PrintToString(c.in);
    EXPECT_NE(r.message().find(c.why), std::string::npos) << r.message();
    EXPECT_EQ(r.message().rfind("grpc response: ", 0), 0u) << r.message();
  }
}

TEST(GrpcHealth, GrpcMessageIsPercentDecoded) {
  EXPECT_EQ(percent_decode("unknown%20service%3A x"), "unknown service: x");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode(""), "");
}

}  // namespace
}  // namespace wkd::health::grpc
