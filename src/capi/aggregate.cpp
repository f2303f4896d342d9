// wkd/aggregate.h: status summaries, a service's aggregated health and the
// platform's, each computed from the node's current View
// (runtime/aggregates.hpp) without waiting for the loop.
#include <limits>

#include "capi/handles.hpp"
#include "wkd/aggregate.h"

using namespace wkd;
using namespace wkd::capi;

namespace {

static_assert(WKD_AGGREGATE_UP == static_cast<int>(runtime::Health::up) &&
              WKD_AGGREGATE_DOWN == static_cast<int>(runtime::Health::down) &&
              WKD_AGGREGATE_DEGRADED == static_cast<int>(runtime::Health::degraded));

wkd_aggregate_status status_of(runtime::Health h) { return static_cast<wkd_aggregate_status>(h); }

// Counts past 2^32 - 1 are reported as that (no registry holds so many).
uint32_t u32(std::size_t n) {
  return n > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(n);
}

void fill_summary(wkd_service_summary* out, const runtime::ServiceSummary& s, const char* name, uint64_t version) {
  wkd_service_summary full = WKD_SERVICE_SUMMARY_INIT;
  full.version = version;
  full.service_name = name;
  full.total_instances = u32(s.total);
  full.healthy_instances = u32(s.healthy);
  full.unhealthy_instances = u32(s.unhealthy);
  full.overall_status = status_of(s.overall);
  copy_sized(out, full);
}

// A sized output struct: present and at least its struct_size field.
template <class T>
bool sized(const T* out) {
  return out != nullptr && out->struct_size >= sizeof(uint32_t);
}

bool live(const wkd_service_summaries_t* s) { return s != nullptr && s->tag == kLiveTag; }

}  // namespace

extern "C" {

WKD_API wkd_status wkd_node_service_summary(wkd_service_summary* out, wkd_node_t* node, const char* service_name,
                                            wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!sized(out)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = service_view(&view, node, service_name, err); st != WKD_OK) return st;
    const auto s = runtime::summarize(services_of(view), service_name);
    if (!s) {
      return fail(err, WKD_E_NOTFOUND,
                  std::string("service ") + service_name + " has no instance in this node's registry");
    }
    fill_summary(out, *s, service_name, view ? view->version : 0);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_service_summaries(wkd_service_summaries_t** out, wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = current_view(&view, node, err); st != WKD_OK) return st;
    auto snap = std::make_unique<wkd_service_summaries>();
    snap->version = view ? view->version : 0;
    snap->items = runtime::summarize_all(services_of(view));
    *out = snap.release();
    return WKD_OK;
  });
}

WKD_API size_t wkd_service_summaries_count(const wkd_service_summaries_t* summaries) {
  return live(summaries) ? summaries->items.size() : 0;
}

WKD_API wkd_status wkd_service_summaries_at(wkd_service_summary* out, const wkd_service_summaries_t* summaries,
                                            size_t index, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!sized(out)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (!live(summaries)) return fail(err, WKD_E_INVAL, "summaries is not a snapshot");
    if (index >= summaries->items.size()) {
      return fail(err, WKD_E_INVAL,
                  "index " + std::to_string(index) + " out of range (" + std::to_string(summaries->items.size()) +
                      " summaries)");
    }
    const runtime::ServiceSummary& s = summaries->items[index];
    fill_summary(out, s, s.service.c_str(), summaries->version);
    return WKD_OK;
  });
}

WKD_API uint64_t wkd_service_summaries_version(const wkd_service_summaries_t* summaries) {
  return live(summaries) ? summaries->version : 0;
}

WKD_API void wkd_service_summaries_free(wkd_service_summaries_t* summaries) {
  if (!live(summaries)) return;
  summaries->tag = kDeadTag;
  delete summaries;
}

WKD_API wkd_status wkd_node_service_health(wkd_service_health* out, wkd_node_t* node, const char* service_name,
                                           wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!sized(out)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = service_view(&view, node, service_name, err); st != WKD_OK) return st;
    const auto h = runtime::service_health(services_of(view), service_name);
    if (!h) {
      return fail(err, WKD_E_NOTFOUND,
                  std::string("service ") + service_name +
                      " has neither an instance nor a dependency in this node's registry");
    }
    wkd_service_health full = WKD_SERVICE_HEALTH_INIT;
    full.version = view ? view->version : 0;
    full.status = status_of(h->status);
    full.total_instances = u32(h->instances.total);
    full.healthy_instances = u32(h->instances.healthy);
    full.unhealthy_instances = u32(h->instances.unhealthy);
    full.instances_status = status_of(h->instances.overall);
    full.dependencies = u32(h->dependencies.size());
    full.healthy_dependencies = u32(h->healthy_dependencies);
    full.blocking_dependencies = u32(h->blocking_dependencies);
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_platform_health(wkd_platform_health* out, wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!sized(out)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = current_view(&view, node, err); st != WKD_OK) return st;
    const runtime::PlatformHealth p = runtime::platform_health(services_of(view));
    wkd_platform_health full = WKD_PLATFORM_HEALTH_INIT;
    full.version = view ? view->version : 0;
    full.status = status_of(p.status);
    full.services = u32(p.services);
    full.services_up = u32(p.services_up);
    full.services_degraded = u32(p.services_degraded);
    full.services_down = u32(p.services_down);
    full.dependencies = u32(p.dependencies);
    full.unhealthy_dependencies = u32(p.unhealthy_dependencies);
    full.blocking_dependencies = u32(p.blocking_dependencies);
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API const char* wkd_aggregate_status_name(wkd_aggregate_status status) {
  switch (raw_enum(status)) {
#define WKD_CAPI_AGGREGATE_NAME_(name, value, text) \
  case WKD_AGGREGATE_##name:                        \
    return text;
    WKD_AGGREGATE_STATUS_MAP(WKD_CAPI_AGGREGATE_NAME_)
#undef WKD_CAPI_AGGREGATE_NAME_
  }
  return "UNKNOWN";
}

}  // extern "C"
