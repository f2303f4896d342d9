// What the CLI clients share: their flags (--http, --token, --json and a
// command's own), the call to the agent, the report of a failed call with
// its exit code, and the small table and JSON helpers of their output.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/cli.hpp"
#include "agent/http_client.hpp"

namespace wkd::agent::cli {

using Json = nlohmann::json;

struct ClientArgs {
  std::string http = default_agent_address();
  std::string token = default_token();
  bool json = false;
  std::map<std::string, std::vector<std::string>> values;  // a command's own flags with values, repeatable
  std::set<std::string> switches;                          // a command's own flags without a value
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> filters;  // members filters
};

// A command's own flags: those taking a value and those standing alone.
struct FlagSpec {
  std::set<std::string> with_value;
  std::set<std::string> alone;
};

// Prints "wkd COMMAND: MSG (see 'wkd help')" on stderr.
void usage_error(const std::string& command, const std::string& msg);

// Parses --http ADDR, --token T, --json, (for members) the filters and the
// command's own flags in `spec`. False on a usage error (already reported).
bool parse_args(const std::string& command, const std::vector<std::string>& args, bool filters, ClientArgs* out,
                const FlagSpec& spec = {});

// One request to the agent `a` names, with its token.
HttpReply call(const ClientArgs& a, const std::string& method, const std::string& target,
               const std::string& body = "", long timeout_ms = 30000,
               const std::string& content_type = "application/octet-stream");

// Prints the failure of a call (the agent's {"error"} when it sent one) and
// returns the exit code it means: 3 for a 404, else 1.
int report_failure(const std::string& command, const std::string& agent, const HttpReply& r);

// The strings of a JSON array joined with commas.
std::string join_strings(const Json& arr);
// j[key] when it is a string, else "".
std::string str(const Json& j, const char* key);
// Prints rows as columns separated by two spaces.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace wkd::agent::cli
