#include "agent/cli_services.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "agent/cli_args.hpp"

namespace wkd::agent::cli {

namespace {

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

// j[key] printed when it is a number, else "".
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

// Whether the command got exactly `want` arguments; a usage error if not.
bool want_positional(const std::string& command, const ClientArgs& a, std::size_t want) {
  if (a.positional.size() == want) return true;
  usage_error(command, "expects " + std::to_string(want) + " argument(s), got " + std::to_string(a.positional.size()));
  return false;
}

int cmd_services(const std::vector<std::string>& argv) {
  ClientArgs a;
  if (!parse_args("services", argv, false, &a)) return kExitUsage;
  if (!want_positional("services", a, 0)) return kExitUsage;
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
  if (!want_positional("service", a, 1)) return kExitUsage;
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
  if (!want_positional("register", a, 0)) return kExitUsage;
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
  if (!want_positional("deregister", a, 2)) return kExitUsage;
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
  if (!want_positional("select", a, 1)) return kExitUsage;
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
  if (!want_positional("deps", a, 1)) return kExitUsage;
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
      if (!e.is_object()) continue;
      back.push_back({str(e, "serviceName"), str(e, "type"), e.value("required", false) ? "yes" : "no"});
    }
  }
  std::printf("\n");
  print_table(back);
  return kExitOk;
}

}  // namespace

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

}  // namespace wkd::agent::cli
