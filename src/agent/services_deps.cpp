// Dependencies between services:
//
//   POST   /api/v1/services/{name}/dependencies          {dependsOn, type, required,
//                                                        minVersion, maxVersion,
//                                                        healthCheckEndpoint, timeoutMs}
//                                                        201, the same terms again too
//                                                        (a no-op); 409: declared with
//                                                        other terms
//   DELETE /api/v1/services/{name}/dependencies/{dependsOn}
//   GET    /api/v1/services/{name}/dependencies          what it depends on
//   GET    /api/v1/services/{name}/dependents            what depends on it
//   GET    /api/v1/services/{name}/dependencies/health   {serviceName, allHealthy,
//                                                        dependencies: [{serviceName,
//                                                        healthy, healthyInstances}]}
//   GET    /api/v1/services/dependencies/graph           {nodes, edges: [{from, to,
//                                                        type, required}]}
//
// Only dependsOn is required; type is RUNTIME, BUILD, OPTIONAL or DEV
// (RUNTIME by default), required defaults to true, timeoutMs to 5000
// (1-600000). A dependency is owned by the node that declared it, as an
// instance is.
#include <string>

#include "agent/json_response.hpp"
#include "agent/services_routes.hpp"
#include "registry/dependency.hpp"
#include "runtime/aggregates.hpp"

namespace wkd::agent::services {

namespace {

using http::Response;

Json null_if_empty(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json dependency_object(const registry::Instance& rec) {
  static const registry::Dependency kNone;
  const registry::Dependency& d = rec.dependency ? *rec.dependency : kNone;
  return Json{{"serviceName", rec.service},
              {"dependsOn", rec.id},
              {"type", registry::dependency_type_name(d.type)},
              {"required", d.required},
              {"minVersion", null_if_empty(d.min_version)},
              {"maxVersion", null_if_empty(d.max_version)},
              {"healthCheckEndpoint", null_if_empty(d.health_check_endpoint)},
              {"timeoutMs", d.timeout_ms},
              {"owner", rec.owner},
              {"createdAt", time_or_null(rec.registered_ms)},
              {"lastUpdated", time_or_null(rec.updated_ms)}};
}

// The declaration's body; "" or the first error, naming its field.
std::string parse_dependency(const Json& body, registry::Dependency* d) {
  if (auto err = unknown_field(body, {"dependsOn", "type", "required", "minVersion", "maxVersion",
                                      "healthCheckEndpoint", "timeoutMs", "serviceName"});
      !err.empty()) {
    return err;
  }
  std::string err, type, service;
  if (!(err = read_string(body, "serviceName", &service, false)).empty()) return err;
  if (!service.empty() && service != d->service) {
    return "serviceName: '" + service + "' differs from the path's '" + d->service + "'";
  }
  if (!(err = read_string(body, "dependsOn", &d->depends_on, true)).empty()) return err;
  if (!(err = read_string(body, "type", &type, false)).empty()) return err;
  if (!type.empty()) {
    const auto t = registry::parse_dependency_type(type);
    if (!t) return "type: must be RUNTIME, BUILD, OPTIONAL or DEV, not '" + type + "'";
    d->type = *t;
  }
  if (!(err = read_bool(body, "required", &d->required)).empty()) return err;
  if (!(err = read_string(body, "minVersion", &d->min_version, false)).empty()) return err;
  if (!(err = read_string(body, "maxVersion", &d->max_version, false)).empty()) return err;
  if (!(err = read_string(body, "healthCheckEndpoint", &d->health_check_endpoint, false)).empty()) return err;
  if (!(err = read_int(body, "timeoutMs", &d->timeout_ms, false)).empty()) return err;
  if (d->timeout_ms < 1 || d->timeout_ms > registry::kMaxDependencyTimeoutMs) {
    return "timeoutMs: " + std::to_string(d->timeout_ms) + " is out of range 1-" +
           std::to_string(registry::kMaxDependencyTimeoutMs);
  }
  return "";
}

Response declare(const RouteContext& c, const std::string& service) {
  Json body;
  if (auto bad = parse_object(c.req, &body)) return *bad;
  registry::Dependency d;
  d.service = service;
  if (std::string err = parse_dependency(body, &d); !err.empty()) return Response::error(400, err);
  if (auto st = registry::validate_dependency(d); !st) return Response::error(400, st.message());
  auto r = c.node.declare_dependency(std::move(d));
  if (!r) return failure(std::move(r).failure());
  return json_response(201, dependency_object(*r));
}

Json records(const std::vector<runtime::InstanceRecord>& recs) {
  Json arr = Json::array();
  for (const auto& rec : recs) arr.push_back(dependency_object(*rec));
  return arr;
}

Response health(const RouteContext& c, const std::string& service) {
  Json deps = Json::array();
  bool all = true;
  for (const auto& h : c.services.dependency_health(service)) {
    all = all && h.verdict.healthy;
    deps.push_back(Json{{"serviceName", h.record->id},
                        {"healthy", h.verdict.healthy},
                        {"healthyInstances", h.verdict.healthy_instances}});
  }
  return json_response(200, Json{{"serviceName", service}, {"allHealthy", all}, {"dependencies", deps}});
}

Response graph(const RouteContext& c) {
  const runtime::DependencyGraph g = runtime::dependency_graph(c.services);
  Json edges = Json::array();
  for (const auto& e : g.edges) {
    const registry::Instance& rec = *e.dependency.record;
    edges.push_back(Json{{"from", g.services[e.from]},
                         {"to", g.services[e.to]},
                         {"type", rec.dependency ? registry::dependency_type_name(rec.dependency->type) : "RUNTIME"},
                         {"required", rec.dependency ? rec.dependency->required : true}});
  }
  return json_response(200, Json{{"nodes", Json(g.services)}, {"edges", edges}});
}

}  // namespace

std::optional<http::Response> deps_route(const RouteContext& c) {
  const Segments& seg = c.seg;
  const std::string& method = c.req.method;
  if (seg.size() == 2 && seg[0] == "dependencies" && seg[1] == "graph") {
    if (method != "GET") return method_not_allowed("GET");
    return graph(c);
  }
  if (seg.size() == 2 && seg[1] == "dependencies") {
    if (method == "POST") return declare(c, seg[0]);
    if (method != "GET") return method_not_allowed("GET, POST");
    return json_response(200, records(c.services.dependencies_of(seg[0])));
  }
  if (seg.size() == 2 && seg[1] == "dependents") {
    if (method != "GET") return method_not_allowed("GET");
    return json_response(200, records(c.services.dependents_of(seg[0])));
  }
  if (seg.size() == 3 && seg[1] == "dependencies" && seg[2] == "health") {
    if (method != "GET") return method_not_allowed("GET");
    return health(c, seg[0]);
  }
  if (seg.size() == 3 && seg[1] == "dependencies") {
    if (method != "DELETE") return method_not_allowed("DELETE");
    auto r = c.node.remove_dependency(seg[0], seg[2]);
    if (!r) return failure(std::move(r).failure());
    return json_response(200, dependency_object(*r));
  }
  return std::nullopt;
}

}  // namespace wkd::agent::services
