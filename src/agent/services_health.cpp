// The registry's aggregates and the health-check trigger:
//
//   GET  /api/v1/services/status             {name: {totalInstances, healthyInstances,
//                                            unhealthyInstances, overallStatus UP|DOWN}}
//   GET  /api/v1/services/health             {status, totalServices, healthyServices,
//                                            services: {name: UP|DEGRADED|DOWN}}
//   GET  /api/v1/services/{name}/health      {serviceName, status, totalInstances,
//                                            healthyInstances, instances: [{instanceId,
//                                            status, checkStatus, lastHealthCheck,
//                                            consecutiveFailures, owner}]}; 404 unknown
//   POST /api/v1/services/{name}/instances/{id}/health-check
//                                            202: the owner runs the instance's checks
//                                            now; 409 on another node, naming the owner
//                                            and its HTTP address (its httpAddr tag)
//
// The figures are runtime/aggregates.hpp's, read from one view.
#include <string>

#include "agent/json_response.hpp"
#include "agent/services_api.hpp"
#include "agent/services_routes.hpp"
#include "runtime/aggregates.hpp"

namespace wkd::agent::services {

namespace {

using http::Response;

const char* health_name(runtime::Health h) {
  switch (h) {
    case runtime::Health::up: return "UP";
    case runtime::Health::degraded: return "DEGRADED";
    case runtime::Health::down: return "DOWN";
  }
  return "DOWN";
}

Json summary_object(const runtime::ServiceSummary& s) {
  return Json{{"totalInstances", s.total},
              {"healthyInstances", s.healthy},
              {"unhealthyInstances", s.unhealthy},
              {"overallStatus", health_name(s.overall)}};
}

Response status_map(const RouteContext& c) {
  Json out = Json::object();
  for (const auto& s : runtime::summarize_all(c.services)) out[s.service] = summary_object(s);
  return json_response(200, out);
}

Response platform(const RouteContext& c) {
  const runtime::PlatformHealth p = runtime::platform_health(c.services);
  // The services platform_health counts: those with an instance or a
  // dependency of their own.
  Json services = Json::object();
  for (const std::string& name : c.services.services()) {
    if (auto h = runtime::service_health(c.services, name)) services[name] = health_name(h->status);
  }
  for (const auto& rec : c.services.dependencies_of()) {
    if (services.contains(rec->service)) continue;
    if (auto h = runtime::service_health(c.services, rec->service)) services[rec->service] = health_name(h->status);
  }
  return json_response(200, Json{{"status", health_name(p.status)},
                                 {"totalServices", p.services},
                                 {"healthyServices", p.services_up},
                                 {"services", services}});
}

Response service(const RouteContext& c, const std::string& name) {
  const auto h = runtime::service_health(c.services, name);
  if (!h) return Response::error(404, "service " + name + " has no instance and no dependency");
  registry::Query q;
  q.service = name;
  Json instances = Json::array();
  for (const auto& rec : c.services.select(q)) {
    instances.push_back(Json{{"instanceId", rec->id},
                             {"status", registry::status_name(rec->status)},
                             {"checkStatus", registry::check_state_name(rec->check_state)},
                             {"lastHealthCheck", time_or_null(rec->last_check_ms)},
                             {"consecutiveFailures", rec->consecutive_failures},
                             {"owner", rec->owner}});
  }
  return json_response(200, Json{{"serviceName", name},
                                 {"status", health_name(h->status)},
                                 {"totalInstances", h->instances.total},
                                 {"healthyInstances", h->instances.healthy},
                                 {"instances", instances}});
}

// The HTTP address an agent advertises in its member tags, or null.
Json http_address_of(const runtime::View* view, const std::string& node) {
  const runtime::ViewEntry* e = view != nullptr ? view->find(node) : nullptr;
  if (e == nullptr || !e->member->has_tag(kHttpAddrTag)) return nullptr;
  return std::string(e->member->tag(kHttpAddrTag));
}

Response run_checks(const RouteContext& c, const registry::InstanceKey& key) {
  const runtime::InstanceRecord* rec = c.services.find(key);
  if (rec == nullptr || (*rec)->status == registry::InstanceStatus::deregistered) {
    return Response::error(404, registry::key_text(key) + " is not registered");
  }
  const std::string& owner = (*rec)->owner;
  if (owner != c.node.name()) {
    return json_response(409, Json{{"error", registry::key_text(key) + " is owned by node " + owner +
                                                 ": its checks run there"},
                                   {"owner", owner},
                                   {"ownerHttpAddress", http_address_of(c.view, owner)}});
  }
  auto r = c.node.run_checks(key);
  if (!r) {
    // Registered here but without a check that runs.
    if (r.code() == runtime::Err::not_found) return Response::error(409, r.message());
    return failure(std::move(r).failure());
  }
  return json_response(202, Json{{"serviceName", key.service},
                                 {"instanceId", key.id},
                                 {"checks", *r},
                                 {"owner", owner}});
}

}  // namespace

std::optional<http::Response> health_route(const RouteContext& c) {
  const Segments& seg = c.seg;
  const std::string& method = c.req.method;
  const bool fixed = seg.size() == 1 && (seg[0] == "status" || seg[0] == "health");
  const bool one = seg.size() == 2 && seg[1] == "health";
  if (fixed || one) {
    if (method != "GET") return method_not_allowed("GET");
    if (one) return service(c, seg[0]);
    return seg[0] == "status" ? status_map(c) : platform(c);
  }
  if (seg.size() == 4 && seg[1] == "instances" && seg[3] == "health-check") {
    if (method != "POST") return method_not_allowed("POST");
    return run_checks(c, registry::InstanceKey{seg[0], seg[2]});
  }
  return std::nullopt;
}

}  // namespace wkd::agent::services
