// The service instances the configuration file defines
// ([[discovery.service]]): registered through the node when the agent
// starts, brought in line with the file again on SIGHUP, and the
// on_critical commands of their checks run when an instance turns
// critical.
//
// Only these instances are touched: a reload registers the definitions
// that are new, registers again those that changed (register_service keeps
// the checks whose spec is unchanged running) and deregisters those the
// file no longer has. Instances registered through the HTTP API are not
// definitions and are left alone.
//
// An on_critical command runs as `/bin/sh -c COMMAND` with WKD_SERVICE,
// WKD_INSTANCE, WKD_CHECK and WKD_CHECK_OUTPUT in its environment; the
// node bounds how often (NodeOptions::heal_interval, heal_per_minute).
#pragma once

#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/log.hpp"
#include "config/agent_config.hpp"
#include "runtime/node.hpp"

namespace wkd::agent {

class ServiceDefs {
 public:
  ServiceDefs(uv_loop_t* loop, std::shared_ptr<runtime::Node> node, const AgentLog& log, std::string node_name);
  ~ServiceDefs();
  ServiceDefs(const ServiceDefs&) = delete;
  ServiceDefs& operator=(const ServiceDefs&) = delete;

  // Makes the registered definitions `defs`. Returns "" or the first
  // refusal (naming the instance); the changes before it stay applied.
  std::string apply(const std::vector<config::ServiceDef>& defs);
  std::size_t size() const { return running_.size(); }

 private:
  void on_critical(const health::TurnedCritical& t);
  void run(const std::string& command, const health::TurnedCritical& t);

  uv_loop_t* loop_;
  std::shared_ptr<runtime::Node> node_;
  const AgentLog& log_;
  std::string name_;
  std::vector<config::ServiceDef> running_;
  // Whether this object still exists, for the node's heal callback.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wkd::agent
