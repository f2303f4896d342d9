// What an HTTP or gRPC health check sends, and what its answer means. The
// exchange itself is transport::HttpProbes'; these functions are pure.
//
// HTTP: the check's method (GET by default), headers and body to its URL,
// redirects followed up to 5. A 2xx status passes, 429 Too Many Requests
// is a warning, anything else critical, and so is an exchange that fails
// (no such host, refused, TLS, a redirect loop, the timeout). The output
// is a line, "HTTP GET http://10.0.0.5:8080/health: 200 OK", then the
// first 4 KiB of the body.
//
// gRPC: grpc.health.v1.Health/Check for the check's service, a unary call
// over HTTP/2 (prior knowledge on cleartext, ALPN h2 over TLS). grpc-status
// 0 and SERVING pass; another grpc-status (named with its grpc-message),
// UNKNOWN, NOT_SERVING or SERVICE_UNKNOWN, or a failed exchange are
// critical. The output says which: "gRPC health of weftkit.Store at
// 10.0.0.5:50051: SERVING".
#pragma once

#include "health/check.hpp"
#include "transport/http_probe.hpp"

namespace wkd::runtime {

transport::HttpRequest http_check_request(const health::CheckSpec& spec);
health::CheckResult http_check_result(const health::CheckSpec& spec, const transport::HttpResponse& response);

// The URL a gRPC check posts to: its target with the Check method's path.
std::string grpc_check_url(const std::string& target);
transport::HttpRequest grpc_check_request(const health::CheckSpec& spec);
health::CheckResult grpc_check_result(const health::CheckSpec& spec, const transport::HttpResponse& response);

}  // namespace wkd::runtime
