// wkd/instance.h: registry snapshots, read from the node's current View
// without waiting for the loop.
#include "capi/handles.hpp"
#include "registry/semver.hpp"
#include "wkd/instance.h"

using namespace wkd;
using namespace wkd::capi;

namespace wkd::capi {

InstanceItem instance_item(runtime::InstanceRecord rec) {
  InstanceItem item;
  item.uuid = rec->uuid.to_string();
  item.tags.reserve(rec->tags.size());
  for (const std::string& t : rec->tags) item.tags.push_back(t.c_str());
  item.metadata.reserve(rec->metadata.size());
  for (const auto& [k, v] : rec->metadata) item.metadata.push_back(wkd_kv{k.c_str(), v.c_str()});
  item.rec = std::move(rec);
  return item;
}

void fill_instance(wkd_instance_info* out, const InstanceItem& item, const runtime::View* view) {
  const registry::Instance& in = *item.rec;
  wkd_instance_info full = WKD_INSTANCE_INFO_INIT;
  full.service_name = in.service.c_str();
  full.instance_id = in.id.c_str();
  full.host = in.host.c_str();
  full.port = static_cast<uint16_t>(in.port);  // 1-65535 by validation
  full.protocol = in.protocol.c_str();
  full.version = in.version.c_str();
  full.tags = item.tags.data();
  full.n_tags = item.tags.size();
  full.metadata = item.metadata.data();
  full.n_metadata = item.metadata.size();
  full.weight = static_cast<uint32_t>(in.weight);  // 0-10000 by validation
  full.region = in.region.c_str();
  full.zone = in.zone.c_str();
  full.health_check_url = in.health_check_url.c_str();
  full.metrics_url = in.metrics_url.c_str();
  full.status = static_cast<wkd_instance_status>(in.status);  // same values
  full.check_state = static_cast<wkd_check_state>(in.check_state);
  full.last_check_unix_ms = in.last_check_ms;
  full.consecutive_failures = in.consecutive_failures;
  full.uuid = item.uuid.c_str();
  full.registered_unix_ms = in.registered_ms;
  full.updated_unix_ms = in.updated_ms;
  full.deregistered_unix_ms = in.deregistered_ms;
  full.owner = in.owner.c_str();
  if (const runtime::ViewEntry* e = view != nullptr ? view->find(in.owner) : nullptr) {
    full.owner_known = true;
    full.owner_state = static_cast<wkd_member_state>(e->member->state);
  }
  full.previous_owner = in.previous_owner.c_str();
  copy_sized(out, full);
}

// The node's View (never null for a live node once created) or a refusal.
wkd_status current_view(std::shared_ptr<const runtime::View>* out, wkd_node_t* node, wkd_error* err) {
  runtime::Node* n = node_of(node);
  if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
  if (n->closed()) return fail(err, WKD_E_CLOSED, "node is closed");
  *out = n->view();
  return WKD_OK;
}

wkd_status service_view(std::shared_ptr<const runtime::View>* out, wkd_node_t* node, const char* service_name,
                        wkd_error* err) {
  if (wkd_status st = current_view(out, node, err); st != WKD_OK) return st;
  if (service_name == nullptr || service_name[0] == '\0') return fail(err, WKD_E_INVAL, "service_name is NULL or empty");
  return WKD_OK;
}

const runtime::ServicesView& services_of(const std::shared_ptr<const runtime::View>& view) {
  static const runtime::ServicesView kEmpty;
  return view && view->services ? *view->services : kEmpty;
}

// The registry query a filter asks for; WKD_OK or a refusal naming the field.
wkd_status to_query(const wkd_instance_filter& f, registry::Query* q, wkd_error* err) {
  q->healthy_only = f.healthy_only;
  q->include_deregistered = f.include_deregistered;
  if (f.n_tags > 0 && f.tags == nullptr) return fail(err, WKD_E_INVAL, "filter.tags: NULL with n_tags > 0");
  for (size_t i = 0; i < f.n_tags; ++i) {
    if (f.tags[i] == nullptr) return fail(err, WKD_E_INVAL, "filter.tags[" + std::to_string(i) + "]: NULL");
    q->tags.insert(f.tags[i]);
  }
  if (f.n_metadata > 0 && f.metadata == nullptr)
    return fail(err, WKD_E_INVAL, "filter.metadata: NULL with n_metadata > 0");
  for (size_t i = 0; i < f.n_metadata; ++i) {
    const wkd_kv& kv = f.metadata[i];
    const std::string at = "filter.metadata[" + std::to_string(i) + "]";
    if (kv.key == nullptr) return fail(err, WKD_E_INVAL, at + ".key: NULL");
    if (kv.value == nullptr) return fail(err, WKD_E_INVAL, at + ".value: NULL");
    // The same key twice with two values can match nothing: say so.
    const auto [it, fresh] = q->metadata.emplace(kv.key, kv.value);
    if (!fresh && it->second != kv.value)
      return fail(err, WKD_E_INVAL, at + ".key: '" + kv.key + "' is given twice with different values");
  }
  if (f.region != nullptr) q->region = f.region;
  if (f.zone != nullptr) q->zone = f.zone;
  if (f.version_range != nullptr && f.version_range[0] != '\0') {
    auto range = registry::semver::Range::parse(f.version_range);
    if (!range.ok()) return fail(err, WKD_E_INVAL, "filter.version_range: " + range.message());
    q->version = std::move(range).value();
  }
  return WKD_OK;
}

}  // namespace wkd::capi

namespace {

// fill_instance casts: the C values equal the registry's.
static_assert(WKD_INSTANCE_STARTING == static_cast<int>(registry::InstanceStatus::starting) &&
              WKD_INSTANCE_HEALTHY == static_cast<int>(registry::InstanceStatus::healthy) &&
              WKD_INSTANCE_UNHEALTHY == static_cast<int>(registry::InstanceStatus::unhealthy) &&
              WKD_INSTANCE_DRAINING == static_cast<int>(registry::InstanceStatus::draining) &&
              WKD_INSTANCE_DOWN == static_cast<int>(registry::InstanceStatus::down) &&
              WKD_INSTANCE_DEREGISTERED == static_cast<int>(registry::InstanceStatus::deregistered));
static_assert(WKD_CHECK_PASSING == static_cast<int>(registry::CheckState::passing) &&
              WKD_CHECK_WARNING == static_cast<int>(registry::CheckState::warning) &&
              WKD_CHECK_CRITICAL == static_cast<int>(registry::CheckState::critical));
static_assert(WKD_MEMBER_ALIVE == static_cast<int>(runtime::MemberState::alive) &&
              WKD_MEMBER_SUSPECT == static_cast<int>(runtime::MemberState::suspect) &&
              WKD_MEMBER_FAILED == static_cast<int>(runtime::MemberState::failed) &&
              WKD_MEMBER_LEFT == static_cast<int>(runtime::MemberState::left) &&
              WKD_MEMBER_LEAVING == static_cast<int>(runtime::MemberState::leaving));

bool live(const wkd_instances_t* s) { return s != nullptr && s->tag == kLiveTag; }
bool live(const wkd_service_names_t* s) { return s != nullptr && s->tag == kLiveTag; }

}  // namespace

extern "C" {

WKD_API wkd_status wkd_node_instances(wkd_instances_t** out, wkd_node_t* node, const char* service_name,
                                      const wkd_instance_filter* filter, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    auto snap = std::make_unique<wkd_instances>();
    if (wkd_status st = current_view(&snap->view, node, err); st != WKD_OK) return st;
    wkd_instance_filter f = WKD_INSTANCE_FILTER_INIT;
    if (filter != nullptr) {
      if (filter->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "filter struct_size is too small");
      f = read_sized(filter, f);
    }
    registry::Query q;
    if (wkd_status st = to_query(f, &q, err); st != WKD_OK) return st;
    if (service_name != nullptr) q.service = service_name;
    for (runtime::InstanceRecord& rec : services_of(snap->view).select(q)) {
      snap->items.push_back(instance_item(std::move(rec)));
    }
    *out = snap.release();
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_instance(wkd_instances_t** out, wkd_node_t* node, const char* service_name,
                                     const char* instance_id, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    auto snap = std::make_unique<wkd_instances>();
    if (wkd_status st = current_view(&snap->view, node, err); st != WKD_OK) return st;
    if (service_name == nullptr) return fail(err, WKD_E_INVAL, "service_name is NULL");
    if (instance_id == nullptr) return fail(err, WKD_E_INVAL, "instance_id is NULL");
    const runtime::InstanceRecord* rec = services_of(snap->view).find(registry::InstanceKey{service_name, instance_id});
    if (rec == nullptr) {
      return fail(err, WKD_E_NOTFOUND,
                  std::string("no instance ") + service_name + "/" + instance_id + " in this node's registry");
    }
    snap->items.push_back(instance_item(*rec));
    *out = snap.release();
    return WKD_OK;
  });
}

WKD_API size_t wkd_instances_count(const wkd_instances_t* instances) {
  return live(instances) ? instances->items.size() : 0;
}

WKD_API wkd_status wkd_instances_at(wkd_instance_info* out, const wkd_instances_t* instances, size_t index,
                                    wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (!live(instances)) return fail(err, WKD_E_INVAL, "instances is not a snapshot");
    if (index >= instances->items.size()) {
      return fail(err, WKD_E_INVAL,
                  "index " + std::to_string(index) + " out of range (" + std::to_string(instances->items.size()) +
                      " instances)");
    }
    fill_instance(out, instances->items[index], instances->view.get());
    return WKD_OK;
  });
}

WKD_API uint64_t wkd_instances_version(const wkd_instances_t* instances) {
  return live(instances) && instances->view ? instances->view->version : 0;
}

WKD_API void wkd_instances_free(wkd_instances_t* instances) {
  if (!live(instances)) return;
  instances->tag = kDeadTag;
  delete instances;
}

WKD_API wkd_status wkd_node_service_names(wkd_service_names_t** out, wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = current_view(&view, node, err); st != WKD_OK) return st;
    auto snap = std::make_unique<wkd_service_names>();
    snap->version = view ? view->version : 0;
    snap->names = services_of(view).services();
    *out = snap.release();
    return WKD_OK;
  });
}

WKD_API size_t wkd_service_names_count(const wkd_service_names_t* names) {
  return live(names) ? names->names.size() : 0;
}

WKD_API const char* wkd_service_names_at(const wkd_service_names_t* names, size_t index) {
  if (!live(names) || index >= names->names.size()) return nullptr;
  return names->names[index].c_str();
}

WKD_API uint64_t wkd_service_names_version(const wkd_service_names_t* names) {
  return live(names) ? names->version : 0;
}

WKD_API void wkd_service_names_free(wkd_service_names_t* names) {
  if (!live(names)) return;
  names->tag = kDeadTag;
  delete names;
}

WKD_API wkd_status wkd_node_instance_counts(wkd_instance_counts* out, wkd_node_t* node, const char* service_name,
                                            wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    std::shared_ptr<const runtime::View> view;
    if (wkd_status st = current_view(&view, node, err); st != WKD_OK) return st;
    wkd_instance_counts full = WKD_INSTANCE_COUNTS_INIT;
    full.version = view ? view->version : 0;
    const bool all = service_name == nullptr || service_name[0] == '\0';
    for (const auto& [key, rec] : services_of(view).instances) {
      if (!all && key.service != service_name) continue;
      switch (rec->status) {
        case registry::InstanceStatus::starting: ++full.starting; break;
        case registry::InstanceStatus::healthy: ++full.healthy; break;
        case registry::InstanceStatus::unhealthy: ++full.unhealthy; break;
        case registry::InstanceStatus::draining: ++full.draining; break;
        case registry::InstanceStatus::down: ++full.down; break;
        case registry::InstanceStatus::deregistered: ++full.deregistered; break;
      }
      if (rec->status != registry::InstanceStatus::deregistered) ++full.total;
    }
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API const char* wkd_instance_status_name(wkd_instance_status status) {
  switch (raw_enum(status)) {
#define WKD_CAPI_STATUS_NAME_(name, value, text) \
  case WKD_INSTANCE_##name:                      \
    return text;
    WKD_INSTANCE_STATUS_MAP(WKD_CAPI_STATUS_NAME_)
#undef WKD_CAPI_STATUS_NAME_
  }
  return "UNKNOWN";
}

WKD_API const char* wkd_check_state_name(wkd_check_state state) {
  switch (raw_enum(state)) {
#define WKD_CAPI_CHECK_NAME_(name, value, text) \
  case WKD_CHECK_##name:                        \
    return text;
    WKD_CHECK_STATE_MAP(WKD_CAPI_CHECK_NAME_)
#undef WKD_CAPI_CHECK_NAME_
  }
  return "unknown";
}

}  // extern "C"
