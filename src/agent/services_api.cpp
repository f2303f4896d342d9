#include "agent/services_api.hpp"

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/json_response.hpp"
#include "agent/log.hpp"
#include "runtime/services.hpp"

namespace wkd::agent {

namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;

constexpr std::string_view kPrefix = "/api/v1/services";

Json time_or_null(std::int64_t ms) { return ms > 0 ? Json(rfc3339_ms(ms)) : Json(nullptr); }

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

Json instance_object(const registry::Instance& in, const runtime::View* view = nullptr) {
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
  *out = it->get<std::int64_t>();
  return "";
}

// The registration body; "" or the first error, naming its field.
std::string parse_registration(const Json& body, registry::Instance* in) {
  if (!body.is_object()) return std::string("the body must be a JSON object, not ") + body.type_name();
  static const char* const kKnown[] = {"serviceName", "instanceId", "host",      "port",       "protocol",
                                       "version",     "healthCheckUrl", "metricsUrl", "region", "zone",
                                       "weight",      "metadata",   "tags"};
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

bool flag(const Request& req, std::string_view name) {
  const std::string* v = req.param(name);
  return v != nullptr && (*v == "true" || *v == "1");
}

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

}  // namespace

std::string instance_json(const registry::Instance& in) {
  return instance_object(in).dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool ServicesApi::handle(const Request& req, const std::function<void(Response)>& reply) {
  const std::string_view path = req.path;
  if (path.substr(0, kPrefix.size()) != kPrefix || (path.size() > kPrefix.size() && path[kPrefix.size()] != '/')) {
    return false;
  }
  runtime::Node* node = node_();
  if (node == nullptr) {
    reply(Response::error(503, "the node is not running"));
    return true;
  }
  const auto seg = segments(path.substr(kPrefix.size()));
  for (const auto& s : seg) {
    if (s.empty()) {
      reply(Response::error(404, "no such endpoint: " + req.path));
      return true;
    }
  }
  const std::string& method = req.method;
  auto fail = [&](const runtime::Status& st) {
    reply(Response::error(http_status_of(st.code()), st.message()));
  };

  if (seg.size() == 1 && seg[0] == "register") {
    if (method != "POST") {
      reply(method_not_allowed("POST"));
      return true;
    }
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
      reply(Response::error(400, "the body is not valid JSON"));
      return true;
    }
    registry::Instance in;
    if (std::string err = parse_registration(body, &in); !err.empty()) {
      reply(Response::error(400, err));
      return true;
    }
    auto r = node->register_instance(std::move(in));
    if (!r) {
      fail(std::move(r).failure());
      return true;
    }
    reply(json_response(200, instance_object(*r, node->view().get())));
    return true;
  }

  if (seg.size() == 4 && seg[1] == "instances" && seg[3] == "check") {
    if (method != "PUT") {
      reply(method_not_allowed("PUT"));
      return true;
    }
    Json body = Json::parse(req.body, nullptr, false);
    const auto st = body.is_object() ? body.find("status") : body.end();
    const auto state = st != body.end() && st->is_string()
                           ? registry::parse_check_state(st->get<std::string>())
                           : std::nullopt;
    if (!state) {
      reply(Response::error(400, "status: must be \"passing\", \"warning\" or \"critical\""));
      return true;
    }
    auto r = node->check_instance({seg[0], seg[2]}, *state);
    if (!r) {
      fail(std::move(r).failure());
      return true;
    }
    reply(json_response(200, instance_object(*r, node->view().get())));
    return true;
  }

  if (seg.size() == 3 && seg[1] == "instances") {
    if (method != "DELETE") {
      reply(method_not_allowed("DELETE"));
      return true;
    }
    const registry::InstanceKey key{seg[0], seg[2]};
    auto r = flag(req, "force") ? node->force_deregister_instance(key) : node->deregister_instance(key);
    if (!r) {
      fail(std::move(r).failure());
      return true;
    }
    reply(json_response(200, instance_object(*r, node->view().get())));
    return true;
  }

  if (method != "GET") {
    reply(method_not_allowed("GET"));
    return true;
  }
  auto view = node->view();
  static const runtime::ServicesView kEmpty;
  const runtime::ServicesView& services = view && view->services ? *view->services : kEmpty;
  Response out;
  if (seg.empty()) {
    out = json_response(200, Json(services.services()));
  } else if (seg.size() <= 2 && (seg.size() == 1 || seg[1] == "healthy")) {
    registry::Query q;
    q.service = seg[0];
    q.healthy_only = seg.size() == 2;
    q.include_deregistered = !q.healthy_only && flag(req, "includeDeregistered");
    Json arr = Json::array();
    for (const auto& rec : services.select(q)) arr.push_back(instance_object(*rec, view.get()));
    out = json_response(200, arr);
  } else {
    reply(Response::error(404, "no such endpoint: " + req.path));
    return true;
  }
  if (view) out.headers.emplace_back("X-Wkd-Index", std::to_string(view->version));
  reply(std::move(out));
  return true;
}

}  // namespace wkd::agent
