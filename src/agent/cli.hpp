// The CLI clients of a running agent: wkd members, member, groups, join,
// leave, event, version, and the service registry's services, service,
// register, deregister, select, deps. Each talks to the agent's HTTP API;
// --token T (else $WKD_TOKEN) is sent as `Authorization: Bearer T`.
//
// Exit codes: 0 success; 1 the request failed or the agent is unreachable
// (the message names the address); 2 usage error; 3 not found.
#pragma once

#include <string>
#include <vector>

namespace wkd::agent {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;

// The agent address used when --http is not given: $WKD_HTTP_ADDR, else
// 127.0.0.1:7475.
std::string default_agent_address();

// The bearer token used when --token is not given: $WKD_TOKEN, else none.
std::string default_token();

// Runs `wkd <command> args...` (args exclude the command). Output goes to
// stdout, errors to stderr.
int run_client_command(const std::string& command, const std::vector<std::string>& args);

bool is_client_command(const std::string& command);

}  // namespace wkd::agent
