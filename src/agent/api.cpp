#include "agent/api.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/json_response.hpp"
#include "agent/log.hpp"
#include "agent/metrics.hpp"
#include "wkd/version.h"

namespace wkd::agent {

namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;

// The four states the API speaks of; a member announcing its leave counts
// as left.
const char* api_state(runtime::MemberState s) {
  switch (s) {
    case runtime::MemberState::alive: return "alive";
    case runtime::MemberState::suspect: return "suspect";
    case runtime::MemberState::failed: return "failed";
    case runtime::MemberState::left:
    case runtime::MemberState::leaving: return "left";
  }
  return "failed";
}

Json member_object(const runtime::ViewEntry& e, std::int64_t now_ms) {
  const runtime::MemberView& m = *e.member;
  Json tags = Json::object();
  for (const auto& [k, v] : m.tags) tags[std::string(k)] = std::string(v);
  const std::int64_t seen = m.is_local ? now_ms : e.last_seen_unix_ms();
  auto list = [](const char* const* items, std::size_t n) {
    Json arr = Json::array();
    for (std::size_t i = 0; i < n; ++i) arr.push_back(items[i]);
    return arr;
  };
  return Json{{"name", m.name},
              {"address", std::string(m.address)},
              {"port", m.addr.port},
              {"state", api_state(m.state)},
              {"incarnation", m.incarnation},
              {"tags", tags},
              {"groups", list(m.c_groups(), m.n_groups())},
              {"databaseType", std::string(m.database_type)},
              {"wireProtocol", std::string(m.wire_protocol)},
              {"endpoint", std::string(m.endpoint)},
              {"capabilities", list(m.c_caps(), m.n_caps())},
              {"health", serf::health_name(m.health)},
              {"lastSeen", seen > 0 ? Json(rfc3339(seen)) : Json(nullptr)},
              {"wkd", m.wkd_version.empty() ? Json(nullptr) : Json(std::string(m.wkd_version))},
              {"local", m.is_local}};
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

struct Filters {
  std::optional<std::string> state, group, database_type, wire_protocol;
  std::vector<std::pair<std::string, std::string>> tags;
};

// Parses the member filters; "" or a message naming the bad parameter.
std::string parse_filters(const Request& req, Filters* f) {
  for (const auto& [k, v] : req.query) {
    if (k == "state") {
      if (v != "alive" && v != "suspect" && v != "failed" && v != "left") {
        return "state must be alive, suspect, failed or left, not '" + v + "'";
      }
      f->state = v;
    } else if (k == "group") {
      f->group = v;
    } else if (k == "databaseType") {
      f->database_type = v;
    } else if (k == "wireProtocol") {
      f->wire_protocol = v;
    } else if (k == "tag") {
      const auto colon = v.find(':');
      if (colon == std::string::npos || colon == 0) return "tag must be key:value, not '" + v + "'";
      f->tags.emplace_back(v.substr(0, colon), v.substr(colon + 1));
    } else {
      return "unknown query parameter '" + k +
             "' (filters: state, group, databaseType, wireProtocol, tag)";
    }
  }
  return "";
}

bool matches(const runtime::MemberView& m, const Filters& f) {
  if (f.state && *f.state != api_state(m.state)) return false;
  if (f.group && !m.in_group(*f.group)) return false;
  if (f.database_type && m.database_type != *f.database_type) return false;
  if (f.wire_protocol && m.wire_protocol != *f.wire_protocol) return false;
  for (const auto& [k, v] : f.tags) {
    if (!m.has_tag(k) || m.tag(k) != v) return false;
  }
  return true;
}

// "" when the request has no query parameters, else an error message.
std::string no_params(const Request& req) {
  if (req.query.empty()) return "";
  return "unknown query parameter '" + req.query.front().first + "'";
}

}  // namespace

ApiMemberCounts api_member_counts(const runtime::View& view, bool with_local) {
  ApiMemberCounts c;
  for (const runtime::ViewEntry& e : view.members) {
    if (e.member->is_local && !with_local) continue;
    // api_state holds the mapping (leaving counts as left).
    const std::string_view s = api_state(e.member->state);
    ++(s == "alive" ? c.alive : s == "suspect" ? c.suspect : s == "failed" ? c.failed : c.left);
  }
  return c;
}

std::string member_json(const runtime::ViewEntry& e, std::int64_t now_unix_ms) {
  return dump(member_object(e, now_unix_ms));
}

void Api::handle(const Request& req, std::shared_ptr<http::Responder> out) {
  ++requests_;
  const std::string& path = req.path;
  const std::string& method = req.method;
  const std::int64_t now = unix_now_ms();

  auto reply = [&](Response r) { out->send(std::move(r)); };
  auto only = [&](const char* m) {
    if (method == m) return true;
    reply(method_not_allowed(m));
    return false;
  };
  auto bad_params = [&](const std::string& why) {
    if (why.empty()) return false;
    reply(Response::error(400, why));
    return true;
  };

  // ---- /v1/health ----
  if (path == "/v1/health") {
    if (!only("GET") || bad_params(no_params(req))) return;
    const HealthInputs in = backend_.health_inputs();
    const HealthReport rep = evaluate_health(in);
    auto v = backend_.view();
    const ApiMemberCounts c = v ? api_member_counts(*v, false) : ApiMemberCounts{};
    Json members = {{"alive", c.alive}, {"suspect", c.suspect}, {"failed", c.failed}, {"left", c.left}};
    reply(json_response(agent_health_http_status(rep.status),
                        Json{{"node", backend_.node_name()},
                             {"status", agent_health_name(rep.status)},
                             {"reasons", rep.reasons},
                             {"awareness", in.awareness},
                             {"members", members}}));
    return;
  }
  if (path.rfind("/v1/health/", 0) == 0) {
    reply(Response::error(404, "no such endpoint: " + path + " (/v1/health/ is reserved for the Consul-compatible API)"));
    return;
  }

  // ---- /v1/cluster/members ----
  if (path == "/v1/cluster/members") {
    if (!only("GET")) return;
    Filters f;
    if (bad_params(parse_filters(req, &f))) return;
    Json arr = Json::array();
    if (auto v = backend_.view()) {
      for (const auto& e : v->members) {
        if (matches(*e.member, f)) arr.push_back(member_object(e, now));
      }
    }
    reply(json_response(200, arr));
    return;
  }
  if (path.rfind("/v1/cluster/members/", 0) == 0) {
    if (!only("GET") || bad_params(no_params(req))) return;
    const std::string name = path.substr(std::string_view("/v1/cluster/members/").size());
    auto v = backend_.view();
    const runtime::ViewEntry* m = v ? v->find(name) : nullptr;
    if (name.empty() || m == nullptr) {
      reply(Response::error(404, "no member named '" + name + "'"));
      return;
    }
    reply(json_response(200, member_object(*m, now)));
    return;
  }

  // ---- /v1/cluster/groups ----
  if (path == "/v1/cluster/groups") {
    if (!only("GET") || bad_params(no_params(req))) return;
    std::map<std::string, std::vector<std::string>> groups;
    if (auto v = backend_.view()) {
      for (const auto& e : v->members) {
        const runtime::MemberView& m = *e.member;
        for (std::size_t i = 0; i < m.n_groups(); ++i) groups[m.c_groups()[i]].push_back(m.name);
      }
    }
    Json obj = Json::object();
    for (auto& [g, names] : groups) obj[g] = names;
    reply(json_response(200, obj));
    return;
  }
  if (path.rfind("/v1/cluster/groups/", 0) == 0) {
    if (!only("GET")) return;
    Filters f;
    if (bad_params(parse_filters(req, &f))) return;
    const std::string group = path.substr(std::string_view("/v1/cluster/groups/").size());
    Json arr = Json::array();
    if (auto v = backend_.view()) {
      for (const auto& e : v->members) {
        if (e.member->in_group(group) && matches(*e.member, f)) arr.push_back(member_object(e, now));
      }
    }
    if (arr.empty() && !f.state && !f.database_type && !f.wire_protocol && f.tags.empty()) {
      reply(Response::error(404, "no member is in group '" + group + "'"));
      return;
    }
    reply(json_response(200, arr));
    return;
  }

  // ---- /v1/cluster/state ----
  if (path == "/v1/cluster/state") {
    if (!only("GET") || bad_params(no_params(req))) return;
    auto v = backend_.view();
    const ApiMemberCounts c = v ? api_member_counts(*v, true) : ApiMemberCounts{};
    Json counts = {{"alive", c.alive}, {"suspect", c.suspect}, {"failed", c.failed}, {"left", c.left}};
    Json self = nullptr;
    // Protocol versions spoken now (min and max of the members' current
    // version) and the highest every member understands (min of their max).
    int pmin = 255, pmax = 0, pcommon = 255, dmin = 255, dmax = 0, dcommon = 255;
    std::size_t wkd_nodes = 0, total = 0;
    if (v) {
      for (const auto& e : v->members) {
        const runtime::MemberView& m = *e.member;
        ++total;
        if (m.is_wkd()) ++wkd_nodes;
        if (m.is_local) self = member_object(e, now);
        if (m.state == runtime::MemberState::alive || m.state == runtime::MemberState::suspect) {
          pmin = std::min<int>(pmin, m.vsn.pcur);
          pmax = std::max<int>(pmax, m.vsn.pcur);
          pcommon = std::min<int>(pcommon, m.vsn.pmax);
          dmin = std::min<int>(dmin, m.vsn.dcur);
          dmax = std::max<int>(dmax, m.vsn.dcur);
          dcommon = std::min<int>(dcommon, m.vsn.dmax);
        }
      }
    }
    const runtime::NodeStats st = backend_.stats();
    const HealthReport rep = evaluate_health(backend_.health_inputs());
    Json protocol = pmax == 0 ? Json(nullptr)
                              : Json{{"memberlist", {{"min", pmin}, {"max", pmax}, {"highestCommon", pcommon}}},
                                     {"serf", {{"min", dmin}, {"max", dmax}, {"highestCommon", dcommon}}}};
    reply(json_response(200, Json{{"node", backend_.node_name()},
                                  {"version", WKD_VERSION_STRING},
                                  {"members", total},
                                  {"wkdMembers", wkd_nodes},
                                  {"counts", counts},
                                  {"protocol", protocol},
                                  {"health", agent_health_name(rep.status)},
                                  {"awareness", st.health_score},
                                  {"incarnation", st.incarnation},
                                  {"viewVersion", v ? v->version : 0},
                                  {"self", self}}));
    return;
  }

  // ---- join / leave ----
  if (path == "/v1/cluster/join") {
    if (!only("PUT")) return;
    std::vector<std::string> addrs;
    for (const auto& [k, val] : req.query) {
      if (k != "address") {
        reply(Response::error(400, "unknown query parameter '" + k + "' (use address=HOST:PORT)"));
        return;
      }
      if (val.empty()) {
        reply(Response::error(400, "address is empty"));
        return;
      }
      addrs.push_back(val);
    }
    if (addrs.empty()) {
      reply(Response::error(400, "give at least one address=HOST:PORT"));
      return;
    }
    backend_.join(std::move(addrs), [out](bool ok, int joined, std::string err) {
      if (ok) {
        out->send(json_response(200, Json{{"joined", joined}}));
      } else {
        out->send(Response::error(502, err));
      }
    });
    return;
  }
  if (path == "/v1/cluster/leave") {
    if (!only("PUT") || bad_params(no_params(req))) return;
    backend_.leave([out](bool clean, std::string msg) {
      Json j = {{"left", true}, {"clean", clean}};
      if (!msg.empty()) j["message"] = msg;
      out->send(json_response(200, j));
    });
    return;
  }

  // ---- events ----
  if (path.rfind("/v1/events/", 0) == 0) {
    if (!only("POST") || bad_params(no_params(req))) return;
    const std::string name = path.substr(std::string_view("/v1/events/").size());
    if (name.empty() || name.find('/') != std::string::npos) {
      reply(Response::error(400, "the event name must be one non-empty path segment"));
      return;
    }
    bool too_big = false;
    const std::string err = backend_.fire_event(name, req.body, &too_big);
    if (!err.empty()) {
      reply(Response::error(too_big ? 413 : 500, err));
      return;
    }
    reply(json_response(200, Json{{"fired", name}, {"payloadBytes", req.body.size()}}));
    return;
  }

  // ---- metrics ----
  if (path == "/v1/agent/metrics") {
    if (!only("GET") || bad_params(no_params(req))) return;
    MetricsInputs in;
    in.node = backend_.node_name();
    in.version = WKD_VERSION_STRING;
    in.stats = backend_.stats();
    in.http_requests = requests_;
    in.http_connections = backend_.http_connections();
    in.awareness_max = backend_.awareness_max();
    if (runtime::Node* node = backend_.node()) in.has_registry = collect_registry_figures(*node, &in.registry);
    Response r;
    r.content_type = kPrometheusContentType;
    r.body = prometheus_text(in);
    reply(std::move(r));
    return;
  }

  if (services_.handle(req, out)) return;
  reply(Response::error(404, "no such endpoint: " + path));
}

}  // namespace wkd::agent
