// wkd/member.h: member snapshots.
#include "capi/handles.hpp"
#include "wkd/member.h"

using namespace wkd;
using namespace wkd::capi;

namespace wkd::capi {

std::vector<wkd_kv> kv_array(const runtime::MemberView& m) {
  std::vector<wkd_kv> v;
  v.reserve(m.tags.size());
  for (const auto& [k, val] : m.tags) v.push_back(wkd_kv{k.data(), val.data()});  // NUL-terminated
  return v;
}

// A record's identity strings view whole tag values (NUL-terminated) or
// are empty.
static const char* c_string(std::string_view s) { return s.empty() ? "" : s.data(); }

void fill_member(wkd_member_info* out, const runtime::MemberView& m, std::int64_t last_seen_unix_ms,
                 const std::vector<wkd_kv>& kvs) {
  wkd_member_info full{};
  full.struct_size = sizeof(full);
  full.name = m.name.c_str();
  full.address = m.address.data();  // NUL-terminated
  full.port = m.addr.port;
  full.state = static_cast<wkd_member_state>(m.state);
  full.incarnation = m.incarnation;
  full.tags = kvs.data();
  full.n_tags = kvs.size();
  full.groups = m.c_groups();
  full.n_groups = m.n_groups();
  full.database_type = c_string(m.database_type);
  full.wire_protocol = c_string(m.wire_protocol);
  full.endpoint = c_string(m.endpoint);
  full.capabilities = m.c_caps();
  full.n_capabilities = m.n_caps();
  switch (m.health) {
    case serf::Health::passing:
      full.health = WKD_HEALTH_PASSING;
      break;
    case serf::Health::warning:
      full.health = WKD_HEALTH_WARNING;
      break;
    case serf::Health::critical:
      full.health = WKD_HEALTH_CRITICAL;
      break;
    default:
      full.health = WKD_HEALTH_UNKNOWN;
      break;
  }
  full.last_seen_unix_ms = last_seen_unix_ms;
  full.wkd_version = c_string(m.wkd_version);
  full.protocol_min = m.vsn.pmin;
  full.protocol_max = m.vsn.pmax;
  full.protocol_cur = m.vsn.pcur;
  full.delegate_min = m.vsn.dmin;
  full.delegate_max = m.vsn.dmax;
  full.delegate_cur = m.vsn.dcur;
  copy_sized(out, full);
}

}  // namespace wkd::capi

namespace {

bool matches(const runtime::MemberView& m, const wkd_member_filter& f) {
  if (f.states != 0 && (f.states & (1u << static_cast<unsigned>(m.state))) == 0) return false;
  if (f.group != nullptr && f.group[0] != '\0' && !m.in_group(f.group)) return false;
  if (f.database_type != nullptr && f.database_type[0] != '\0' && m.database_type != f.database_type)
    return false;
  if (f.wire_protocol != nullptr && f.wire_protocol[0] != '\0' && m.wire_protocol != f.wire_protocol)
    return false;
  if (f.tag_key != nullptr && f.tag_key[0] != '\0') {
    if (!m.has_tag(f.tag_key)) return false;
    if (f.tag_value != nullptr && m.tag(f.tag_key) != f.tag_value) return false;
  }
  return true;
}

}  // namespace

extern "C" {

WKD_API wkd_status wkd_node_members(wkd_members_t** out, wkd_node_t* node, const wkd_member_filter* filter,
                                    wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (n->closed()) return fail(err, WKD_E_CLOSED, "node is closed");
    wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
    if (filter != nullptr) {
      if (filter->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "filter struct_size is too small");
      f = read_sized(filter, f);
    }
    auto snap = std::make_unique<wkd_members>();
    snap->view = n->view();
    if (snap->view) {
      for (const runtime::ViewEntry& e : snap->view->members) {
        if (!matches(*e.member, f)) continue;
        snap->items.push_back(&e);
        snap->kvs.push_back(kv_array(*e.member));
      }
    }
    *out = snap.release();
    return WKD_OK;
  });
}

WKD_API size_t wkd_members_count(const wkd_members_t* members) {
  return members == nullptr || members->tag != kLiveTag ? 0 : members->items.size();
}

WKD_API wkd_status wkd_members_at(wkd_member_info* out, const wkd_members_t* members, size_t index, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (members == nullptr || members->tag != kLiveTag) return fail(err, WKD_E_INVAL, "members is not a snapshot");
    if (index >= members->items.size()) {
      return fail(err, WKD_E_INVAL,
                  "index " + std::to_string(index) + " out of range (" + std::to_string(members->items.size()) + " members)");
    }
    const runtime::ViewEntry& e = *members->items[index];
    fill_member(out, *e.member, e.last_seen_unix_ms(), members->kvs[index]);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_members_find(wkd_member_info* out, const wkd_members_t* members, const char* name,
                                    wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (members == nullptr || members->tag != kLiveTag) return fail(err, WKD_E_INVAL, "members is not a snapshot");
    if (name == nullptr) return fail(err, WKD_E_INVAL, "name is NULL");
    for (size_t i = 0; i < members->items.size(); ++i) {
      const runtime::ViewEntry& e = *members->items[i];
      if (e.member->name == name) {
        fill_member(out, *e.member, e.last_seen_unix_ms(), members->kvs[i]);
        return WKD_OK;
      }
    }
    return fail(err, WKD_E_NOTFOUND, std::string("no member named '") + name + "' in the snapshot");
  });
}

WKD_API void wkd_members_free(wkd_members_t* members) {
  if (members == nullptr || members->tag != kLiveTag) return;
  members->tag = kDeadTag;
  delete members;
}

WKD_API uint64_t wkd_members_version(const wkd_members_t* members) {
  if (members == nullptr || members->tag != kLiveTag || !members->view) return 0;
  return members->view->version;
}

WKD_API const char* wkd_member_state_name(wkd_member_state state) {
  switch (wkd::capi::raw_enum(state)) {
#define WKD_CAPI_STATE_NAME_(name, value, text) \
  case WKD_MEMBER_##name:                       \
    return text;
    WKD_MEMBER_STATE_MAP(WKD_CAPI_STATE_NAME_)
#undef WKD_CAPI_STATE_NAME_
  }
  return "unknown";
}

WKD_API const char* wkd_health_name(wkd_health health) {
  switch (wkd::capi::raw_enum(health)) {
#define WKD_CAPI_HEALTH_NAME_(name, value, text) \
  case WKD_HEALTH_##name:                        \
    return text;
    WKD_HEALTH_MAP(WKD_CAPI_HEALTH_NAME_)
#undef WKD_CAPI_HEALTH_NAME_
  }
  return "unknown";
}

}  // extern "C"
