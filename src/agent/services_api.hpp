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
//
// Reads answer from this node's copy of the whole registry; writes follow
// the ownership rule (docs/registry.md): a write for an instance another
// node owns is 409 naming the owner. Bad input is 400 naming the field,
// and nothing is registered.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "agent/http_server.hpp"
#include "runtime/node.hpp"

namespace wkd::agent {

class ServicesApi {
 public:
  // `node` must outlive the API (the agent's node; calls run inline on its
  // loop, the loop the HTTP server runs on).
  explicit ServicesApi(std::function<runtime::Node*()> node) : node_(std::move(node)) {}

  // Whether `req` is under /api/v1/services (then it has been answered).
  bool handle(const http::Request& req, const std::function<void(http::Response)>& reply);

 private:
  std::function<runtime::Node*()> node_;
};

// The JSON object of one instance, as every API read prints it.
std::string instance_json(const registry::Instance& in);

}  // namespace wkd::agent
