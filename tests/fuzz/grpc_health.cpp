// Fuzz target: the gRPC health messages (health/grpc_health.hpp). The
// input is read as a framed HealthCheckResponse: the decoder must accept
// it or refuse it with a reason, never read past it. An accepted frame
// whose status is re-encoded as the smallest response decodes to the same
// status. The same bytes, as a service name, must encode to a request
// frame whose header and field length say exactly what follows, and, as a
// grpc-message, percent-decode to no more bytes than came in.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "health/grpc_health.hpp"

using namespace wkd::health::grpc;

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "grpc_health: %s\n", what);
  std::abort();
}

std::string response_frame(std::uint64_t status) {
  std::string msg;
  if (status != 0) {
    msg.push_back(0x08);
    while (status >= 0x80) {
      msg.push_back(static_cast<char>((status & 0x7f) | 0x80));
      status >>= 7;
    }
    msg.push_back(static_cast<char>(status));
  }
  std::string f(1, '\0');
  const auto n = static_cast<std::uint32_t>(msg.size());
  for (int shift = 24; shift >= 0; shift -= 8) f.push_back(static_cast<char>((n >> shift) & 0xff));
  return f + msg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  auto status = decode_check_response(in);
  if (!status.ok()) {
    if (status.message().empty()) fail("a refusal without a reason");
  } else {
    auto again = decode_check_response(response_frame(*status));
    if (!again.ok() || *again != *status) fail("a status does not survive its own encoding");
    if (serving_status_name(*status).empty()) fail("a status without a name");
  }

  const std::string req = encode_check_request(in);
  if (req.size() < 5 || req[0] != 0) fail("a request frame without its header");
  std::uint32_t n = 0;
  for (int i = 1; i < 5; ++i) n = (n << 8) | static_cast<std::uint8_t>(req[i]);
  if (n != req.size() - 5) fail("a request frame whose length is wrong");
  if (in.empty() != (n == 0)) fail("an empty service makes an empty message, and only it");
  if (!in.empty() && req.substr(req.size() - in.size()) != in) fail("the service name is not at the end");

  if (percent_decode(in).size() > in.size()) fail("percent-decoding grew the text");
  return 0;
}
