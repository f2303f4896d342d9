#include "agent/cli.hpp"

#include <cstdio>
#include <cstdlib>

#include "agent/cli_args.hpp"
#include "agent/cli_services.hpp"
#include "wkd/version.h"

namespace wkd::agent {

namespace {

using cli::ClientArgs;
using cli::Json;
using cli::call;
using cli::join_strings;
using cli::parse_args;
using cli::print_table;
using cli::report_failure;
using cli::str;
using cli::usage_error;

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

std::string default_token() {
  const char* env = std::getenv("WKD_TOKEN");
  return env != nullptr ? env : "";
}

std::string default_agent_address() {
  const char* env = std::getenv("WKD_HTTP_ADDR");
  return env != nullptr && env[0] != '\0' ? env : "127.0.0.1:7475";
}

bool is_client_command(const std::string& c) {
  return c == "members" || c == "member" || c == "groups" || c == "join" || c == "leave" || c == "event" ||
         c == "version" || cli::is_service_command(c);
}

int run_client_command(const std::string& command, const std::vector<std::string>& args) {
  if (command == "members") return cmd_members(args);
  if (command == "member") return cmd_member(args);
  if (command == "groups") return cmd_groups(args);
  if (command == "join") return cmd_join(args);
  if (command == "leave") return cmd_leave(args);
  if (command == "event") return cmd_event(args);
  if (command == "version") return cmd_version(args);
  if (cli::is_service_command(command)) return cli::run_service_command(command, args);
  usage_error(command, "unknown command");
  return kExitUsage;
}

}  // namespace wkd::agent
