#include "runtime/http_checks.hpp"

#include "health/grpc_health.hpp"

namespace wkd::runtime {

namespace {

constexpr int kMaxRedirects = 5;

health::CheckResult result(health::CheckState state, std::string output) {
  return health::CheckResult{state, std::move(output)};
}

std::string exchange_error(const transport::HttpResponse& r) {
  if (r.too_many_redirects) {
    return "more than " + std::to_string(kMaxRedirects) + " redirects (a redirect loop?): " + r.error;
  }
  return r.error;
}

}  // namespace

transport::HttpRequest http_check_request(const health::CheckSpec& spec) {
  transport::HttpRequest q;
  q.method = spec.method.empty() ? "GET" : spec.method;
  q.url = spec.target;
  q.headers = spec.headers;
  q.body = spec.body;
  q.tls_skip_verify = spec.tls_skip_verify;
  q.max_redirects = kMaxRedirects;
  q.max_body = health::kMaxOutput;
  return q;
}

health::CheckResult http_check_result(const health::CheckSpec& spec, const transport::HttpResponse& r) {
  const std::string head = "HTTP " + (spec.method.empty() ? std::string("GET") : spec.method) + " " + spec.target + ": ";
  if (!r.ok) return result(health::CheckState::critical, head + exchange_error(r));
  std::string line = head + std::to_string(r.status);
  if (!r.reason.empty()) line += " " + r.reason;
  if (!r.body.empty()) line += "\n" + r.body;
  const health::CheckState state = r.status >= 200 && r.status <= 299 ? health::CheckState::passing
                                   : r.status == 429                  ? health::CheckState::warning
                                                                      : health::CheckState::critical;
  return result(state, std::move(line));
}

std::string grpc_check_url(const std::string& target) {
  std::string base = target.find("://") == std::string::npos ? "http://" + target : target;
  if (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(health::grpc::kCheckPath);
}

transport::HttpRequest grpc_check_request(const health::CheckSpec& spec) {
  transport::HttpRequest q;
  q.method = "POST";
  q.url = grpc_check_url(spec.target);
  q.headers = {{"content-type", "application/grpc"}, {"te", "trailers"}};
  q.body = health::grpc::encode_check_request(spec.grpc_service);
  q.tls_skip_verify = spec.tls_skip_verify;
  q.http2 = true;
  q.max_redirects = 0;
  q.max_body = 5 + health::grpc::kMaxResponseMessage;
  return q;
}

health::CheckResult grpc_check_result(const health::CheckSpec& spec, const transport::HttpResponse& r) {
  namespace g = health::grpc;
  const std::string head = "gRPC health of " + (spec.grpc_service.empty() ? std::string("the server") : spec.grpc_service) +
                           " at " + spec.target + ": ";
  auto fail = [&](const std::string& why) { return result(health::CheckState::critical, head + why); };
  if (!r.ok) return fail(exchange_error(r));
  if (r.status != 200) {
    return fail("HTTP " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason) +
                " (not a gRPC server?)");
  }
  const std::string* code_text = r.header("grpc-status");
  if (code_text == nullptr) return fail("the answer has no grpc-status");
  std::uint64_t code = 0;
  if (code_text->empty() || code_text->size() > 9) return fail("grpc-status '" + *code_text + "' is not a number");
  for (char c : *code_text) {
    if (c < '0' || c > '9') return fail("grpc-status '" + *code_text + "' is not a number");
    code = code * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (code != 0) {
    std::string why = "grpc-status " + std::to_string(code) + " " + g::status_code_name(code);
    if (const std::string* msg = r.header("grpc-message"); msg != nullptr && !msg->empty()) {
      why += ": " + g::percent_decode(*msg);
    }
    return fail(why);
  }
  auto status = g::decode_check_response(r.body);
  if (!status) return fail(status.message());
  const std::string name = g::serving_status_name(*status);
  if (*status != static_cast<std::uint64_t>(g::ServingStatus::serving)) return fail(name);
  return result(health::CheckState::passing, head + name);
}

}  // namespace wkd::runtime
