// wkd/dependency.h: declaring and removing dependencies (on the node's
// loop, through runtime::Node), and reading them judged, from the node's
// current View, with the whole graph.
//
// The terms are checked with the registry's own rules
// (registry::validate_dependency); its messages name the fields by their
// REST names, so a refusal is renamed to wkd_dependency's spelling
// ("min_version: ...").
#include <cstring>
#include <utility>

#include "capi/handles.hpp"
#include "registry/dependency.hpp"
#include "wkd/dependency.h"

using namespace wkd;
using namespace wkd::capi;

namespace {

static_assert(WKD_DEPENDENCY_RUNTIME == static_cast<int>(registry::DependencyType::runtime) &&
              WKD_DEPENDENCY_BUILD == static_cast<int>(registry::DependencyType::build) &&
              WKD_DEPENDENCY_OPTIONAL == static_cast<int>(registry::DependencyType::optional) &&
              WKD_DEPENDENCY_DEV == static_cast<int>(registry::DependencyType::dev));
static_assert(WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS == registry::kDefaultDependencyTimeoutMs &&
              WKD_DEPENDENCY_MAX_TIMEOUT_MS == registry::kMaxDependencyTimeoutMs);

std::string text(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

// The registry's field names in a message, as wkd_dependency spells them.
std::string c_names(std::string message) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"serviceName", "service_name"}, {"dependsOn", "depends_on"},
      {"minVersion", "min_version"},   {"maxVersion", "max_version"},
      {"healthCheckEndpoint", "health_check_endpoint"}, {"timeoutMs", "timeout_ms"}};
  for (const auto& [rest, c] : kNames) {
    for (std::size_t at = message.find(rest); at != std::string::npos; at = message.find(rest, at)) {
      message.replace(at, std::strlen(rest), c);
      at += std::strlen(c);
    }
  }
  return message;
}

// The terms of `d` for the registry; WKD_OK or the first refusal.
wkd_status to_dependency(const wkd_dependency& d, registry::Dependency* out, wkd_error* err) {
  const int type = raw_enum(d.type);
  switch (type) {
#define WKD_CAPI_TYPE_CASE_(name, value, text) case WKD_DEPENDENCY_##name:
    WKD_DEPENDENCY_TYPE_MAP(WKD_CAPI_TYPE_CASE_)
#undef WKD_CAPI_TYPE_CASE_
    break;
    default:
      return fail(err, WKD_E_INVAL, "type: " + std::to_string(type) + " is not a wkd_dependency_type");
  }
  out->service = text(d.service_name);
  out->depends_on = text(d.depends_on);
  out->type = static_cast<registry::DependencyType>(type);
  out->required = d.required;
  out->min_version = text(d.min_version);
  out->max_version = text(d.max_version);
  out->health_check_endpoint = text(d.health_check_endpoint);
  out->timeout_ms = d.timeout_ms;
  if (auto st = registry::validate_dependency(*out); !st.ok()) {
    return fail(err, st.code() == registry::Err::too_large ? WKD_E_TOOBIG : WKD_E_INVAL, c_names(st.message()));
  }
  return WKD_OK;
}

template <class T>
bool sized(const T* out) {
  return out != nullptr && out->struct_size >= sizeof(uint32_t);
}

bool live(const wkd_dependencies_t* s) { return s != nullptr && s->tag == kLiveTag; }
bool live(const wkd_dependency_graph_t* s) { return s != nullptr && s->tag == kLiveTag; }

uint32_t u32(std::size_t n) { return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n); }

// A snapshot of `items`, taken from `view`.
wkd_dependencies_t* snapshot(std::vector<runtime::DependencyHealth> items, const runtime::View* view) {
  auto snap = std::make_unique<wkd_dependencies>();
  snap->version = view != nullptr ? view->version : 0;
  snap->uuids.reserve(items.size());
  for (const runtime::DependencyHealth& d : items) snap->uuids.push_back(d.record->uuid.to_string());
  snap->items = std::move(items);
  return snap.release();
}

}  // namespace

extern "C" {

WKD_API void wkd_dependency_init(wkd_dependency* dep, size_t struct_size) {
  if (dep == nullptr) return;
  const size_t n = struct_size < sizeof(wkd_dependency) ? struct_size : sizeof(wkd_dependency);
  if (n < sizeof(dep->struct_size)) return;
  const wkd_dependency defaults = WKD_DEPENDENCY_INIT;
  std::memcpy(static_cast<void*>(dep), &defaults, n);
  dep->struct_size = static_cast<uint32_t>(n);
}

WKD_API wkd_status wkd_node_declare_dependency(wkd_node_t* node, const wkd_dependency* dep, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (dep == nullptr || dep->struct_size < sizeof(uint32_t))
      return fail(err, WKD_E_INVAL, "dep is NULL or its struct_size is too small");
    const wkd_dependency defaults = WKD_DEPENDENCY_INIT;
    const wkd_dependency d = read_sized(dep, defaults);
    registry::Dependency terms;
    if (wkd_status st = to_dependency(d, &terms, err); st != WKD_OK) return st;
    auto res = n->declare_dependency(std::move(terms));
    if (!res.ok()) return fail(err, status_of(res.code()), c_names(res.message()));
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_remove_dependency(wkd_node_t* node, const char* service_name, const char* depends_on,
                                              wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (service_name == nullptr) return fail(err, WKD_E_INVAL, "service_name is NULL");
    if (depends_on == nullptr) return fail(err, WKD_E_INVAL, "depends_on is NULL");
    auto res = n->remove_dependency(service_name, depends_on);
    if (!res.ok()) return fail_with(err, res.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_dependencies(wkd_dependencies_t** out, wkd_node_t* node, const char* service_name,
                                         wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = current_view(&view, node, err); st != WKD_OK) return st;
    *out = snapshot(services_of(view).dependency_health(text(service_name)), view.get());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_dependents(wkd_dependencies_t** out, wkd_node_t* node, const char* service_name,
                                       wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = service_view(&view, node, service_name, err); st != WKD_OK) return st;
    const runtime::ServicesView& services = services_of(view);
    std::vector<runtime::DependencyHealth> items;
    for (const runtime::InstanceRecord& rec : services.dependents_of(service_name)) {
      for (runtime::DependencyHealth& d : services.dependency_health(rec->service)) {
        if (d.record->id == service_name) items.push_back(std::move(d));
      }
    }
    *out = snapshot(std::move(items), view.get());
    return WKD_OK;
  });
}

WKD_API size_t wkd_dependencies_count(const wkd_dependencies_t* deps) { return live(deps) ? deps->items.size() : 0; }

WKD_API wkd_status wkd_dependencies_at(wkd_dependency_info* out, const wkd_dependencies_t* deps, size_t index,
                                       wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!sized(out)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (!live(deps)) return fail(err, WKD_E_INVAL, "deps is not a snapshot");
    if (index >= deps->items.size()) {
      return fail(err, WKD_E_INVAL,
                  "index " + std::to_string(index) + " out of range (" + std::to_string(deps->items.size()) +
                      " dependencies)");
    }
    const runtime::DependencyHealth& d = deps->items[index];
    const registry::Instance& rec = *d.record;
    const registry::Dependency& t = *rec.dependency;  // a dependency record always carries its terms
    wkd_dependency_info full = WKD_DEPENDENCY_INFO_INIT;
    full.service_name = t.service.c_str();
    full.depends_on = t.depends_on.c_str();
    full.type = static_cast<wkd_dependency_type>(t.type);
    full.required = t.required;
    full.min_version = t.min_version.c_str();
    full.max_version = t.max_version.c_str();
    full.health_check_endpoint = t.health_check_endpoint.c_str();
    full.timeout_ms = static_cast<int32_t>(t.timeout_ms);  // 1-600000 by validation
    full.status = static_cast<wkd_instance_status>(rec.status);
    full.owner = rec.owner.c_str();
    full.uuid = deps->uuids[index].c_str();
    full.declared_unix_ms = rec.registered_ms;
    full.updated_unix_ms = rec.updated_ms;
    full.healthy = d.verdict.healthy;
    full.blocking = d.verdict.blocking;
    full.instances = u32(d.verdict.instances);
    full.healthy_instances = u32(d.verdict.healthy_instances);
    full.matching_instances = u32(d.verdict.matching);
    full.reason = d.verdict.reason.c_str();
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API uint64_t wkd_dependencies_version(const wkd_dependencies_t* deps) { return live(deps) ? deps->version : 0; }

WKD_API void wkd_dependencies_free(wkd_dependencies_t* deps) {
  if (!live(deps)) return;
  deps->tag = kDeadTag;
  delete deps;
}

WKD_API wkd_status wkd_node_dependency_health(wkd_dependency_health* out, wkd_node_t* node, const char* service_name,
                                              wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!sized(out)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = service_view(&view, node, service_name, err); st != WKD_OK) return st;
    wkd_dependency_health full = WKD_DEPENDENCY_HEALTH_INIT;
    full.version = view ? view->version : 0;
    std::size_t n = 0, healthy = 0, blocking = 0;
    for (const runtime::DependencyHealth& d : services_of(view).dependency_health(service_name)) {
      ++n;
      if (d.verdict.healthy) ++healthy;
      if (d.verdict.blocking) ++blocking;
    }
    full.healthy = blocking == 0;
    full.dependencies = u32(n);
    full.healthy_dependencies = u32(healthy);
    full.blocking_dependencies = u32(blocking);
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_dependency_graph(wkd_dependency_graph_t** out, wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = current_view(&view, node, err); st != WKD_OK) return st;
    auto g = std::make_unique<wkd_dependency_graph>();
    g->version = view ? view->version : 0;
    g->graph = runtime::dependency_graph(services_of(view));
    *out = g.release();
    return WKD_OK;
  });
}

WKD_API size_t wkd_dependency_graph_service_count(const wkd_dependency_graph_t* graph) {
  return live(graph) ? graph->graph.services.size() : 0;
}

WKD_API const char* wkd_dependency_graph_service_at(const wkd_dependency_graph_t* graph, size_t index) {
  if (!live(graph) || index >= graph->graph.services.size()) return nullptr;
  return graph->graph.services[index].c_str();
}

WKD_API size_t wkd_dependency_graph_edge_count(const wkd_dependency_graph_t* graph) {
  return live(graph) ? graph->graph.edges.size() : 0;
}

WKD_API wkd_status wkd_dependency_graph_edge_at(wkd_dependency_edge* out, const wkd_dependency_graph_t* graph,
                                                size_t index, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!sized(out)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (!live(graph)) return fail(err, WKD_E_INVAL, "graph is not a snapshot");
    if (index >= graph->graph.edges.size()) {
      return fail(err, WKD_E_INVAL,
                  "index " + std::to_string(index) + " out of range (" + std::to_string(graph->graph.edges.size()) +
                      " edges)");
    }
    const runtime::GraphEdge& e = graph->graph.edges[index];
    const registry::Dependency& t = *e.dependency.record->dependency;
    wkd_dependency_edge full = WKD_DEPENDENCY_EDGE_INIT;
    full.from = e.from;
    full.to = e.to;
    full.service_name = graph->graph.services[e.from].c_str();
    full.depends_on = graph->graph.services[e.to].c_str();
    full.type = static_cast<wkd_dependency_type>(t.type);
    full.required = t.required;
    full.healthy = e.dependency.verdict.healthy;
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API uint64_t wkd_dependency_graph_version(const wkd_dependency_graph_t* graph) {
  return live(graph) ? graph->version : 0;
}

WKD_API void wkd_dependency_graph_free(wkd_dependency_graph_t* graph) {
  if (!live(graph)) return;
  graph->tag = kDeadTag;
  delete graph;
}

WKD_API const char* wkd_dependency_type_name(wkd_dependency_type type) {
  switch (raw_enum(type)) {
#define WKD_CAPI_TYPE_NAME_(name, value, text) \
  case WKD_DEPENDENCY_##name:                  \
    return text;
    WKD_DEPENDENCY_TYPE_MAP(WKD_CAPI_TYPE_NAME_)
#undef WKD_CAPI_TYPE_NAME_
  }
  return "UNKNOWN";
}

}  // extern "C"
