#include "agent/cli.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "agent/http_client.hpp"
#include "wkd/version.h"

namespace wkd::agent {

namespace {

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

void usage_error(const std::string& command, const std::string& msg) {
  std::fprintf(stderr, "wkd %s: %s (see 'wkd help')\n", command.c_str(), msg.c_str());
}

// A command's own flags: those taking a value and those standing alone.
struct FlagSpec {
  std::set<std::string> with_value;
  std::set<std::string> alone;
};

// Parses --http ADDR, --token T, --json, (for members) the filters and the
// command's own flags in `spec`. False on a usage error (already reported).
bool parse_args(const std::string& command, const std::vector<std::string>& args, bool filters, ClientArgs* out,
                const FlagSpec& spec = {}) {
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
    } else if (spec.with_value.count(a) != 0) {
      std::string v;
      if (!take(&v)) return false;
      out->values[a].push_back(v);
    } else if (spec.alone.count(a) != 0 && !has_value) {
      out->switches.insert(a);
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

HttpReply call(const ClientArgs& a, const std::string& method, const std::string& target,
               const std::string& body = "", long timeout_ms = 30000,
               const std::string& content_type = "application/octet-stream") {
  return http_call(method, a.http, target, body, timeout_ms, a.token, content_type);
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
  return r.status == 404 ? kExitNotFound : kExitFailed;
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

// --- The service registry: services, service, register, deregister, select, deps.

// Parses the JSON body of a 200 reply; prints an error and returns false
// when it is not JSON.
bool parse_body(const std::string& command, const ClientArgs& a, const HttpReply& r, Json* out) {
  *out = Json::parse(r.body, nullptr, false);
  if (out->is_discarded()) {
    std::fprintf(stderr, "wkd %s: the agent at %s sent a body that is not JSON\n", command.c_str(), a.http.c_str());
    return false;
  }
  return true;
}

std::string num(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return "";
  return it->dump();
}

std::string hostport(const std::string& host, const std::string& port) {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

// Rows of instances: ID, ADDRESS, STATUS, CHECK, VERSION, WEIGHT, OWNER.
void print_instances(const Json& arr) {
  std::vector<std::vector<std::string>> rows = {{"ID", "ADDRESS", "STATUS", "CHECK", "VERSION", "WEIGHT", "OWNER"}};
  for (const auto& in : arr) {
    if (!in.is_object()) continue;
    rows.push_back({str(in, "instanceId"), hostport(str(in, "host"), num(in, "port")), str(in, "status"),
                    str(in, "checkStatus"), str(in, "version"), num(in, "weight"), str(in, "owner")});
  }
  print_table(rows);
}

bool no_positional(const std::string& command, const ClientArgs& a, std::size_t want) {
  if (a.positional.size() == want) return true;
  usage_error(command, "expects " + std::to_string(want) + " argument(s), got " + std::to_string(a.positional.size()));
  return false;
}

int cmd_services(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("services", argv, false, &a)) return kExitUsage;
  if (!no_positional("services", a, 0)) return kExitUsage;
  HttpReply r = call(a, "GET", "/api/v1/services/status");
  if (!r.reached || r.status != 200) return report_failure("services", a.http, r);
  Json j;
  if (!parse_body("services", a, r, &j)) return kExitFailed;
  if (a.json || !j.is_object()) {
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"SERVICE", "STATUS", "TOTAL", "HEALTHY"}};
  for (const auto& [name, s] : j.items()) {
    rows.push_back({name, str(s, "overallStatus"), num(s, "totalInstances"), num(s, "healthyInstances")});
  }
  print_table(rows);
  return kExitOk;
}

int cmd_service(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("service", argv, false, &a, FlagSpec{{}, {"--healthy"}})) return kExitUsage;
  if (!no_positional("service", a, 1)) return kExitUsage;
  const std::string target =
      "/api/v1/services/" + url_escape(a.positional[0]) + (a.switches.count("--healthy") != 0 ? "/healthy" : "");
  HttpReply r = call(a, "GET", target);
  if (!r.reached || r.status != 200) return report_failure("service", a.http, r);
  Json j;
  if (!parse_body("service", a, r, &j)) return kExitFailed;
  if (a.json || !j.is_array()) {
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  print_instances(j);
  return kExitOk;
}

// Reads an integer flag; false with a usage error naming it.
bool int_flag(const std::string& command, const std::string& flag, const std::string& v, long long lo, long long hi,
              long long* out) {
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || n < lo || n > hi) {
    usage_error(command, flag + ": '" + v + "' is not an integer in " + std::to_string(lo) + "-" + std::to_string(hi));
    return false;
  }
  *out = n;
  return true;
}

// The registration body from the flags; false on a usage error (reported).
bool registration_from_flags(const ClientArgs& a, Json* body) {
  auto one = [&](const char* flag) -> const std::string* {
    auto it = a.values.find(flag);
    return it == a.values.end() ? nullptr : &it->second.back();
  };
  for (const char* req : {"--service", "--id", "--host", "--port"}) {
    if (one(req) == nullptr) {
      usage_error("register", std::string("missing ") + req + ": give --file F.json, or --service --id --host --port");
      return false;
    }
  }
  long long port = 0;
  if (!int_flag("register", "--port", *one("--port"), 1, 65535, &port)) return false;
  *body = Json{{"serviceName", *one("--service")}, {"instanceId", *one("--id")}, {"host", *one("--host")},
               {"port", port}};
  if (const auto* v = one("--version")) (*body)["version"] = *v;
  if (const auto* v = one("--health-url")) (*body)["healthCheckUrl"] = *v;
  if (const auto* v = one("--weight")) {
    long long w = 0;
    if (!int_flag("register", "--weight", *v, 0, 1000000, &w)) return false;
    (*body)["weight"] = w;
  }
  if (const auto* v = one("--check-interval-ms")) {
    long long ms = 0;
    if (!int_flag("register", "--check-interval-ms", *v, 100, 86400000, &ms)) return false;
    (*body)["check"] = Json{{"intervalMs", ms}, {"timeoutMs", std::min<long long>(ms, 2000)}};
  }
  if (auto it = a.values.find("--tag"); it != a.values.end()) (*body)["tags"] = it->second;
  if (auto it = a.values.find("--meta"); it != a.values.end()) {
    Json meta = Json::object();
    for (const auto& kv : it->second) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        usage_error("register", "--meta: '" + kv + "' is not KEY=VALUE");
        return false;
      }
      meta[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    (*body)["metadata"] = meta;
  }
  return true;
}

int cmd_register(const std::vector<std::string>& argv) {
  ClientArgs a;
  const FlagSpec spec{{"--file", "--service", "--id", "--host", "--port", "--version", "--tag", "--meta", "--weight",
                       "--health-url", "--check-interval-ms"},
                      {}};
  if (!parse_args("register", argv, false, &a, spec)) return kExitUsage;
  if (!no_positional("register", a, 0)) return kExitUsage;
  Json body;
  if (auto f = a.values.find("--file"); f != a.values.end()) {
    if (a.values.size() != 1) {
      usage_error("register", "--file takes no other registration flags");
      return kExitUsage;
    }
    std::ifstream in(f->second.back(), std::ios::binary);
    if (!in) {
      usage_error("register", "--file: cannot read '" + f->second.back() + "'");
      return kExitUsage;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    body = Json::parse(ss.str(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      usage_error("register", "--file: '" + f->second.back() + "' is not a JSON object");
      return kExitUsage;
    }
  } else if (!registration_from_flags(a, &body)) {
    return kExitUsage;
  }
  HttpReply r = call(a, "POST", "/api/v1/services/register", body.dump(), 30000, "application/json");
  if (!r.reached || r.status != 200) return report_failure("register", a.http, r);
  Json j;
  if (!parse_body("register", a, r, &j)) return kExitFailed;
  if (a.json || !j.is_object()) {
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("registered %s/%s at %s: %s (owner %s)\n", str(j, "serviceName").c_str(), str(j, "instanceId").c_str(),
              hostport(str(j, "host"), num(j, "port")).c_str(), str(j, "status").c_str(), str(j, "owner").c_str());
  return kExitOk;
}

int cmd_deregister(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("deregister", argv, false, &a, FlagSpec{{}, {"--force"}})) return kExitUsage;
  if (!no_positional("deregister", a, 2)) return kExitUsage;
  std::string target = "/api/v1/services/" + url_escape(a.positional[0]) + "/instances/" + url_escape(a.positional[1]);
  if (a.switches.count("--force") != 0) target += "?force=true";
  HttpReply r = call(a, "DELETE", target);
  if (!r.reached || r.status != 200) return report_failure("deregister", a.http, r);
  Json j;
  if (!parse_body("deregister", a, r, &j)) return kExitFailed;
  if (a.json) {
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("deregistered %s/%s\n", a.positional[0].c_str(), a.positional[1].c_str());
  return kExitOk;
}

int cmd_select(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("select", argv, false, &a)) return kExitUsage;
  if (!no_positional("select", a, 1)) return kExitUsage;
  HttpReply r = call(a, "GET", "/api/v1/services/" + url_escape(a.positional[0]) + "/instance");
  if (!r.reached || r.status != 200) return report_failure("select", a.http, r);
  Json j;
  if (!parse_body("select", a, r, &j)) return kExitFailed;
  if (a.json || !j.is_object()) {
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%s %s\n", hostport(str(j, "host"), num(j, "port")).c_str(), str(j, "instanceId").c_str());
  return kExitOk;
}

int cmd_deps(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("deps", argv, false, &a)) return kExitUsage;
  if (!no_positional("deps", a, 1)) return kExitUsage;
  const std::string base = "/api/v1/services/" + url_escape(a.positional[0]);
  HttpReply deps = call(a, "GET", base + "/dependencies");
  if (!deps.reached || deps.status != 200) return report_failure("deps", a.http, deps);
  HttpReply health = call(a, "GET", base + "/dependencies/health");
  if (!health.reached || health.status != 200) return report_failure("deps", a.http, health);
  HttpReply dependents = call(a, "GET", base + "/dependents");
  if (!dependents.reached || dependents.status != 200) return report_failure("deps", a.http, dependents);
  Json d, hj, dj;
  if (!parse_body("deps", a, deps, &d) || !parse_body("deps", a, health, &hj) ||
      !parse_body("deps", a, dependents, &dj)) {
    return kExitFailed;
  }
  if (a.json) {
    const Json out{{"dependencies", d}, {"health", hj}, {"dependents", dj}};
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::map<std::string, std::pair<bool, std::string>> healthy;  // name -> (healthy, healthy instances)
  if (hj.is_object() && hj.contains("dependencies") && hj["dependencies"].is_array()) {
    for (const auto& e : hj["dependencies"]) {
      if (e.is_object()) healthy[str(e, "serviceName")] = {e.value("healthy", false), num(e, "healthyInstances")};
    }
  }
  std::vector<std::vector<std::string>> rows = {{"DEPENDS ON", "TYPE", "REQUIRED", "HEALTHY", "INSTANCES"}};
  if (d.is_array()) {
    for (const auto& e : d) {
      if (!e.is_object()) continue;
      const std::string to = str(e, "dependsOn");
      const auto h = healthy.find(to);
      rows.push_back({to, str(e, "type"), e.value("required", false) ? "yes" : "no",
                      h == healthy.end() ? "?" : (h->second.first ? "yes" : "no"),
                      h == healthy.end() ? "" : h->second.second});
    }
  }
  print_table(rows);
  std::vector<std::vector<std::string>> back = {{"DEPENDENT", "TYPE", "REQUIRED"}};
  if (dj.is_array()) {
    for (const auto& e : dj) {
      if (e.is_object()) back.push_back({str(e, "serviceName"), str(e, "type"), e.value("required", false) ? "yes" : "no"});
    }
  }
  std::printf("\n");
  print_table(back);
  return kExitOk;
}

bool is_service_command(const std::string& c) {
  return c == "services" || c == "service" || c == "register" || c == "deregister" || c == "select" || c == "deps";
}

int run_service_command(const std::string& command, const std::vector<std::string>& args) {
  if (command == "services") return cmd_services(args);
  if (command == "service") return cmd_service(args);
  if (command == "register") return cmd_register(args);
  if (command == "deregister") return cmd_deregister(args);
  if (command == "select") return cmd_select(args);
  return cmd_deps(args);
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
         c == "version" || is_service_command(c);
}

int run_client_command(const std::string& command, const std::vector<std::string>& args) {
  if (command == "members") return cmd_members(args);
  if (command == "member") return cmd_member(args);
  if (command == "groups") return cmd_groups(args);
  if (command == "join") return cmd_join(args);
  if (command == "leave") return cmd_leave(args);
  if (command == "event") return cmd_event(args);
  if (command == "version") return cmd_version(args);
  if (is_service_command(command)) return run_service_command(command, args);
  usage_error(command, "unknown command");
  return kExitUsage;
}

}  // namespace wkd::agent
