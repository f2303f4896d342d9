#include "runtime/check_runner.hpp"

#include <memory>

#include "runtime/http_checks.hpp"

namespace wkd::runtime {

bool CheckRunner::performs(health::CheckKind k, bool scripts_enabled) noexcept {
  switch (k) {
    case health::CheckKind::tcp:
    case health::CheckKind::http:
    case health::CheckKind::grpc:
    case health::CheckKind::ttl:
    case health::CheckKind::alias: return true;
    case health::CheckKind::script: return scripts_enabled;
  }
  return false;
}

void CheckRunner::start(const health::Run& run) {
  // The probe gets the check's whole timeout: the scheduler's deadline,
  // a moment earlier, reports a run that takes it all.
  const Duration left = run.spec->timeout;
  const std::uint64_t id = run.id;
  Deliver deliver = deliver_;
  auto done = [id, deliver](transport::Probes::Outcome outcome, std::string detail) {
    const health::CheckState state = outcome == transport::Probes::Outcome::ok        ? health::CheckState::passing
                                     : outcome == transport::Probes::Outcome::warning ? health::CheckState::warning
                                                                                      : health::CheckState::critical;
    deliver(id, health::CheckResult{state, std::move(detail)});
  };
  switch (run.spec->kind) {
    case health::CheckKind::tcp: probes_.tcp(run.spec->target, left, std::move(done)); break;
    case health::CheckKind::script: probes_.script(run.spec->target, left, std::move(done)); break;
    case health::CheckKind::http: {
      std::shared_ptr<const health::CheckSpec> spec = run.spec;
      http_.exchange(http_check_request(*spec), left, [id, deliver, spec](transport::HttpResponse r) {
        deliver(id, http_check_result(*spec, r));
      });
      break;
    }
    case health::CheckKind::grpc: {
      std::shared_ptr<const health::CheckSpec> spec = run.spec;
      http_.exchange(grpc_check_request(*spec), left, [id, deliver, spec](transport::HttpResponse r) {
        deliver(id, grpc_check_result(*spec, r));
      });
      break;
    }
    default: break;  // refused at add: such a run times out
  }
}

}  // namespace wkd::runtime
