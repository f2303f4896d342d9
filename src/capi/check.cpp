// wkd/check.h: the health checks of a node's own instances, and the
// reading of their definitions for wkd_service_register.
#include <cstring>

#include "capi/check_spec.hpp"
#include "capi/handles.hpp"
#include "runtime/stack.hpp"

using namespace wkd;
using namespace wkd::capi;

namespace wkd::capi {

namespace {

std::string text(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

// By reference: the caller's field may hold any int, and loading it as
// the enum (a by-value parameter) is undefined for values outside it.
std::optional<health::CheckKind> kind_of(const wkd_check_kind& k) {
  switch (raw_enum(k)) {
    case WKD_CHECK_KIND_HTTP: return health::CheckKind::http;
    case WKD_CHECK_KIND_TCP: return health::CheckKind::tcp;
    case WKD_CHECK_KIND_GRPC: return health::CheckKind::grpc;
    case WKD_CHECK_KIND_TTL: return health::CheckKind::ttl;
    case WKD_CHECK_KIND_SCRIPT: return health::CheckKind::script;
    case WKD_CHECK_KIND_ALIAS: return health::CheckKind::alias;
    default: return std::nullopt;
  }
}

wkd_check_kind kind_to_c(health::CheckKind k) {
  switch (k) {
    case health::CheckKind::http: return WKD_CHECK_KIND_HTTP;
    case health::CheckKind::tcp: return WKD_CHECK_KIND_TCP;
    case health::CheckKind::grpc: return WKD_CHECK_KIND_GRPC;
    case health::CheckKind::ttl: return WKD_CHECK_KIND_TTL;
    case health::CheckKind::script: return WKD_CHECK_KIND_SCRIPT;
    case health::CheckKind::alias: return WKD_CHECK_KIND_ALIAS;
  }
  return WKD_CHECK_KIND_HTTP;
}

wkd_check_state state_to_c(registry::CheckState s) {
  switch (s) {
    case registry::CheckState::passing: return WKD_CHECK_PASSING;
    case registry::CheckState::warning: return WKD_CHECK_WARNING;
    case registry::CheckState::critical: return WKD_CHECK_CRITICAL;
  }
  return WKD_CHECK_CRITICAL;
}

// A duration field in milliseconds: negative values are refused here, the
// bounds by health::validate.
wkd_status millis(const std::string& field, std::int32_t ms, Duration* out, wkd_error* err) {
  if (ms < 0) return fail(err, WKD_E_INVAL, field + ": " + std::to_string(ms) + " is negative");
  *out = std::chrono::milliseconds(ms);
  return WKD_OK;
}

// Refusals start with `at` ("checks[1]." or "").
wkd_status read_check(const wkd_check& c, const std::string& at, health::CheckSpec* s, wkd_error* err) {
  s->id = text(c.id);
  const auto kind = kind_of(c.kind);
  if (!kind) return fail(err, WKD_E_INVAL, at + "kind: " + std::to_string(raw_enum(c.kind)) + " is not a wkd_check_kind");
  s->kind = *kind;
  s->target = text(c.target);
  if (wkd_status st = millis(at + "interval_ms", c.interval_ms, &s->interval, err); st != WKD_OK) return st;
  if (wkd_status st = millis(at + "timeout_ms", c.timeout_ms, &s->timeout, err); st != WKD_OK) return st;
  if (wkd_status st = millis(at + "ttl_ms", c.ttl_ms, &s->ttl, err); st != WKD_OK) return st;
  s->success_before_passing = c.success_before_passing;
  s->failures_before_warning = c.failures_before_warning;
  s->failures_before_critical = c.failures_before_critical;
  if (wkd_status st = millis(at + "deregister_critical_after_ms", c.deregister_critical_after_ms,
                             &s->deregister_critical_after, err);
      st != WKD_OK) {
    return st;
  }
  if (wkd_status st = millis(at + "start_grace_ms", c.start_grace_ms, &s->start_grace, err); st != WKD_OK) return st;
  if (c.method != nullptr && c.method[0] != '\0') s->method = c.method;
  if (c.n_headers > 0 && c.headers == nullptr) return fail(err, WKD_E_INVAL, at + "headers: NULL with n_headers > 0");
  for (std::size_t i = 0; i < c.n_headers; ++i) {
    const wkd_kv& kv = c.headers[i];
    const std::string h = at + "headers[" + std::to_string(i) + "]";
    if (kv.key == nullptr) return fail(err, WKD_E_INVAL, h + ".key: NULL");
    if (kv.value == nullptr) return fail(err, WKD_E_INVAL, h + ".value: NULL");
    s->headers.emplace_back(kv.key, kv.value);
  }
  s->body = text(c.body);
  s->tls_skip_verify = c.tls_skip_verify;
  s->grpc_service = text(c.grpc_service);
  return WKD_OK;
}

// A refusal of health::validate, its field spelt as wkd_check spells it
// ("interval: ..." -> "interval_ms: ...").
std::string c_spelling(const std::string& message) {
  static const char* const kMillis[] = {"interval", "timeout", "ttl", "deregister_critical_after", "start_grace"};
  for (const char* field : kMillis) {
    const std::string prefix = std::string(field) + ":";
    if (message.rfind(prefix, 0) == 0) return std::string(field) + "_ms" + message.substr(std::strlen(field));
  }
  return message;
}

wkd_status state_of(const wkd_check_state& state, registry::CheckState* out, wkd_error* err) {
  switch (raw_enum(state)) {
    case WKD_CHECK_PASSING: *out = registry::CheckState::passing; return WKD_OK;
    case WKD_CHECK_WARNING: *out = registry::CheckState::warning; return WKD_OK;
    case WKD_CHECK_CRITICAL: *out = registry::CheckState::critical; return WKD_OK;
    default: break;
  }
  return fail(err, WKD_E_INVAL, "state: " + std::to_string(raw_enum(state)) + " is not a wkd_check_state");
}

// A check's state as wkd_check_info says it, and its output copied.
void write_info(const health::CheckStatus& cs, wkd_check_info* out, char* output, std::size_t output_size) {
  wkd_check_info info = WKD_CHECK_INFO_INIT;
  info.kind = kind_to_c(cs.kind);
  info.reported = cs.reported.has_value();
  if (cs.reported) info.state = state_to_c(*cs.reported);
  info.last_result = state_to_c(cs.last.state);
  if (cs.last_result != TimePoint{}) {
    const registry::Now now = runtime::registry_now();
    info.last_result_unix_ms = now.wall_ms - to_ms(now.mono - cs.last_result);
  }
  info.successes = cs.successes;
  info.failures = cs.failures;
  info.running = cs.running;
  info.output_len = cs.last.output.size();
  copy_sized(out, info);
  if (output_size > 0) {
    const std::size_t n_copy = std::min(output_size - 1, cs.last.output.size());
    std::memcpy(output, cs.last.output.data(), n_copy);
    output[n_copy] = '\0';
  }
}

// Reads a check and judges it; refusals start with `at` ("checks[1].").
wkd_status read_valid(const wkd_check& c, const std::string& at, health::CheckSpec* spec, wkd_error* err) {
  if (wkd_status st = read_check(c, at, spec, err); st != WKD_OK) return st;
  if (auto st = health::validate(*spec); !st) {
    return fail(err, st.code() == registry::Err::too_large ? WKD_E_TOOBIG : WKD_E_INVAL, at + c_spelling(st.message()));
  }
  return WKD_OK;
}

}  // namespace

wkd_status read_checks(const wkd_check* checks, std::size_t n, std::vector<health::CheckSpec>* out, wkd_error* err) {
  out->clear();
  if (n == 0) return WKD_OK;
  if (checks == nullptr) return fail(err, WKD_E_INVAL, "checks: NULL with n_checks > 0");
  if (n > kMaxChecks) {
    return fail(err, WKD_E_TOOBIG, "n_checks: " + std::to_string(n) + " is over the limit of " +
                                       std::to_string(kMaxChecks) + " checks per instance");
  }
  const std::uint32_t stride = checks[0].struct_size;
  if (stride < sizeof(std::uint32_t)) return fail(err, WKD_E_INVAL, "checks[0].struct_size: too small");
  const wkd_check defaults = WKD_CHECK_INIT;
  const auto* base = reinterpret_cast<const unsigned char*>(checks);
  for (std::size_t i = 0; i < n; ++i) {
    const auto* c = reinterpret_cast<const wkd_check*>(base + i * stride);
    const std::string at = "checks[" + std::to_string(i) + "]";
    if (c->struct_size != stride) {
      return fail(err, WKD_E_INVAL, at + ".struct_size: " + std::to_string(c->struct_size) + " differs from checks[0]'s " +
                                        std::to_string(stride));
    }
    health::CheckSpec spec;
    if (wkd_status st = read_valid(read_sized(c, defaults), at + ".", &spec, err); st != WKD_OK) return st;
    out->push_back(std::move(spec));
  }
  return WKD_OK;
}

wkd_status read_one_check(const wkd_check* check, health::CheckSpec* out, wkd_error* err) {
  if (check->struct_size < sizeof(std::uint32_t)) return fail(err, WKD_E_INVAL, "struct_size: too small");
  const wkd_check defaults = WKD_CHECK_INIT;
  return read_valid(read_sized(check, defaults), "", out, err);
}

}  // namespace wkd::capi

extern "C" {

WKD_API void wkd_check_init(wkd_check* check, size_t struct_size) {
  if (check == nullptr) return;
  const size_t n = struct_size < sizeof(wkd_check) ? struct_size : sizeof(wkd_check);
  if (n < sizeof(check->struct_size)) return;
  const wkd_check defaults = WKD_CHECK_INIT;
  std::memcpy(static_cast<void*>(check), &defaults, n);
  check->struct_size = static_cast<uint32_t>(n);
}

WKD_API const char* wkd_check_kind_name(wkd_check_kind kind) {
  switch (raw_enum(kind)) {
#define WKD_CAPI_CHECK_KIND_NAME_(name, value, text) \
  case WKD_CHECK_KIND_##name:                        \
    return text;
    WKD_CHECK_KIND_MAP(WKD_CAPI_CHECK_KIND_NAME_)
#undef WKD_CAPI_CHECK_KIND_NAME_
  }
  return "unknown";
}

WKD_API wkd_status wkd_service_check_report(wkd_node_t* node, const char* service_name, const char* instance_id,
                                            const char* check_id, wkd_check_state state, const char* note,
                                            wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (service_name == nullptr) return fail(err, WKD_E_INVAL, "service_name is NULL");
    if (instance_id == nullptr) return fail(err, WKD_E_INVAL, "instance_id is NULL");
    if (check_id == nullptr) return fail(err, WKD_E_INVAL, "check_id is NULL");
    registry::CheckState s;
    if (wkd_status st = state_of(state, &s, err); st != WKD_OK) return st;
    auto st = n->report_ttl(registry::InstanceKey{service_name, instance_id}, check_id, s, text(note));
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_service_check_info(wkd_check_info* out, char* output, size_t output_size, wkd_node_t* node,
                                          const char* service_name, const char* instance_id, const char* check_id,
                                          wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (service_name == nullptr) return fail(err, WKD_E_INVAL, "service_name is NULL");
    if (instance_id == nullptr) return fail(err, WKD_E_INVAL, "instance_id is NULL");
    if (check_id == nullptr) return fail(err, WKD_E_INVAL, "check_id is NULL");
    if (output == nullptr && output_size > 0) return fail(err, WKD_E_INVAL, "output is NULL with output_size > 0");
    auto res = n->check_status(registry::InstanceKey{service_name, instance_id}, check_id);
    if (!res.ok()) return fail_with(err, res.failure());
    write_info(*res, out, output, output_size);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_check_info(wkd_check_info* out, char* output, size_t output_size, wkd_node_t* node,
                                       const char* check_id, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (check_id == nullptr) return fail(err, WKD_E_INVAL, "check_id is NULL");
    if (output == nullptr && output_size > 0) return fail(err, WKD_E_INVAL, "output is NULL with output_size > 0");
    auto res = n->node_check_status(check_id);
    if (!res.ok()) return fail_with(err, res.failure());
    write_info(*res, out, output, output_size);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_check_add(wkd_node_t* node, const wkd_check* check, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (check == nullptr) return fail(err, WKD_E_INVAL, "check is NULL");
    health::CheckSpec spec;
    if (wkd_status st = read_one_check(check, &spec, err); st != WKD_OK) return st;
    if (spec.deregister_critical_after != Duration::zero()) {
      return fail(err, WKD_E_INVAL, "deregister_critical_after_ms: a node check deregisters nothing; it must be 0");
    }
    auto st = n->add_node_check(std::move(spec));
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_check_report(wkd_node_t* node, const char* check_id, wkd_check_state state,
                                         const char* note, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (check_id == nullptr) return fail(err, WKD_E_INVAL, "check_id is NULL");
    registry::CheckState s;
    if (wkd_status st = state_of(state, &s, err); st != WKD_OK) return st;
    auto st = n->report_ttl(health::node_checks_key(), check_id, s, text(note));
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_node_check_remove(wkd_node_t* node, const char* check_id, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    if (check_id == nullptr) return fail(err, WKD_E_INVAL, "check_id is NULL");
    auto st = n->remove_node_check(check_id);
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_service_on_critical(wkd_node_t* node, const char* service_name, wkd_heal_cb cb,
                                           void* user_data, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    runtime::Node::HealFn fn;
    if (cb != nullptr) {
      fn = [node, cb, user_data](const health::TurnedCritical& t) {
        cb(node, t.instance.service.c_str(), t.instance.id.c_str(), t.check.c_str(), t.output.c_str(), user_data);
      };
    }
    n->on_critical(text(service_name), std::move(fn));
    return WKD_OK;
  });
}

}  // extern "C"
