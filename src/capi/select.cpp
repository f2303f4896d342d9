// wkd/select.h: selection with leases, call outcomes and the outlier
// settings, over the node's selector (runtime/selector.hpp) and its
// current View.
#include <cstring>
#include <set>

#include "capi/handles.hpp"
#include "wkd/select.h"

using namespace wkd;
using namespace wkd::capi;

namespace {

static_assert(WKD_SELECT_WEIGHTED_RANDOM == static_cast<int>(registry::Strategy::weighted_random) &&
              WKD_SELECT_ROUND_ROBIN == static_cast<int>(registry::Strategy::round_robin) &&
              WKD_SELECT_RANDOM == static_cast<int>(registry::Strategy::random) &&
              WKD_SELECT_LEAST_CONNECTIONS == static_cast<int>(registry::Strategy::least_connections) &&
              WKD_SELECT_NEAREST == static_cast<int>(registry::Strategy::nearest));
static_assert(WKD_CALL_NONE == static_cast<int>(registry::CallOutcome::none) &&
              WKD_CALL_SUCCESS == static_cast<int>(registry::CallOutcome::success) &&
              WKD_CALL_FAILURE == static_cast<int>(registry::CallOutcome::failure));

bool live(const wkd_lease_t* l) { return l != nullptr && l->tag == kLiveTag; }

// By reference: a C caller may pass any int, and loading it as the enum
// before raw_enum looks is undefined.
std::optional<registry::CallOutcome> outcome_of(const wkd_call_outcome& o) {
  switch (raw_enum(o)) {
#define WKD_CAPI_OUTCOME_(name, value, text) \
  case WKD_CALL_##name:                      \
    return static_cast<registry::CallOutcome>(value);
    WKD_CALL_OUTCOME_MAP(WKD_CAPI_OUTCOME_)
#undef WKD_CAPI_OUTCOME_
  }
  return std::nullopt;
}

bool known_strategy(const wkd_select_strategy& s) {
  switch (raw_enum(s)) {
#define WKD_CAPI_STRATEGY_(name, value, text) case WKD_SELECT_##name:
    WKD_SELECT_STRATEGY_MAP(WKD_CAPI_STRATEGY_)
#undef WKD_CAPI_STRATEGY_
    return true;
  }
  return false;
}

// The round-trip estimates `nearest` needs: one per owner of an instance
// of the service, read on the loop before the selector is entered.
registry::RttFn estimates(runtime::Node& node, const runtime::ServicesView& services, const std::string& service) {
  std::set<std::string> owners;
  for (auto it = services.instances.lower_bound(registry::InstanceKey{service, {}});
       it != services.instances.end() && it->first.service == service; ++it) {
    if (registry::is_selectable(it->second->status)) owners.insert(it->second->owner);
  }
  auto rtt = std::make_shared<const std::map<std::string, double>>(node.rtt_estimates(owners));
  return [rtt](const std::string& owner) -> std::optional<double> {
    const auto it = rtt->find(owner);
    if (it == rtt->end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

extern "C" {

WKD_API wkd_status wkd_node_select(wkd_lease_t** out, wkd_node_t* node, const char* service_name,
                                   const wkd_select_options* opts, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (service_name == nullptr || service_name[0] == '\0')
      return fail(err, WKD_E_INVAL, "service_name is NULL or empty");
    wkd_select_options o = WKD_SELECT_OPTIONS_INIT;
    if (opts != nullptr) {
      if (opts->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "opts.struct_size is too small");
      o = read_sized(opts, o);
    }
    if (!known_strategy(o.strategy)) {
      return fail(err, WKD_E_INVAL, "opts.strategy: " + std::to_string(raw_enum(o.strategy)) +
                                        " is not a wkd_select_strategy");
    }
    registry::Query filter;
    if (o.filter != nullptr) {
      if (o.filter->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "opts.filter.struct_size is too small");
      const wkd_instance_filter f = read_sized(o.filter, wkd_instance_filter WKD_INSTANCE_FILTER_INIT);
      if (wkd_status st = to_query(f, &filter, err); st != WKD_OK) return st;
    }
    if (n->closed()) return fail(err, WKD_E_CLOSED, "node is closed");
    auto lease = std::make_unique<wkd_lease>();
    lease->view = n->view();
    const runtime::ServicesView& services = services_of(lease->view);
    registry::SelectRequest req;
    req.strategy = static_cast<registry::Strategy>(o.strategy);
    req.filter = o.filter != nullptr ? &filter : nullptr;
    req.zone_affinity = o.zone_affinity;
    if (req.strategy == registry::Strategy::nearest) req.rtt = estimates(*n, services, service_name);
    std::optional<runtime::Selection> chosen = n->selector().select(services, service_name, req);
    if (!chosen || !chosen->record) {
      return fail(err, WKD_E_NOTFOUND,
                  std::string("no selectable instance of service '") + service_name + "' in this node's registry");
    }
    lease->node = node->impl;
    lease->lease = std::move(chosen->lease);
    lease->item = instance_item(std::move(chosen->record));
    *out = lease.release();
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_lease_instance(wkd_instance_info* out, const wkd_lease_t* lease, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (!live(lease)) return fail(err, WKD_E_INVAL, "lease is not a lease");
    fill_instance(out, lease->item, lease->view.get());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_lease_url(char* buf, size_t size, const wkd_lease_t* lease, const char* scheme,
                                 wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!live(lease)) return fail(err, WKD_E_INVAL, "lease is not a lease");
    const registry::Instance& in = *lease->item.rec;
    std::string url = scheme != nullptr && scheme[0] != '\0' ? scheme : in.protocol;
    url += "://";
    // An IPv6 literal is bracketed; a name or an IPv4 address is not.
    const bool v6 = in.host.find(':') != std::string::npos;
    if (v6) url += '[';
    url += in.host;
    if (v6) url += ']';
    url += ':' + std::to_string(in.port);
    if (buf == nullptr) return fail(err, WKD_E_INVAL, "buf is NULL");
    if (size < url.size() + 1) {
      return fail(err, WKD_E_INVAL,
                  "size: " + std::to_string(size) + " bytes is too small, " + std::to_string(url.size() + 1) +
                      " needed for " + url);
    }
    std::memcpy(buf, url.c_str(), url.size() + 1);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_lease_release(wkd_lease_t* lease, wkd_call_outcome outcome, wkd_error* err) {
  if (lease == nullptr) return WKD_OK;
  if (!live(lease)) return fail(err, WKD_E_INVAL, "lease is not a lease");
  const std::optional<registry::CallOutcome> o = outcome_of(outcome);
  const wkd_status st = guard(err, [&]() -> wkd_status {
    runtime::Node& n = *lease->node;
    // The outcome is judged against the registry as it is now.
    const std::shared_ptr<const runtime::View> now = n.view();
    n.selector().release(services_of(now), lease->lease, o.value_or(registry::CallOutcome::none));
    return WKD_OK;
  });
  lease->tag = kDeadTag;
  delete lease;
  if (st != WKD_OK) return st;
  if (!o) {
    return fail(err, WKD_E_INVAL,
                "outcome: " + std::to_string(raw_enum(outcome)) + " is not a wkd_call_outcome (released as NONE)");
  }
  return WKD_OK;
}

WKD_API wkd_status wkd_node_report_call(wkd_node_t* node, const char* service_name, const char* instance_id,
                                        wkd_call_outcome outcome, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (service_name == nullptr) return fail(err, WKD_E_INVAL, "service_name is NULL");
    if (instance_id == nullptr) return fail(err, WKD_E_INVAL, "instance_id is NULL");
    const std::optional<registry::CallOutcome> o = outcome_of(outcome);
    if (!o) return fail(err, WKD_E_INVAL, "outcome: " + std::to_string(raw_enum(outcome)) + " is not a wkd_call_outcome");
    if (n->closed()) return fail(err, WKD_E_CLOSED, "node is closed");
    const std::shared_ptr<const runtime::View> view = n->view();
    const runtime::ServicesView& services = services_of(view);
    const registry::InstanceKey key{service_name, instance_id};
    const runtime::InstanceRecord* rec = services.find(key);
    if (rec == nullptr || (*rec)->status == registry::InstanceStatus::deregistered) {
      return fail(err, WKD_E_NOTFOUND,
                  std::string("no instance ") + service_name + "/" + instance_id + " in this node's registry");
    }
    n->selector().report(services, key, *o);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_set_outlier(wkd_node_t* node, const wkd_outlier_options* opts, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (opts == nullptr || opts->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "opts is NULL or too small");
    const wkd_outlier_options o = read_sized(opts, wkd_outlier_options WKD_OUTLIER_OPTIONS_INIT);
    registry::OutlierConfig cfg;
    cfg.consecutive_failures = o.consecutive_failures;
    cfg.base_ejection_ms = o.base_ejection_ms;
    cfg.max_ejection_ms = o.max_ejection_ms;
    cfg.max_ejection_percent = o.max_ejection_percent;
    if (auto why = n->selector().set_outlier_config(cfg); !why.empty()) return fail(err, WKD_E_INVAL, "opts." + why);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_outlier(wkd_outlier_options* out, const wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (node_of(node) == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    // The selector is thread-safe; the handle is const only for the reader.
    const registry::OutlierConfig cfg = node->impl->selector().outlier_config();
    wkd_outlier_options full = WKD_OUTLIER_OPTIONS_INIT;
    full.consecutive_failures = cfg.consecutive_failures;
    full.base_ejection_ms = cfg.base_ejection_ms;
    full.max_ejection_ms = cfg.max_ejection_ms;
    full.max_ejection_percent = cfg.max_ejection_percent;
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API const char* wkd_select_strategy_name(wkd_select_strategy strategy) {
  switch (raw_enum(strategy)) {
#define WKD_CAPI_STRATEGY_NAME_(name, value, text) \
  case WKD_SELECT_##name:                          \
    return text;
    WKD_SELECT_STRATEGY_MAP(WKD_CAPI_STRATEGY_NAME_)
#undef WKD_CAPI_STRATEGY_NAME_
  }
  return "unknown";
}

WKD_API const char* wkd_call_outcome_name(wkd_call_outcome outcome) {
  switch (raw_enum(outcome)) {
#define WKD_CAPI_OUTCOME_NAME_(name, value, text) \
  case WKD_CALL_##name:                           \
    return text;
    WKD_CALL_OUTCOME_MAP(WKD_CAPI_OUTCOME_NAME_)
#undef WKD_CAPI_OUTCOME_NAME_
  }
  return "unknown";
}

}  // extern "C"
