// wkd/node.h and wkd/sys/uv.h: node lifecycle, identity, events, stats.
#include <cstring>

#include "capi/handles.hpp"
#include "capi/options.hpp"
#include "wkd/node.h"
#include "wkd/registration.h"
#include "wkd/sys/uv.h"

using namespace wkd;
using namespace wkd::capi;

namespace {

// How long wkd_node_free waits for the leave of a node with
// self-registered instances.
constexpr Duration kFarewellTimeout = std::chrono::seconds(2);

wkd_status create_node(wkd_node_t** out, uv_loop_s* loop, const wkd_config_t* cfg, wkd_error* err) {
  if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
  *out = nullptr;
  if (cfg == nullptr || cfg->tag != kConfigTag) return fail(err, WKD_E_INVAL, "cfg is not a configuration");
  auto opts = to_node_options(*cfg);
  if (!opts.ok()) return fail_with(err, opts.failure());
  auto node = runtime::Node::create(std::move(opts).value(), loop);
  if (!node.ok()) return fail_with(err, node.failure());
  auto* h = new wkd_node;
  h->impl = std::move(node).value();
  *out = h;
  return WKD_OK;
}

Duration timeout_of(int32_t ms) { return ms < 0 ? Duration(-1) : Duration(milliseconds(ms)); }

std::vector<std::string> list_of(const char* const* items, size_t n) {
  std::vector<std::string> v;
  for (size_t i = 0; i < n; ++i) {
    if (items[i] != nullptr) v.emplace_back(items[i]);
  }
  return v;
}

}  // namespace

extern "C" {

WKD_API wkd_status wkd_node_create(wkd_node_t** out, const wkd_config_t* cfg, wkd_error* err) {
  return guard(err, [&] { return create_node(out, nullptr, cfg, err); });
}

WKD_API wkd_status wkd_node_create_on_loop(wkd_node_t** out, struct uv_loop_s* loop, const wkd_config_t* cfg,
                                           wkd_error* err) {
  return guard(err, [&] {
    if (loop == nullptr) return fail(err, WKD_E_INVAL, "loop is NULL");
    return create_node(out, loop, cfg, err);
  });
}

WKD_API wkd_status wkd_node_start(wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    auto st = n->start();
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_join(int* joined_out, wkd_node_t* node, const char* const* seeds, size_t n_seeds,
                                 int32_t timeout_ms, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (joined_out != nullptr) *joined_out = 0;
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (seeds == nullptr || n_seeds == 0) return fail(err, WKD_E_INVAL, "no seeds given");
    int joined = 0;
    auto st = n->join(list_of(seeds, n_seeds), timeout_of(timeout_ms), &joined);
    if (!st.ok()) return fail_with(err, st.failure());
    if (joined_out != nullptr) *joined_out = joined;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_leave(wkd_node_t* node, int32_t timeout_ms, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    auto st = n->leave(timeout_of(timeout_ms));
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API void wkd_node_close(wkd_node_t* node) {
  try {
    if (runtime::Node* n = node_of(node)) n->close();
  } catch (...) {
  }
}

WKD_API void wkd_node_free(wkd_node_t* node) {
  if (node == nullptr || node->tag != kLiveTag) return;
  try {
    if (node->impl) {
      node->impl->farewell(kFarewellTimeout);
      node->impl->close();
    }
  } catch (...) {
  }
  node->tag = kDeadTag;
  delete node;
}

WKD_API const char* wkd_node_name(const wkd_node_t* node) {
  const runtime::Node* n = node_of(node);
  return n == nullptr ? "" : n->name().c_str();
}

WKD_API wkd_status wkd_node_local_addr(char* buf, size_t buf_size, uint16_t* port_out, const wkd_node_t* node,
                                       wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    const runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (!n->started()) return fail(err, WKD_E_STATE, "node is not started");
    const Address a = n->local_address();
    const std::string s = a.to_string();
    if (buf == nullptr || buf_size < s.size() + 1) return fail(err, WKD_E_INVAL, "buffer too small for " + s);
    std::memcpy(buf, s.c_str(), s.size() + 1);
    if (port_out != nullptr) *port_out = a.port;
    return WKD_OK;
  });
}

WKD_API void wkd_registration_init(wkd_registration* reg, size_t struct_size);

WKD_API wkd_status wkd_register(wkd_node_t* node, const wkd_registration* reg, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (reg == nullptr || reg->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "reg is NULL or too small");
    wkd_registration defaults;
    wkd_registration_init(&defaults, sizeof(defaults));
    const wkd_registration r = read_sized(reg, defaults);
    serf::Identity id = n->identity();
    id.database_type = r.database_type != nullptr ? r.database_type : "";
    id.wire_protocol = r.wire_protocol != nullptr ? r.wire_protocol : "";
    id.endpoint = r.endpoint != nullptr ? r.endpoint : "";
    if (r.n_groups > 0 && r.groups == nullptr) return fail(err, WKD_E_INVAL, "groups is NULL with n_groups > 0");
    if (r.n_capabilities > 0 && r.capabilities == nullptr)
      return fail(err, WKD_E_INVAL, "capabilities is NULL with n_capabilities > 0");
    if (r.n_tags > 0 && r.tags == nullptr) return fail(err, WKD_E_INVAL, "tags is NULL with n_tags > 0");
    id.groups = list_of(r.groups, r.n_groups);
    id.capabilities = list_of(r.capabilities, r.n_capabilities);
    id.tags.clear();
    for (size_t i = 0; i < r.n_tags; ++i) {
      if (r.tags[i].key == nullptr || r.tags[i].value == nullptr)
        return fail(err, WKD_E_INVAL, "tag " + std::to_string(i) + " has a NULL key or value");
      id.tags[r.tags[i].key] = r.tags[i].value;
    }
    auto st = n->set_identity(std::move(id));
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_set_health(wkd_node_t* node, wkd_health health, const char* reason, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    serf::Health h;
    switch (raw_enum(health)) {
      case WKD_HEALTH_PASSING:
        h = serf::Health::passing;
        break;
      case WKD_HEALTH_WARNING:
        h = serf::Health::warning;
        break;
      case WKD_HEALTH_CRITICAL:
        h = serf::Health::critical;
        break;
      default:
        return fail(err, WKD_E_INVAL, "health must be PASSING, WARNING or CRITICAL");
    }
    auto st = n->set_health(h, reason != nullptr ? reason : "");
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_fire_event(wkd_node_t* node, const char* name, const uint8_t* payload, size_t len,
                                       bool coalesce, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (name == nullptr || name[0] == '\0') return fail(err, WKD_E_INVAL, "event name is empty");
    if (len > 0 && payload == nullptr) return fail(err, WKD_E_INVAL, "payload is NULL with len > 0");
    auto st = n->fire_event(name, ByteView(payload, len), coalesce);
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_stats(wkd_stats* out, const wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    const runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (out == nullptr || out->struct_size < offsetof(wkd_stats, packets_out))
      return fail(err, WKD_E_INVAL, "out is NULL or its struct_size is too small");
    const runtime::NodeStats s = n->stats();
    wkd_stats full{};
    full.struct_size = sizeof(full);
#define WKD_CAPI_STAT_COPY_(type, name, kind, help) full.name = s.name;
    WKD_STATS_MAP(WKD_CAPI_STAT_COPY_)
#undef WKD_CAPI_STAT_COPY_
    copy_sized(out, full);
    return WKD_OK;
  });
}

}  // extern "C"
