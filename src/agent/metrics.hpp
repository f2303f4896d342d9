// GET /v1/agent/metrics: the node's statistics in the Prometheus text
// exposition format (version 0.0.4), one HELP and TYPE line per family.
#pragma once

#include <string>

#include "runtime/node.hpp"

namespace wkd::agent {

struct MetricsInputs {
  std::string node;
  std::string version;
  runtime::NodeStats stats;
  std::uint64_t http_requests = 0;
  std::uint64_t http_connections = 0;
  int awareness_max = 8;
};

std::string prometheus_text(const MetricsInputs& in);

// The Content-Type that goes with it.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace wkd::agent
