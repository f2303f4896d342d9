// The agent's registry API, under /api/v1/services (the names and JSON
// fields of the product's REST controller, camelCase):
//
//   POST   /api/v1/services/register                  upsert an instance owned by this node
//   DELETE /api/v1/services/{name}/instances/{id}     deregister (?force=true: an instance
//                                                     whose owner failed or left)
//   PUT    /api/v1/services/{name}/instances/{id}/check   {"status": "passing"|"warning"|
//                                                     "critical"}: the application's own check
//   GET    /api/v1/services                           names with a live instance
//   GET    /api/v1/services/{name}                    its instances (?includeDeregistered=true)
//   GET    /api/v1/services/{name}/healthy            its HEALTHY instances
//   aggregates, health and the health-check trigger   services_health.cpp
//   dependencies                                      services_deps.cpp
//
// A registration's healthCheckUrl gets an HTTP check (every 10 s, 5 s
// timeout; an optional "check": {"intervalMs", "timeoutMs",
// "deregisterCriticalAfterMs"} sets them). Every GET answers with
// X-Wkd-Index, the view's version, and takes ?index=N&wait=DURATION to
// wait for a later version (services_wait.hpp).
//
// Reads answer from this node's copy of the whole registry; writes follow
// the ownership rule (docs/registry.md): a write for an instance another
// node owns is 409 naming the owner. Bad input is 400 naming the field,
// and nothing is registered.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agent/http_server.hpp"
#include "runtime/node.hpp"

namespace wkd::agent {

// The member tag in which an agent advertises its HTTP API's address
// (host:port, when it listens on a fixed port), so a write refused for
// another node's instance can name where to send it.
inline constexpr std::string_view kHttpAddrTag = "httpAddr";

// Told after the API registered an instance (`body`: the request body) or
// deregistered one (`body` null).
using RegistrationHook = std::function<void(const registry::InstanceKey& key, const std::string* body)>;

// Registers the instance a POST /api/v1/services/register body describes,
// as that route does; "" or why not (naming the field).
std::string register_body(runtime::Node& node, const std::string& body);

class ServicesApi {
 public:
  // `node` must outlive the API (the agent's node; calls run inline on its
  // loop, the loop the HTTP server runs on).
  // Long polls wait on `loop` (null: they answer at once).
  ServicesApi(std::function<runtime::Node*()> node, uv_loop_t* loop, RegistrationHook hook = {})
      : node_(std::move(node)), loop_(loop), hook_(std::move(hook)) {}

  // Whether `req` is under /api/v1/services (then it has been answered, or
  // will be when its long poll ends).
  bool handle(const http::Request& req, const std::shared_ptr<http::Responder>& out);

 private:
  std::function<runtime::Node*()> node_;
  uv_loop_t* loop_;
  RegistrationHook hook_;
};

// The JSON object of one instance, as every API read prints it.
std::string instance_json(const registry::Instance& in);

}  // namespace wkd::agent
