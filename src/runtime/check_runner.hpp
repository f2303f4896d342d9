// The health checks' runs as a node performs them on its loop: a TCP check
// is a connect through transport::Probes within the run's deadline. TTL
// and alias checks never reach a runner. HTTP, gRPC and script checks are
// not performed yet: Node::add_check refuses them (performs()).
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

  // Whether this node can perform checks of kind `k`.
  static bool performs(health::CheckKind k) noexcept;

  void start(const health::Run& run) override;

 private:
  transport::Probes& probes_;
  Deliver deliver_;
};

}  // namespace wkd::runtime
