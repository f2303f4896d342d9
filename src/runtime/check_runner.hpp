// The health checks' runs as a node performs them on its loop, through
// transport::Probes within the run's deadline: a TCP check is a connect, a
// script check a command run by /bin/sh (exit 0 passing, 1 warning,
// anything else critical; only where the node enables script checks,
// since they execute programs). TTL and alias checks never reach a
// runner. HTTP and gRPC checks are not performed yet: Node::add_check
// refuses them (performs()).
#pragma once

#include <cstdint>
#include <functional>

#include "health/checker.hpp"
#include "transport/probe.hpp"

namespace wkd::runtime {

class CheckRunner final : public health::Runner {
 public:
  // `deliver` is called on the loop, outside any core entry, once per run
  // whose probe ends (a run whose deadline passes first is the
  // scheduler's timeout).
  using Deliver = std::function<void(std::uint64_t run, health::CheckResult result)>;

  CheckRunner(transport::Probes& probes, Deliver deliver) : probes_(probes), deliver_(std::move(deliver)) {}

  // Whether a node performs checks of kind `k` (scripts: when enabled).
  static bool performs(health::CheckKind k, bool scripts_enabled) noexcept;

  void start(const health::Run& run) override;

 private:
  transport::Probes& probes_;
  Deliver deliver_;
};

}  // namespace wkd::runtime
