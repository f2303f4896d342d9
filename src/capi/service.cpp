// wkd/service.h: registering (with their health checks), draining and
// deregistering service instances, and their TTL reports.
//
// The fields are checked here, with the registry's own rules, so that a
// refusal names the field as wkd_service spells it ("instance_id: ...");
// the registry checks them again (by its REST names) and refuses what
// only it can judge, such as another node's ownership.
#include <cstring>

#include "capi/check_spec.hpp"
#include "capi/handles.hpp"
#include "registry/names.hpp"
#include "wkd/service.h"

using namespace wkd;
using namespace wkd::capi;

namespace {

std::string text(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

wkd_status refuse(wkd_error* err, const registry::Status& st) {
  return fail(err, st.code() == registry::Err::too_large ? WKD_E_TOOBIG : WKD_E_INVAL, st.message());
}

// The registrant's fields of `s` as a registry record, checked in the
// order of wkd_service; WKD_OK or the first refusal.
wkd_status to_instance(const wkd_service& s, registry::Instance* in, wkd_error* err) {
  in->service = text(s.service_name);
  in->id = text(s.instance_id);
  in->host = text(s.host);
  in->port = s.port;
  in->protocol = s.protocol != nullptr && s.protocol[0] != '\0' ? std::string(s.protocol) : std::string("http");
  in->version = text(s.version);
  if (s.n_tags > 0 && s.tags == nullptr) return fail(err, WKD_E_INVAL, "tags: NULL with n_tags > 0");
  for (size_t i = 0; i < s.n_tags; ++i) {
    if (s.tags[i] == nullptr) return fail(err, WKD_E_INVAL, "tags[" + std::to_string(i) + "]: NULL");
    in->tags.insert(s.tags[i]);
  }
  if (s.n_metadata > 0 && s.metadata == nullptr) return fail(err, WKD_E_INVAL, "metadata: NULL with n_metadata > 0");
  for (size_t i = 0; i < s.n_metadata; ++i) {
    const wkd_kv& kv = s.metadata[i];
    const std::string at = "metadata[" + std::to_string(i) + "]";
    if (kv.key == nullptr) return fail(err, WKD_E_INVAL, at + ".key: NULL");
    if (kv.value == nullptr) return fail(err, WKD_E_INVAL, at + ".value: NULL");
    if (!in->metadata.emplace(kv.key, kv.value).second)
      return fail(err, WKD_E_INVAL, at + ".key: '" + kv.key + "' is given twice");
  }
  in->weight = s.weight;
  in->region = text(s.region);
  in->zone = text(s.zone);
  in->health_check_url = text(s.health_check_url);
  in->metrics_url = text(s.metrics_url);
  const registry::Status checks[] = {
      registry::check_service_name("service_name", in->service),
      registry::check_instance_id("instance_id", in->id),
      registry::check_host("host", in->host),
      registry::check_port("port", in->port),
      registry::check_protocol("protocol", in->protocol),
      registry::check_version("version", in->version),
      registry::check_tags("tags", in->tags),
      registry::check_metadata("metadata", in->metadata),
      registry::check_weight("weight", in->weight),
      registry::check_label("region", in->region),
      registry::check_label("zone", in->zone),
      registry::check_url("health_check_url", in->health_check_url),
      registry::check_url("metrics_url", in->metrics_url),
  };
  for (const registry::Status& st : checks) {
    if (!st.ok()) return refuse(err, st);
  }
  if (s.ttl_ms < 0) return fail(err, WKD_E_INVAL, "ttl_ms: " + std::to_string(s.ttl_ms) + " is negative");
  return WKD_OK;
}

// The node and the key of a call about one instance; WKD_OK or a refusal.
wkd_status key_of(runtime::Node** n, registry::InstanceKey* key, wkd_node_t* node, const char* service_name,
                  const char* instance_id, wkd_error* err) {
  *n = node_of(node);
  if (*n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
  if (service_name == nullptr) return fail(err, WKD_E_INVAL, "service_name is NULL");
  if (instance_id == nullptr) return fail(err, WKD_E_INVAL, "instance_id is NULL");
  key->service = service_name;
  key->id = instance_id;
  return WKD_OK;
}

template <class Call>
wkd_status on_instance(wkd_node_t* node, const char* service_name, const char* instance_id, wkd_error* err,
                       Call&& call) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = nullptr;
    registry::InstanceKey key;
    if (wkd_status st = key_of(&n, &key, node, service_name, instance_id, err); st != WKD_OK) return st;
    auto res = call(*n, key);
    if (!res.ok()) return fail_with(err, res.failure());
    return WKD_OK;
  });
}

// Reads a caller's wkd_service and its checks; WKD_OK or the first refusal.
wkd_status read_service(const wkd_service* svc, registry::Instance* in, Duration* ttl,
                        std::vector<health::CheckSpec>* checks, wkd_error* err) {
  if (svc == nullptr || svc->struct_size < sizeof(uint32_t))
    return fail(err, WKD_E_INVAL, "svc is NULL or its struct_size is too small");
  const wkd_service defaults = WKD_SERVICE_INIT;
  const wkd_service s = read_sized(svc, defaults);
  if (wkd_status st = to_instance(s, in, err); st != WKD_OK) return st;
  if (wkd_status st = read_checks(s.checks, s.n_checks, checks, err); st != WKD_OK) return st;
  *ttl = milliseconds(s.ttl_ms);
  return WKD_OK;
}

// A registration through `how` (Node::register_service or self_register).
using RegisterCall = runtime::Result<registry::Instance> (runtime::Node::*)(registry::Instance, Duration,
                                                                           std::vector<health::CheckSpec>);
wkd_status register_with(wkd_node_t* node, const wkd_service* svc, wkd_error* err, RegisterCall how) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    registry::Instance in;
    Duration ttl{};
    std::vector<health::CheckSpec> checks;
    if (wkd_status st = read_service(svc, &in, &ttl, &checks, err); st != WKD_OK) return st;
    auto res = (n->*how)(std::move(in), ttl, std::move(checks));
    if (!res.ok()) return fail_with(err, res.failure());
    return WKD_OK;
  });
}

}  // namespace

extern "C" {

WKD_API void wkd_service_init(wkd_service* svc, size_t struct_size) {
  if (svc == nullptr) return;
  const size_t n = struct_size < sizeof(wkd_service) ? struct_size : sizeof(wkd_service);
  if (n < sizeof(svc->struct_size)) return;
  const wkd_service defaults = WKD_SERVICE_INIT;
  std::memcpy(static_cast<void*>(svc), &defaults, n);
  svc->struct_size = static_cast<uint32_t>(n);
}

WKD_API wkd_status wkd_service_register(wkd_node_t* node, const wkd_service* svc, wkd_error* err) {
  return register_with(node, svc, err, &runtime::Node::register_service);
}

WKD_API wkd_status wkd_service_self_register(wkd_node_t* node, const wkd_service* svc, wkd_error* err) {
  return register_with(node, svc, err, &runtime::Node::self_register);
}

WKD_API wkd_status wkd_service_deregister(wkd_node_t* node, const char* service_name, const char* instance_id,
                                          wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = nullptr;
    registry::InstanceKey key;
    if (wkd_status st = key_of(&n, &key, node, service_name, instance_id, err); st != WKD_OK) return st;
    // A self-registration is forgotten; before start it never ran.
    if (n->forget_self(key) && !n->started()) return WKD_OK;
    auto res = n->deregister_instance(key);
    if (!res.ok()) return fail_with(err, res.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_service_drain(wkd_node_t* node, const char* service_name, const char* instance_id,
                                     wkd_error* err) {
  return on_instance(node, service_name, instance_id, err,
                     [](runtime::Node& n, const registry::InstanceKey& key) { return n.drain_instance(key); });
}

WKD_API wkd_status wkd_service_ttl_update(wkd_node_t* node, const char* service_name, const char* instance_id,
                                          wkd_check_state state, const char* note, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    registry::CheckState check;
    switch (raw_enum(state)) {
      case WKD_CHECK_PASSING:
        check = registry::CheckState::passing;
        break;
      case WKD_CHECK_WARNING:
        check = registry::CheckState::warning;
        break;
      case WKD_CHECK_CRITICAL:
        check = registry::CheckState::critical;
        break;
      default:
        return fail(err, WKD_E_INVAL, "state: " + std::to_string(raw_enum(state)) + " is not a wkd_check_state");
    }
    return on_instance(node, service_name, instance_id, err,
                       [check, note](runtime::Node& n, const registry::InstanceKey& key) {
                         return n.update_ttl(key, check, text(note));
                       });
  });
}

WKD_API wkd_status wkd_service_force_deregister(wkd_node_t* node, const char* service_name,
                                                const char* instance_id, wkd_error* err) {
  return on_instance(node, service_name, instance_id, err, [](runtime::Node& n, const registry::InstanceKey& key) {
    return n.force_deregister_instance(key);
  });
}

}  // extern "C"
