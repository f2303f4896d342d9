#include "runtime/check_runner.hpp"

namespace wkd::runtime {

bool CheckRunner::performs(health::CheckKind k, bool scripts_enabled) noexcept {
  switch (k) {
    case health::CheckKind::tcp:
    case health::CheckKind::ttl:
    case health::CheckKind::alias: return true;
    case health::CheckKind::script: return scripts_enabled;
    case health::CheckKind::http:
    case health::CheckKind::grpc: return false;
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
    default: break;  // refused at add: such a run times out
  }
}

}  // namespace wkd::runtime
