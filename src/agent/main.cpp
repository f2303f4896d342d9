// wkd: `wkd agent` runs a node; the other commands are clients of a
// running agent's HTTP API (see cli.hpp).
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "agent/agent.hpp"
#include "agent/cli.hpp"
#include "agent/log.hpp"
#include "config/agent_config.hpp"

namespace {

using wkd::agent::kExitFailed;
using wkd::agent::kExitOk;
using wkd::agent::kExitUsage;

const char* kUsage =
    "usage: wkd <command> [flags]\n"
    "\n"
    "  agent      run a node (see 'wkd agent --help')\n"
    "  members    list the members   [--json] [--state S] [--group G] [--database-type T]\n"
    "                                [--wire-protocol P] [--tag K:V]\n"
    "  member     show one member    NAME\n"
    "  groups     list the groups    [GROUP] [--json]\n"
    "  join       join the agent to  ADDRESS...\n"
    "  leave      leave the cluster and stop the agent\n"
    "  event      fire a user event  NAME [PAYLOAD]\n"
    "  version    print the version\n"
    "  services   list the services with total and healthy instances   [--json]\n"
    "  service    list a service's instances  NAME [--healthy] [--json]\n"
    "  register   register an instance  --file F.json | --service S --id ID --host H --port P\n"
    "             [--version V] [--tag T]... [--meta K=V]... [--weight W] [--health-url URL]\n"
    "             [--check-interval-ms MS]\n"
    "  deregister deregister an instance  NAME ID [--force]\n"
    "  select     pick one healthy instance (host:port and id)  NAME\n"
    "  deps       a service's dependencies with their health, and its dependents  NAME\n"
    "\n"
    "Client commands talk to the agent at --http HOST:PORT (default $WKD_HTTP_ADDR or 127.0.0.1:7475),\n"
    "sending --token T (default $WKD_TOKEN) as 'Authorization: Bearer T'; --json prints the API's JSON.\n"
    "Exit codes: 0 success, 1 request failed or agent unreachable, 2 usage error, 3 not found.\n";

const char* kAgentUsage =
    "usage: wkd agent [--config FILE] [flags]\n"
    "\n"
    "Runs one node until SIGINT or SIGTERM, which leave the cluster gracefully.\n"
    "Flags override the [discovery] table of FILE:\n"
    "  --node-name NAME        --bind IP:PORT          --advertise IP:PORT\n"
    "  --join HOST:PORT (repeatable, replaces seeds)   --http IP:PORT ('' disables)\n"
    "  --profile lan|wan|local --encrypt BASE64KEY     --snapshot-path FILE\n"
    "  --database-type T       --wire-protocol P       --endpoint HOST:PORT\n"
    "  --group G (repeatable, replaces groups)         --tag KEY=VALUE (repeatable)\n"
    "  --log-level debug|info|warn|error               --log-json\n"
    "  --print-config          print the effective configuration and exit\n";

int run_agent(const std::vector<std::string>& args) {
  std::string config_file;
  bool print_config = false;
  wkd::config::Overrides o;
  const std::map<std::string, std::optional<std::string>*> single = {
      {"--node-name", &o.node_name}, {"--bind", &o.bind},       {"--advertise", &o.advertise},
      {"--http", &o.http},           {"--profile", &o.profile}, {"--encrypt", &o.encrypt},
      {"--snapshot-path", &o.snapshot_path}, {"--log-level", &o.log_level},
      {"--database-type", &o.database_type}, {"--wire-protocol", &o.wire_protocol},
      {"--endpoint", &o.endpoint}};
  const std::map<std::string, std::vector<std::string>*> repeated = {
      {"--join", &o.join}, {"--group", &o.groups}, {"--tag", &o.tags}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (flag == "--help" || flag == "-h") {
      std::fputs(kAgentUsage, stdout);
      return kExitOk;
    }
    if (flag == "--print-config") {
      print_config = true;
      continue;
    }
    if (flag == "--log-json") {
      o.log_json = true;
      continue;
    }
    if (flag == "--config") {
      auto v = value();
      if (!v) {
        std::fprintf(stderr, "wkd agent: --config needs a FILE\n");
        return kExitUsage;
      }
      config_file = *v;
      continue;
    }
    if (auto it = single.find(flag); it != single.end()) {
      auto v = value();
      if (!v) {
        std::fprintf(stderr, "wkd agent: %s needs a value\n", flag.c_str());
        return kExitUsage;
      }
      *it->second = *v;
      continue;
    }
    if (auto it = repeated.find(flag); it != repeated.end()) {
      auto v = value();
      if (!v) {
        std::fprintf(stderr, "wkd agent: %s needs a value\n", flag.c_str());
        return kExitUsage;
      }
      it->second->push_back(*v);
      continue;
    }
    std::fprintf(stderr, "wkd agent: unknown argument '%s' (see 'wkd agent --help')\n", args[i].c_str());
    return kExitUsage;
  }

  wkd::config::AgentConfig base = wkd::config::AgentConfig::defaults();
  if (!config_file.empty()) {
    auto loaded = wkd::config::load_file(config_file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "wkd agent: %s\n", loaded.message().c_str());
      return kExitUsage;
    }
    base = std::move(*loaded);
  }
  auto cfg = wkd::config::apply_overrides(std::move(base), o);
  if (!cfg.ok()) {
    std::fprintf(stderr, "wkd agent: %s\n", cfg.message().c_str());
    return kExitUsage;
  }
  if (print_config) {
    std::fputs(wkd::config::print_effective(*cfg).c_str(), stdout);
    return kExitOk;
  }
  wkd::LogLevel level = wkd::LogLevel::info;
  wkd::agent::parse_log_level(cfg->log_level, &level);
  wkd::agent::AgentLog log(level, cfg->log_format == wkd::config::LogFormat::json);
  wkd::agent::Agent agent(std::move(*cfg), log);
  return agent.run();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "--version") return wkd::agent::run_client_command("version", {});
  if (command == "agent") return run_agent(args);
  if (wkd::agent::is_client_command(command)) return wkd::agent::run_client_command(command, args);
  std::fprintf(stderr, "wkd: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return kExitUsage;
}
