// The health checks' runs as a node performs them on its loop, within the
// run's deadline: a TCP check is a connect and a script check a command
// run by /bin/sh (exit 0 passing, 1 warning, anything else critical; only
// where the node enables script checks, since they execute programs),
// both through transport::Probes; an HTTP check is a request and a gRPC
// check a grpc.health.v1 Check call, both through transport::HttpProbes
// (runtime/http_checks.hpp says what they send and what the answers
// mean). TTL and alias checks never reach a runner.
#pragma once

#include <cstdint>
#include <functional>

#include "health/checker.hpp"
#include "transport/http_probe.hpp"
#include "transport/probe.hpp"

namespace wkd::runtime {

class CheckRunner final : public health::Runner {
 public:
  // `deliver` is called on the loop, outside any core entry, once per run
  // whose probe ends (a run whose deadline passes first is the
  // scheduler's timeout).
  using Deliver = std::function<void(std::uint64_t run, health::CheckResult result)>;

  CheckRunner(transport::Probes& probes, transport::HttpProbes& http, Deliver deliver)
      : probes_(probes), http_(http), deliver_(std::move(deliver)) {}

  // Whether a node performs checks of kind `k` (scripts: when enabled).
  static bool performs(health::CheckKind k, bool scripts_enabled) noexcept;

  void start(const health::Run& run) override;

 private:
  transport::Probes& probes_;
  transport::HttpProbes& http_;
  Deliver deliver_;
};

}  // namespace wkd::runtime
