#include "agent/services_api.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/json_response.hpp"
#include "agent/log.hpp"
#include "agent/services_routes.hpp"
#include "agent/services_wait.hpp"
#include "runtime/services.hpp"

namespace wkd::agent {

namespace services {

using http::Request;
using http::Response;

Json time_or_null(std::int64_t ms) { return ms > 0 ? Json(rfc3339_ms(ms)) : Json(nullptr); }

namespace {

// The owner's membership as this node sees it: a reader can tell a record
// whose owner is suspect or failed.
const char* owner_state(const runtime::View* view, const std::string& owner) {
  const runtime::ViewEntry* e = view != nullptr ? view->find(owner) : nullptr;
  if (e == nullptr) return "unknown";
  switch (e->member->state) {
    case runtime::MemberState::alive: return "alive";
    case runtime::MemberState::suspect: return "suspect";
    case runtime::MemberState::failed: return "failed";
    case runtime::MemberState::left:
    case runtime::MemberState::leaving: return "left";
  }
  return "unknown";
}

}  // namespace

Json instance_object(const registry::Instance& in, const runtime::View* view) {
  Json meta = Json::object();
  for (const auto& [k, v] : in.metadata) meta[k] = v;
  return Json{{"id", in.uuid.to_string()},
              {"serviceName", in.service},
              {"instanceId", in.id},
              {"host", in.host},
              {"port", in.port},
              {"protocol", in.protocol},
              {"version", in.version.empty() ? Json(nullptr) : Json(in.version)},
              {"tags", Json(in.tags)},
              {"metadata", meta},
              {"weight", in.weight},
              {"region", in.region.empty() ? Json(nullptr) : Json(in.region)},
              {"zone", in.zone.empty() ? Json(nullptr) : Json(in.zone)},
              {"healthCheckUrl", in.health_check_url.empty() ? Json(nullptr) : Json(in.health_check_url)},
              {"metricsUrl", in.metrics_url.empty() ? Json(nullptr) : Json(in.metrics_url)},
              {"status", registry::status_name(in.status)},
              {"checkStatus", registry::check_state_name(in.check_state)},
              {"lastHealthCheck", time_or_null(in.last_check_ms)},
              {"consecutiveFailures", in.consecutive_failures},
              {"registeredAt", time_or_null(in.registered_ms)},
              {"lastUpdated", time_or_null(in.updated_ms)},
              {"deregisteredAt", time_or_null(in.deregistered_ms)},
              {"owner", in.owner},
              {"ownerState", owner_state(view, in.owner)},
              {"previousOwner", in.previous_owner.empty() ? Json(nullptr) : Json(in.previous_owner)}};
}

// Reads one optional string field; "" or an error naming it.
std::string read_string(const Json& body, const char* field, std::string* out, bool required) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return required ? std::string(field) + ": required" : "";
  if (!it->is_string()) return std::string(field) + ": must be a string, not " + it->type_name();
  *out = it->get<std::string>();
  return "";
}

std::string read_int(const Json& body, const char* field, std::int64_t* out, bool required) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return required ? std::string(field) + ": required" : "";
  if (!it->is_number_integer()) return std::string(field) + ": must be an integer, not " + it->type_name();
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return std::string(field) + ": out of range";
  }
  *out = it->get<std::int64_t>();
  return "";
}

std::string read_bool(const Json& body, const char* field, bool* out) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_boolean()) return std::string(field) + ": must be true or false, not " + it->type_name();
  *out = it->get<bool>();
  return "";
}

std::string unknown_field(const Json& body, const std::vector<std::string_view>& known, std::string_view prefix) {
  for (const auto& [key, value] : body.items()) {
    bool found = false;
    for (std::string_view k : known) found = found || key == k;
    if (!found) return std::string(prefix) + key + ": unknown field";
  }
  return "";
}

std::optional<Response> parse_object(const Request& req, Json* out) {
  *out = Json::parse(req.body, nullptr, false);
  if (out->is_discarded()) return Response::error(400, "the body is not valid JSON");
  if (!out->is_object()) return Response::error(400, std::string("the body must be a JSON object, not ") + out->type_name());
  return std::nullopt;
}

namespace {

// The HTTP check a registration's healthCheckUrl asks for, with the
// optional "check" settings; "" or an error naming the field.
std::string parse_check(const Json& body, const registry::Instance& in, std::vector<health::CheckSpec>* out) {
  const auto c = body.find("check");
  const bool has_settings = c != body.end() && !c->is_null();
  if (in.health_check_url.empty()) {
    return has_settings ? "check: needs a healthCheckUrl" : "";
  }
  health::CheckSpec spec;
  spec.id = "http";
  spec.kind = health::CheckKind::http;
  spec.target = in.health_check_url;
  if (has_settings) {
    if (!c->is_object()) return std::string("check: must be an object, not ") + c->type_name();
    if (auto err = unknown_field(*c, {"intervalMs", "timeoutMs", "deregisterCriticalAfterMs"}, "check."); !err.empty()) {
      return err;
    }
    std::int64_t interval = to_ms(spec.interval), timeout = to_ms(spec.timeout), dereg = 0;
    std::string err;
    if (!(err = read_int(*c, "intervalMs", &interval, false)).empty()) return "check." + err;
    if (!(err = read_int(*c, "timeoutMs", &timeout, false)).empty()) return "check." + err;
    if (!(err = read_int(*c, "deregisterCriticalAfterMs", &dereg, false)).empty()) return "check." + err;
    constexpr std::int64_t kDay = 24LL * 3600 * 1000;
    if (interval < 100 || interval > kDay) return "check.intervalMs: out of range 100-86400000";
    if (timeout < 10 || timeout > interval) return "check.timeoutMs: out of range 10-intervalMs";
    if (dereg < 0 || dereg > kDay) return "check.deregisterCriticalAfterMs: out of range 0-86400000";
    spec.interval = std::chrono::milliseconds(interval);
    spec.timeout = std::chrono::milliseconds(timeout);
    spec.deregister_critical_after = std::chrono::milliseconds(dereg);
  } else if (spec.timeout > spec.interval) {
    spec.timeout = spec.interval;
  }
  out->push_back(std::move(spec));
  return "";
}

// The registration body; "" or the first error, naming its field.
std::string parse_registration(const Json& body, registry::Instance* in) {
  if (!body.is_object()) return std::string("the body must be a JSON object, not ") + body.type_name();
  static const char* const kKnown[] = {"serviceName", "instanceId", "host",      "port",       "protocol",
                                       "version",     "healthCheckUrl", "metricsUrl", "region", "zone",
                                       "weight",      "metadata",   "tags",       "check"};
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) return key + ": unknown field";
  }
  std::string err;
  if (!(err = read_string(body, "serviceName", &in->service, true)).empty()) return err;
  if (!(err = read_string(body, "instanceId", &in->id, true)).empty()) return err;
  if (!(err = read_string(body, "host", &in->host, true)).empty()) return err;
  if (!(err = read_int(body, "port", &in->port, true)).empty()) return err;
  if (!(err = read_string(body, "protocol", &in->protocol, false)).empty()) return err;
  if (!(err = read_string(body, "version", &in->version, false)).empty()) return err;
  if (!(err = read_string(body, "healthCheckUrl", &in->health_check_url, false)).empty()) return err;
  if (!(err = read_string(body, "metricsUrl", &in->metrics_url, false)).empty()) return err;
  if (!(err = read_string(body, "region", &in->region, false)).empty()) return err;
  if (!(err = read_string(body, "zone", &in->zone, false)).empty()) return err;
  if (!(err = read_int(body, "weight", &in->weight, false)).empty()) return err;
  if (const auto m = body.find("metadata"); m != body.end() && !m->is_null()) {
    if (!m->is_object()) return std::string("metadata: must be an object, not ") + m->type_name();
    for (const auto& [k, v] : m->items()) {
      if (!v.is_string()) return "metadata." + k + ": must be a string, not " + v.type_name();
      in->metadata[k] = v.get<std::string>();
    }
  }
  if (const auto t = body.find("tags"); t != body.end() && !t->is_null()) {
    if (!t->is_array()) return std::string("tags: must be an array, not ") + t->type_name();
    for (const auto& v : *t) {
      if (!v.is_string()) return std::string("tags: every tag must be a string, not ") + v.type_name();
      in->tags.insert(v.get<std::string>());
    }
  }
  return "";
}

}  // namespace

int http_status_of(runtime::Err e) {
  switch (e) {
    case runtime::Err::invalid: return 400;
    case runtime::Err::too_big: return 413;
    case runtime::Err::not_found: return 404;
    case runtime::Err::state:
    case runtime::Err::exists: return 409;
    case runtime::Err::not_supported: return 501;
    default: return 500;
  }
}

Response failure(const runtime::Status& st) { return Response::error(http_status_of(st.code()), st.message()); }

namespace {

bool flag(const Request& req, std::string_view name) {
  const std::string* v = req.param(name);
  return v != nullptr && (*v == "true" || *v == "1");
}

// The instance routes: register, deregister, the application's check,
// the reads of service names and instances, and one instance selected.
std::optional<Response> instance_route(const RouteContext& c) {
  const Segments& seg = c.seg;
  const std::string& method = c.req.method;
  runtime::Node& node = c.node;
  if (seg.size() == 1 && seg[0] == "register") {
    if (method != "POST") return method_not_allowed("POST");
    Json body;
    if (auto bad = parse_object(c.req, &body)) return bad;
    registry::Instance in;
    if (std::string err = parse_registration(body, &in); !err.empty()) return Response::error(400, err);
    std::vector<health::CheckSpec> checks;
    if (std::string err = parse_check(body, in, &checks); !err.empty()) return Response::error(400, err);
    const registry::InstanceKey key{in.service, in.id};
    auto r = node.register_service(std::move(in), Duration::zero(), std::move(checks));
    if (!r) return failure(std::move(r).failure());
    if (c.hook) c.hook(key, &c.req.body);
    return json_response(200, instance_object(*r, node.view().get()));
  }
  if (seg.size() == 4 && seg[1] == "instances" && seg[3] == "check") {
    if (method != "PUT") return method_not_allowed("PUT");
    Json body = Json::parse(c.req.body, nullptr, false);
    const auto st = body.is_object() ? body.find("status") : body.end();
    const auto state = st != body.end() && st->is_string()
                           ? registry::parse_check_state(st->get<std::string>())
                           : std::nullopt;
    if (!state) return Response::error(400, "status: must be \"passing\", \"warning\" or \"critical\"");
    auto r = node.check_instance({seg[0], seg[2]}, *state);
    if (!r) return failure(std::move(r).failure());
    return json_response(200, instance_object(*r, node.view().get()));
  }
  if (seg.size() == 3 && seg[1] == "instances") {
    if (method != "DELETE") return method_not_allowed("DELETE");
    const registry::InstanceKey key{seg[0], seg[2]};
    auto r = flag(c.req, "force") ? node.force_deregister_instance(key) : node.deregister_instance(key);
    if (!r) return failure(std::move(r).failure());
    if (c.hook) c.hook(key, nullptr);
    return json_response(200, instance_object(*r, node.view().get()));
  }
  if (seg.empty()) {
    if (method != "GET") return method_not_allowed("GET");
    return json_response(200, Json(c.services.services()));
  }
  if (seg.size() == 2 && seg[1] == "instance") {
    // One HEALTHY instance by weighted random through the node's selector
    // (zone affinity, outlier ejection); the lease ends at once, since an
    // HTTP client's call is not seen here.
    if (method != "GET") return method_not_allowed("GET");
    auto sel = node.selector().select(c.services, seg[0], registry::SelectRequest{});
    if (!sel) return Response::error(404, "service " + seg[0] + " has no healthy instance to select");
    node.selector().release(c.services, sel->lease, registry::CallOutcome::none);
    return json_response(200, instance_object(*sel->record, c.view));
  }
  if (seg.size() <= 2 && (seg.size() == 1 || seg[1] == "healthy")) {
    if (method != "GET") return method_not_allowed("GET");
    registry::Query q;
    q.service = seg[0];
    q.healthy_only = seg.size() == 2;
    q.include_deregistered = !q.healthy_only && flag(c.req, "includeDeregistered");
    Json arr = Json::array();
    for (const auto& rec : c.services.select(q)) arr.push_back(instance_object(*rec, c.view));
    return json_response(200, arr);
  }
  return std::nullopt;
}

}  // namespace

// The path segments after the prefix ("" segments refused by the caller).
std::vector<std::string> segments(std::string_view rest) {
  std::vector<std::string> out;
  while (!rest.empty()) {
    if (rest.front() == '/') rest.remove_prefix(1);
    const auto slash = rest.find('/');
    out.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash);
  }
  return out;
}

}  // namespace services

using services::Json;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kPrefix = "/api/v1/services";

// Every route's answer, from `view`; with the view's version in X-Wkd-Index.
Response answer(const Request& req, const services::Segments& seg, runtime::Node& node,
                const std::shared_ptr<const runtime::View>& view, const RegistrationHook& hook) {
  static const runtime::ServicesView kEmpty;
  const runtime::ServicesView& reg = view && view->services ? *view->services : kEmpty;
  const services::RouteContext c{req, seg, node, view.get(), reg, hook};
  // The fixed names (status, health, dependencies/graph) before {name}.
  std::optional<Response> out = services::health_route(c);
  if (!out) out = services::deps_route(c);
  if (!out) out = services::instance_route(c);
  if (!out) return Response::error(404, "no such endpoint: " + req.path);
  if (view && req.method == "GET") out->headers.emplace_back("X-Wkd-Index", std::to_string(view->version));
  return std::move(*out);
}

}  // namespace

std::string register_body(runtime::Node& node, const std::string& text) {
  const Json body = Json::parse(text, nullptr, false);
  registry::Instance in;
  if (std::string err = services::parse_registration(body, &in); !err.empty()) return err;
  std::vector<health::CheckSpec> checks;
  if (std::string err = services::parse_check(body, in, &checks); !err.empty()) return err;
  auto r = node.register_service(std::move(in), Duration::zero(), std::move(checks));
  return r ? "" : r.message();
}

std::string instance_json(const registry::Instance& in) {
  return services::instance_object(in, nullptr).dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool ServicesApi::handle(const Request& req, const std::shared_ptr<http::Responder>& out) {
  const std::string_view path = req.path;
  if (path.substr(0, kPrefix.size()) != kPrefix || (path.size() > kPrefix.size() && path[kPrefix.size()] != '/')) {
    return false;
  }
  runtime::Node* node = node_();
  if (node == nullptr) {
    out->send(Response::error(503, "the node is not running"));
    return true;
  }
  const auto seg = services::segments(path.substr(kPrefix.size()));
  for (const auto& s : seg) {
    if (s.empty()) {
      out->send(Response::error(404, "no such endpoint: " + req.path));
      return true;
    }
  }
  std::optional<services::WaitSpec> wait;
  if (req.method == "GET") {
    if (std::string err = services::parse_wait(req, &wait); !err.empty()) {
      out->send(Response::error(400, err));
      return true;
    }
  }
  auto view = node->view();
  Response r = answer(req, seg, *node, view, hook_);
  // A long poll whose index is current waits for the next version; an
  // error answers at once.
  if (!wait || r.status != 200 || loop_ == nullptr || (view ? view->version : 0) > wait->index) {
    out->send(std::move(r));
    return true;
  }
  std::weak_ptr<runtime::Node> weak = node->weak_from_this();
  auto version = [weak]() -> std::uint64_t {
    auto n = weak.lock();
    auto v = n ? n->view() : nullptr;
    return v ? v->version : 0;
  };
  auto connected = [out, weak] { return out->connected() && !weak.expired(); };
  auto done = [req, seg, out, weak] {
    auto n = weak.lock();
    if (n == nullptr) return;
    out->send(answer(req, seg, *n, n->view(), RegistrationHook{}));
  };
  services::wait_for_change(loop_, *wait, std::move(version), std::move(connected), std::move(done));
  return true;
}

}  // namespace wkd::agent
