#include "runtime/check_runner.hpp"

#include <algorithm>

#include "transport/clock.hpp"

namespace wkd::runtime {

bool CheckRunner::performs(health::CheckKind k) noexcept {
  switch (k) {
    case health::CheckKind::tcp:
    case health::CheckKind::ttl:
    case health::CheckKind::alias: return true;
    case health::CheckKind::http:
    case health::CheckKind::grpc:
    case health::CheckKind::script: return false;
  }
  return false;
}

void CheckRunner::start(const health::Run& run) {
  if (run.spec->kind != health::CheckKind::tcp) return;  // refused at add; the run times out
  const Duration left = std::max(run.deadline - transport::mono_now(), Duration(std::chrono::milliseconds(1)));
  const std::uint64_t id = run.id;
  Deliver deliver = deliver_;
  probes_.tcp(run.spec->target, left, [id, deliver](bool ok, std::string detail) {
    deliver(id, health::CheckResult{ok ? health::CheckState::passing : health::CheckState::critical, std::move(detail)});
  });
}

}  // namespace wkd::runtime
