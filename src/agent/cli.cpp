#include "agent/cli.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

#include "agent/http_client.hpp"
#include "wkd/version.h"

namespace wkd::agent {

namespace {

using Json = nlohmann::json;

struct ClientArgs {
  std::string http = default_agent_address();
  // --token, else WKD_TOKEN: sent as Authorization: Bearer.
  std::string token = std::getenv("WKD_TOKEN") != nullptr ? std::getenv("WKD_TOKEN") : "";
  bool json = false;
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> filters;  // members filters
};

void usage_error(const std::string& command, const std::string& msg) {
  std::fprintf(stderr, "wkd %s: %s (see 'wkd help')\n", command.c_str(), msg.c_str());
}

// Parses --http ADDR, --json and (for members) the filters. False on a
// usage error (already reported).
bool parse_args(const std::string& command, const std::vector<std::string>& args, bool filters, ClientArgs* out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_value = false;
    if (a.rfind("--", 0) == 0) {
      if (auto eq = a.find('='); eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_value = true;
      }
    }
    auto take = [&](std::string* dst) {
      if (has_value) {
        *dst = value;
        return true;
      }
      if (i + 1 >= args.size()) {
        usage_error(command, a + " needs a value");
        return false;
      }
      *dst = args[++i];
      return true;
    };
    if (a == "--http") {
      if (!take(&out->http)) return false;
    } else if (a == "--token") {
      if (!take(&out->token)) return false;
    } else if (a == "--json") {
      out->json = true;
    } else if (filters && (a == "--state" || a == "--group" || a == "--database-type" || a == "--wire-protocol" ||
                           a == "--tag")) {
      std::string v;
      if (!take(&v)) return false;
      static const std::map<std::string, std::string> kParam = {{"--state", "state"},
                                                                {"--group", "group"},
                                                                {"--database-type", "databaseType"},
                                                                {"--wire-protocol", "wireProtocol"},
                                                                {"--tag", "tag"}};
      out->filters.emplace_back(kParam.at(a), v);
    } else if (a.rfind("--", 0) == 0 && a.size() > 2) {
      usage_error(command, "unknown flag " + a);
      return false;
    } else {
      out->positional.push_back(args[i]);
    }
  }
  if (out->http.empty()) {
    usage_error(command, "--http needs HOST:PORT");
    return false;
  }
  return true;
}

// Prints the failure of a call and returns the exit code it means.
int report_failure(const std::string& command, const std::string& agent, const HttpReply& r) {
  if (!r.reached) {
    std::fprintf(stderr, "wkd %s: cannot reach the agent at %s: %s\n", command.c_str(), agent.c_str(),
                 r.error.c_str());
    return kExitFailed;
  }
  std::string msg = r.body;
  auto j = Json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string()) {
    msg = j["error"].get<std::string>();
  }
  std::fprintf(stderr, "wkd %s: the agent at %s answered %d: %s\n", command.c_str(), agent.c_str(), r.status,
               msg.c_str());
  if (r.status == 401) {
    std::fprintf(stderr, "wkd %s: the agent requires a valid token: pass --token or set WKD_TOKEN\n", command.c_str());
  } else if (r.status == 403) {
    std::fprintf(stderr, "wkd %s: the token is not allowed to do this (a read token, or a write token limited to "
                 "other services)\n", command.c_str());
  }
  return r.status == 404 ? kExitNotFound : kExitFailed;
}

HttpReply call(const ClientArgs& a, const std::string& method, const std::string& target,
               const std::string& body = "", long timeout_ms = 30000) {
  return http_call(method, a.http, target, body, timeout_ms, a.token);
}

std::string join_strings(const Json& arr) {
  std::string out;
  if (!arr.is_array()) return out;
  for (const auto& v : arr) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += ',';
    out += v.get<std::string>();
  }
  return out;
}

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// Prints rows as columns separated by two spaces.
void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line.append(width[i] - r[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
}

int cmd_members(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("members", argv, true, &a)) return kExitUsage;
  if (!a.positional.empty()) {
    usage_error("members", "unexpected argument '" + a.positional[0] + "'");
    return kExitUsage;
  }
  std::string target = "/v1/cluster/members";
  char sep = '?';
  for (const auto& [k, v] : a.filters) {
    target += sep + k + "=" + url_escape(v);
    sep = '&';
  }
  HttpReply r = call(a, "GET", target);
  if (!r.reached || r.status != 200) return report_failure("members", a.http, r);
  auto j = Json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    std::fprintf(stderr, "wkd members: the agent at %s sent a body that is not a JSON array\n", a.http.c_str());
    return kExitFailed;
  }
  if (a.json) {
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "ADDRESS", "STATE", "HEALTH", "DATABASE", "WIRE", "GROUPS"}};
  for (const auto& m : j) {
    const std::string addr = str(m, "address");
    const std::string port = m.contains("port") ? std::to_string(m["port"].get<int>()) : "";
    const std::string hostport = addr.find(':') != std::string::npos ? "[" + addr + "]:" + port : addr + ":" + port;
    rows.push_back({str(m, "name"), hostport, str(m, "state"), str(m, "health"), str(m, "databaseType"),
                    str(m, "wireProtocol"), join_strings(m.value("groups", Json::array()))});
  }
  print_table(rows);
  return kExitOk;
}

int cmd_member(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("member", argv, false, &a)) return kExitUsage;
  if (a.positional.size() != 1) {
    usage_error("member", "give exactly one member name");
    return kExitUsage;
  }
  HttpReply r = call(a, "GET", "/v1/cluster/members/" + url_escape(a.positional[0]));
  if (!r.reached || r.status != 200) return report_failure("member", a.http, r);
  auto j = Json::parse(r.body, nullptr, false);
  std::printf("%s\n", j.is_discarded() ? r.body.c_str() : j.dump(2).c_str());
  return kExitOk;
}

int cmd_groups(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("groups", argv, false, &a)) return kExitUsage;
  if (a.positional.size() > 1) {
    usage_error("groups", "give at most one group name");
    return kExitUsage;
  }
  if (a.positional.size() == 1) {
    HttpReply r = call(a, "GET", "/v1/cluster/groups/" + url_escape(a.positional[0]));
    if (!r.reached || r.status != 200) return report_failure("groups", a.http, r);
    auto j = Json::parse(r.body, nullptr, false);
    if (a.json || j.is_discarded() || !j.is_array()) {
      std::printf("%s\n", j.is_discarded() ? r.body.c_str() : j.dump(2).c_str());
      return kExitOk;
    }
    for (const auto& m : j) std::printf("%s\n", str(m, "name").c_str());
    return kExitOk;
  }
  HttpReply r = call(a, "GET", "/v1/cluster/groups");
  if (!r.reached || r.status != 200) return report_failure("groups", a.http, r);
  auto j = Json::parse(r.body, nullptr, false);
  if (a.json || j.is_discarded() || !j.is_object()) {
    std::printf("%s\n", j.is_discarded() ? r.body.c_str() : j.dump(2).c_str());
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"GROUP", "MEMBERS"}};
  for (const auto& [g, names] : j.items()) rows.push_back({g, join_strings(names)});
  print_table(rows);
  return kExitOk;
}

int cmd_join(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("join", argv, false, &a)) return kExitUsage;
  if (a.positional.empty()) {
    usage_error("join", "give at least one ADDRESS (host:port)");
    return kExitUsage;
  }
  std::string target = "/v1/cluster/join";
  char sep = '?';
  for (const auto& p : a.positional) {
    target += sep + std::string("address=") + url_escape(p);
    sep = '&';
  }
  HttpReply r = call(a, "PUT", target);
  if (!r.reached || r.status != 200) return report_failure("join", a.http, r);
  auto j = Json::parse(r.body, nullptr, false);
  const int n = (!j.is_discarded() && j.contains("joined")) ? j["joined"].get<int>() : 0;
  std::printf("joined %d of %zu address(es)\n", n, a.positional.size());
  return kExitOk;
}

int cmd_leave(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("leave", argv, false, &a)) return kExitUsage;
  if (!a.positional.empty()) {
    usage_error("leave", "unexpected argument '" + a.positional[0] + "'");
    return kExitUsage;
  }
  HttpReply r = call(a, "PUT", "/v1/cluster/leave", "", 120000);
  if (!r.reached || r.status != 200) return report_failure("leave", a.http, r);
  auto j = Json::parse(r.body, nullptr, false);
  const bool clean = !j.is_discarded() && j.value("clean", false);
  std::printf("left the cluster%s; the agent at %s is stopping\n", clean ? "" : " (not confirmed by every member)",
              a.http.c_str());
  return kExitOk;
}

int cmd_event(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("event", argv, false, &a)) return kExitUsage;
  if (a.positional.empty() || a.positional.size() > 2) {
    usage_error("event", "usage: wkd event NAME [PAYLOAD]");
    return kExitUsage;
  }
  const std::string payload = a.positional.size() == 2 ? a.positional[1] : "";
  HttpReply r = call(a, "POST", "/v1/events/" + url_escape(a.positional[0]), payload);
  if (!r.reached || r.status != 200) return report_failure("event", a.http, r);
  std::printf("event '%s' fired (%zu byte payload)\n", a.positional[0].c_str(), payload.size());
  return kExitOk;
}

int cmd_version(const std::vector<std::string>& argv) {
  if (!argv.empty()) {
    usage_error("version", "takes no arguments");
    return kExitUsage;
  }
  std::printf("wkd %s (gossip: memberlist protocol 2-5, serf protocol 5)\n", WKD_VERSION_STRING);
  return kExitOk;
}

}  // namespace

std::string default_agent_address() {
  const char* env = std::getenv("WKD_HTTP_ADDR");
  return env != nullptr && env[0] != '\0' ? env : "127.0.0.1:7475";
}

bool is_client_command(const std::string& c) {
  return c == "members" || c == "member" || c == "groups" || c == "join" || c == "leave" || c == "event" ||
         c == "version";
}

int run_client_command(const std::string& command, const std::vector<std::string>& args) {
  if (command == "members") return cmd_members(args);
  if (command == "member") return cmd_member(args);
  if (command == "groups") return cmd_groups(args);
  if (command == "join") return cmd_join(args);
  if (command == "leave") return cmd_leave(args);
  if (command == "event") return cmd_event(args);
  if (command == "version") return cmd_version(args);
  usage_error(command, "unknown command");
  return kExitUsage;
}

}  // namespace wkd::agent
