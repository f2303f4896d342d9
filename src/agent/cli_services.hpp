// The CLI clients of the service registry: wkd services (names with total
// and healthy counts, from /api/v1/services/status), service NAME
// [--healthy], register (--file F.json or flags), deregister NAME ID
// [--force], select NAME (one HEALTHY instance by the agent's weighted
// random; 3 when there is none) and deps NAME (dependencies with their
// health, then dependents). Tables by default, the API's JSON with --json.
#pragma once

#include <string>
#include <vector>

namespace wkd::agent::cli {

bool is_service_command(const std::string& command);
int run_service_command(const std::string& command, const std::vector<std::string>& args);

}  // namespace wkd::agent::cli
