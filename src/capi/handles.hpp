// What the opaque C handles are.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capi/guard.hpp"
#include "runtime/aggregates.hpp"
#include "runtime/node.hpp"
#include "runtime/services.hpp"
#include "wkd/aggregate.h"
#include "wkd/dependency.h"
#include "wkd/instance.h"
#include "wkd/member.h"
#include "wkd/watch.h"

struct wkd_node {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::shared_ptr<wkd::runtime::Node> impl;
};

// A snapshot plus the C arrays (wkd_kv) its members hand out.
struct wkd_members {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::shared_ptr<const wkd::runtime::View> view;
  std::vector<const wkd::runtime::ViewEntry*> items;
  std::vector<std::vector<wkd_kv>> kvs;  // per item
};

namespace wkd::capi {

// One instance record with the C arrays and texts it hands out.
struct InstanceItem {
  runtime::InstanceRecord rec;
  std::string uuid;
  std::vector<const char*> tags;
  std::vector<wkd_kv> metadata;
};

}  // namespace wkd::capi

// A registry snapshot: the View it was read from (its version, and the
// owners' membership) and the instances taken.
struct wkd_instances {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::shared_ptr<const wkd::runtime::View> view;
  std::vector<wkd::capi::InstanceItem> items;
};

// A selection: the node's selector holds its lease until released; the
// instance as the chosen view had it, with the C arrays it hands out.
struct wkd_lease {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::shared_ptr<wkd::runtime::Node> node;
  wkd::registry::Lease lease;
  wkd::capi::InstanceItem item;
  std::shared_ptr<const wkd::runtime::View> view;
};

struct wkd_service_names {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::uint64_t version = 0;
  std::vector<std::string> names;
};

struct wkd_service_summaries {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::uint64_t version = 0;
  std::vector<wkd::runtime::ServiceSummary> items;
};

// Dependencies judged from one View, with the texts they hand out.
struct wkd_dependencies {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::uint64_t version = 0;
  std::vector<wkd::runtime::DependencyHealth> items;
  std::vector<std::string> uuids;  // per item
};

struct wkd_dependency_graph {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::uint64_t version = 0;
  wkd::runtime::DependencyGraph graph;
};

struct wkd_event {
  std::uint32_t tag = wkd::capi::kLiveTag;
  wkd::runtime::EventPtr ev;
  std::vector<wkd_kv> kvs;  // the member's tags as wkd_kv
  // Instance events: the records' C arrays, and the node's View when the
  // event was handed out (the owner's membership).
  std::optional<wkd::capi::InstanceItem> instance, previous;
  std::shared_ptr<const wkd::runtime::View> view;
};

struct wkd_watch_handle {
  std::uint32_t tag = wkd::capi::kLiveTag;
  std::shared_ptr<wkd::runtime::Node> node;
  std::shared_ptr<wkd::runtime::Watch> watch;
};

namespace wkd::capi {

inline runtime::Node* node_of(wkd_node_t* n) {
  return n != nullptr && n->tag == kLiveTag && n->impl ? n->impl.get() : nullptr;
}
inline const runtime::Node* node_of(const wkd_node_t* n) {
  return n != nullptr && n->tag == kLiveTag && n->impl ? n->impl.get() : nullptr;
}

std::vector<wkd_kv> kv_array(const runtime::MemberView& m);
void fill_member(wkd_member_info* out, const runtime::MemberView& m, std::int64_t last_seen_unix_ms,
                 const std::vector<wkd_kv>& kvs);

// The node's View (never null for a live node once created) or a refusal
// (WKD_E_INVAL for a handle that is not a live node, WKD_E_CLOSED).
wkd_status current_view(std::shared_ptr<const runtime::View>* out, wkd_node_t* node, wkd_error* err);
// current_view for a call about one service, whose name is checked too
// (WKD_E_INVAL when NULL or empty).
wkd_status service_view(std::shared_ptr<const runtime::View>* out, wkd_node_t* node, const char* service_name,
                        wkd_error* err);
// The registry part of a View; an empty one when it has none.
const runtime::ServicesView& services_of(const std::shared_ptr<const runtime::View>& view);

InstanceItem instance_item(runtime::InstanceRecord rec);
// The registry query a filter asks for; WKD_OK or a refusal naming the
// field ("filter.tags[1]: NULL").
wkd_status to_query(const wkd_instance_filter& f, registry::Query* q, wkd_error* err);
// `view` (nullable) gives the owner's membership.
void fill_instance(wkd_instance_info* out, const InstanceItem& item, const runtime::View* view);

}  // namespace wkd::capi
