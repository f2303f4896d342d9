// wkd/watch.h: watches and events.
#include "capi/handles.hpp"
#include "wkd/watch.h"

using namespace wkd;
using namespace wkd::capi;

namespace {

static_assert(WKD_EVENT_OVERFLOW == static_cast<int>(runtime::EventType::overflow) &&
                  WKD_EVENT_INSTANCE_REGISTERED == static_cast<int>(runtime::EventType::instance_registered) &&
                  WKD_EVENT_INSTANCE_UPDATED == static_cast<int>(runtime::EventType::instance_updated) &&
                  WKD_EVENT_INSTANCE_STATUS == static_cast<int>(runtime::EventType::instance_status) &&
                  WKD_EVENT_INSTANCE_DEREGISTERED == static_cast<int>(runtime::EventType::instance_deregistered) &&
                  WKD_EVENT_INSTANCE_REMOVED == static_cast<int>(runtime::EventType::instance_removed) &&
                  WKD_EVENT_INSTANCE_MOVED == static_cast<int>(runtime::EventType::instance_moved),
              "wkd_event_type and runtime::EventType have the same values");

// What a C event hands out besides the runtime event: the member's tags,
// or the instance records' arrays and the node's current View.
void attach(wkd_event& e, const runtime::Event& ev, const runtime::Node& node) {
  if (ev.member != nullptr) e.kvs = kv_array(*ev.member);
  if (ev.instance != nullptr) {
    e.instance = instance_item(ev.instance);
    if (ev.previous_instance != nullptr) e.previous = instance_item(ev.previous_instance);
    e.view = node.view();
  }
}

wkd_status instance_of(wkd_instance_info* out, const wkd_event_t* ev, bool previous, wkd_error* err) {
  if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
  if (ev == nullptr || ev->tag != kLiveTag || !ev->ev) return fail(err, WKD_E_INVAL, "ev is not an event");
  if (!ev->instance) return fail(err, WKD_E_STATE, "not an instance event");
  if (previous && !ev->previous) return fail(err, WKD_E_NOTFOUND, "the instance was new to this node");
  fill_instance(out, previous ? *ev->previous : *ev->instance, ev->view.get());
  return WKD_OK;
}

}  // namespace

extern "C" {

WKD_API wkd_status wkd_watch(wkd_watch_t** out, wkd_node_t* node, const wkd_watch_spec* spec, wkd_watch_cb cb,
                             void* user_data, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (spec == nullptr || spec->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "spec is NULL or too small");
    wkd_watch_spec s = WKD_WATCH_SPEC_INIT;
    s = read_sized(spec, s);
    runtime::WatchKind kind;
    // The raw value: a C caller may pass any int (raw_enum).
    switch (raw_enum(s.kind)) {
      case WKD_WATCH_MEMBERS:
        kind = runtime::WatchKind::members;
        break;
      case WKD_WATCH_GROUP:
        kind = runtime::WatchKind::group;
        if (s.name == nullptr || s.name[0] == '\0') return fail(err, WKD_E_INVAL, "a GROUP watch needs spec.name");
        break;
      case WKD_WATCH_SERVICE:
        kind = runtime::WatchKind::service;
        break;
      case WKD_WATCH_SERVICE_HEALTHY:
        kind = runtime::WatchKind::service_healthy;
        break;
      case WKD_WATCH_USER_EVENTS:
        kind = runtime::WatchKind::user_events;
        break;
      default:
        return fail(err, WKD_E_INVAL, "unknown watch kind " + std::to_string(raw_enum(s.kind)));
    }
    if ((s.flags & ~WKD_WATCH_INITIAL) != 0) return fail(err, WKD_E_INVAL, "unknown watch flags");
    runtime::Watch::Callback callback;
    if (cb != nullptr) {
      // The node outlives its watches' callbacks: they run on its loop.
      callback = [cb, user_data, n](const runtime::Event& ev) {
        // A borrowed event for the duration of the call.
        wkd_event e;
        e.ev = runtime::EventPtr(std::shared_ptr<const runtime::Event>(), &ev);
        attach(e, ev, *n);
        cb(&e, user_data);
        e.tag = kDeadTag;
      };
    }
    auto w = n->watch(kind, s.name != nullptr ? s.name : "", s.flags, s.queue_capacity, std::move(callback));
    if (!w.ok()) return fail_with(err, w.failure());
    auto* h = new wkd_watch_handle;
    h->node = node->impl;
    h->watch = std::move(w).value();
    *out = h;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_watch_next_event(wkd_event_t** out, wkd_watch_t* watch, int32_t timeout_ms, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    if (watch == nullptr || watch->tag != kLiveTag) return fail(err, WKD_E_INVAL, "watch is not a live watch handle");
    if (watch->watch->is_callback()) return fail(err, WKD_E_STATE, "a callback watch has no queue");
    if (timeout_ms != 0 && watch->node->on_loop_thread())
      return fail(err, WKD_E_LOOPTHREAD, "waiting for an event on the node's loop thread would deadlock");
    runtime::EventPtr ev;
    const Duration timeout = timeout_ms < 0 ? Duration(-1) : Duration(milliseconds(timeout_ms));
    switch (watch->watch->pull(&ev, timeout)) {
      case runtime::PullResult::timeout:
        return fail(err, WKD_E_TIMEOUT, "no event within " + std::to_string(timeout_ms) + " ms");
      case runtime::PullResult::cancelled:
        return fail(err, WKD_E_CANCELED, "the watch was cancelled or its node closed");
      case runtime::PullResult::event:
        break;
    }
    auto e = std::make_unique<wkd_event>();
    attach(*e, *ev, *watch->node);
    e->ev = std::move(ev);
    *out = e.release();
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_watch_fd(int* fd_out, wkd_watch_t* watch, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (fd_out == nullptr) return fail(err, WKD_E_INVAL, "fd_out is NULL");
    if (watch == nullptr || watch->tag != kLiveTag) return fail(err, WKD_E_INVAL, "watch is not a live watch handle");
    if (watch->watch->is_callback()) return fail(err, WKD_E_STATE, "a callback watch has no queue");
    *fd_out = watch->watch->fd();
    return WKD_OK;
  });
}

WKD_API void wkd_watch_cancel(wkd_watch_t* watch) {
  if (watch == nullptr || watch->tag != kLiveTag) return;
  try {
    watch->node->unwatch(watch->watch);
  } catch (...) {
  }
}

WKD_API void wkd_watch_free(wkd_watch_t* watch) {
  if (watch == nullptr || watch->tag != kLiveTag) return;
  wkd_watch_cancel(watch);
  watch->tag = kDeadTag;
  delete watch;
}

WKD_API wkd_event_type wkd_event_get_type(const wkd_event_t* ev) {
  if (ev == nullptr || ev->tag != kLiveTag || !ev->ev) return WKD_EVENT_OVERFLOW;
  return static_cast<wkd_event_type>(ev->ev->type);
}

WKD_API uint64_t wkd_event_version(const wkd_event_t* ev) {
  if (ev == nullptr || ev->tag != kLiveTag || !ev->ev) return 0;
  return ev->ev->version;
}

WKD_API wkd_status wkd_event_member(wkd_member_info* out, const wkd_event_t* ev, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    if (ev == nullptr || ev->tag != kLiveTag || !ev->ev) return fail(err, WKD_E_INVAL, "ev is not an event");
    if (ev->ev->member == nullptr) return fail(err, WKD_E_STATE, "not a member event");
    fill_member(out, *ev->ev->member, ev->ev->last_seen_unix_ms, ev->kvs);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_event_instance(wkd_instance_info* out, const wkd_event_t* ev, wkd_error* err) {
  return guard(err, [&] { return instance_of(out, ev, false, err); });
}

WKD_API wkd_status wkd_event_instance_previous(wkd_instance_info* out, const wkd_event_t* ev, wkd_error* err) {
  return guard(err, [&] { return instance_of(out, ev, true, err); });
}

WKD_API wkd_status wkd_event_user(const char** name_out, const uint8_t** payload_out, size_t* len_out,
                                  uint64_t* ltime_out, const wkd_event_t* ev, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (ev == nullptr || ev->tag != kLiveTag || !ev->ev) return fail(err, WKD_E_INVAL, "ev is not an event");
    if (ev->ev->type != runtime::EventType::user) return fail(err, WKD_E_STATE, "not a user event");
    if (name_out != nullptr) *name_out = ev->ev->name.c_str();
    if (payload_out != nullptr) *payload_out = ev->ev->payload.data();
    if (len_out != nullptr) *len_out = ev->ev->payload.size();
    if (ltime_out != nullptr) *ltime_out = ev->ev->ltime;
    return WKD_OK;
  });
}

WKD_API const char* wkd_event_type_name(wkd_event_type type) {
  switch (wkd::capi::raw_enum(type)) {
#define WKD_CAPI_EVENT_NAME_(name, value, text) \
  case WKD_EVENT_##name:                        \
    return text;
    WKD_EVENT_TYPE_MAP(WKD_CAPI_EVENT_NAME_)
#undef WKD_CAPI_EVENT_NAME_
  }
  return "unknown";
}

WKD_API void wkd_event_free(wkd_event_t* ev) {
  if (ev == nullptr || ev->tag != kLiveTag) return;
  ev->tag = kDeadTag;
  delete ev;
}

}  // extern "C"
