#include "agent/service_defs.hpp"

#include <algorithm>

extern char** environ;

namespace wkd::agent {

namespace {

std::string key_text(const registry::Instance& in) { return in.service + "/" + in.id; }

template <class Defs>
auto find(Defs& defs, const registry::Instance& in) -> decltype(&defs[0]) {
  for (auto& d : defs) {
    if (d.instance.service == in.service && d.instance.id == in.id) return &d;
  }
  return nullptr;
}

}  // namespace

ServiceDefs::ServiceDefs(uv_loop_t* loop, std::shared_ptr<runtime::Node> node, const AgentLog& log,
                         std::string node_name)
    : loop_(loop), node_(std::move(node)), log_(log), name_(std::move(node_name)) {
  std::weak_ptr<bool> alive = alive_;
  node_->on_critical("", [this, alive](const health::TurnedCritical& t) {
    if (alive.lock()) on_critical(t);
  });
}

ServiceDefs::~ServiceDefs() {
  *alive_ = false;
  node_->on_critical("", nullptr);
}

std::string ServiceDefs::apply(const std::vector<config::ServiceDef>& defs) {
  for (const auto& def : defs) {
    config::ServiceDef* old = find(running_, def.instance);
    if (old != nullptr && *old == def) continue;
    std::vector<health::CheckSpec> specs;
    for (const auto& c : def.checks) specs.push_back(c.spec);
    auto r = node_->register_service(def.instance, Duration::zero(), std::move(specs));
    if (!r) return "service " + key_text(def.instance) + ": " + r.message();
    log_.write(LogLevel::info, name_,
               std::string(old == nullptr ? "service registered: " : "service changed, registered again: ") +
                   key_text(def.instance) + " (" + std::to_string(def.checks.size()) + " check(s))");
    if (old != nullptr) {
      *old = def;
    } else {
      running_.push_back(def);
    }
  }
  for (auto it = running_.begin(); it != running_.end();) {
    if (find(defs, it->instance) != nullptr) {
      ++it;
      continue;
    }
    auto r = node_->deregister_instance({it->instance.service, it->instance.id});
    if (!r && r.code() != runtime::Err::not_found) return "service " + key_text(it->instance) + ": " + r.message();
    log_.write(LogLevel::info, name_, "service removed from the configuration, deregistered: " + key_text(it->instance));
    it = running_.erase(it);
  }
  return "";
}

void ServiceDefs::on_critical(const health::TurnedCritical& t) {
  for (const auto& def : running_) {
    if (def.instance.service != t.instance.service || def.instance.id != t.instance.id) continue;
    for (const auto& c : def.checks) {
      // The check that turned critical, or every command when the node
      // names none of the instance's checks.
      if (!c.on_critical.empty() && (c.spec.id == t.check || t.check.empty())) run(c.on_critical, t);
    }
  }
}

void ServiceDefs::run(const std::string& command, const health::TurnedCritical& t) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  env.push_back("WKD_SERVICE=" + t.instance.service);
  env.push_back("WKD_INSTANCE=" + t.instance.id);
  env.push_back("WKD_CHECK=" + t.check);
  env.push_back("WKD_CHECK_OUTPUT=" + t.output);
  std::vector<char*> envp;
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* args[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

  uv_process_options_t opts{};
  opts.file = "/bin/sh";
  opts.args = args;
  opts.env = envp.data();
  opts.exit_cb = [](uv_process_t* p, int64_t, int) {
    uv_close(reinterpret_cast<uv_handle_t*>(p), [](uv_handle_t* h) { delete reinterpret_cast<uv_process_t*>(h); });
  };
  uv_stdio_container_t stdio[3];
  for (auto& s : stdio) s.flags = UV_IGNORE;
  opts.stdio = stdio;
  opts.stdio_count = 3;
  auto* proc = new uv_process_t;
  const int rc = uv_spawn(loop_, proc, &opts);
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(proc), [](uv_handle_t* h) { delete reinterpret_cast<uv_process_t*>(h); });
    log_.write(LogLevel::warn, name_,
               "on_critical of " + t.instance.service + "/" + t.instance.id + " not run: " + uv_strerror(rc));
    return;
  }
  log_.write(LogLevel::info, name_,
             "on_critical of " + t.instance.service + "/" + t.instance.id + " (check " + t.check + "): ran " + command);
}

}  // namespace wkd::agent
