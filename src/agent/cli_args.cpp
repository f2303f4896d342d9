#include "agent/cli_args.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace wkd::agent::cli {

void usage_error(const std::string& command, const std::string& msg) {
  std::fprintf(stderr, "wkd %s: %s (see 'wkd help')\n", command.c_str(), msg.c_str());
}

bool parse_args(const std::string& command, const std::vector<std::string>& args, bool filters, ClientArgs* out,
                const FlagSpec& spec) {
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

HttpReply call(const ClientArgs& a, const std::string& method, const std::string& target, const std::string& body,
               long timeout_ms, const std::string& content_type) {
  return http_call(method, a.http, target, body, timeout_ms, a.token, content_type);
}

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
    std::fprintf(stderr,
                 "wkd %s: the token is not allowed to do this (a read token, or a write token limited to other "
                 "services)\n",
                 command.c_str());
  }
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

}  // namespace wkd::agent::cli
