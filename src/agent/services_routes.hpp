// The pieces the /api/v1/services routes share (services_api.cpp routes
// and serves the instances; services_health.cpp the aggregates and the
// health-check trigger; services_deps.cpp the dependencies;
// services_wait.cpp the long polls).
//
// Each route function answers the requests whose path is its own (any
// method: a wrong one is 405) and returns nullopt for the others. A GET is
// computed from one View, so a long poll can compute it again from a later
// one. Bad input is 400 with {"error": ...} naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/http_server.hpp"
#include "agent/services_api.hpp"
#include "runtime/node.hpp"
#include "runtime/services.hpp"
#include "runtime/view.hpp"

namespace wkd::agent::services {

using Json = nlohmann::json;

// The path segments after /api/v1/services (none empty).
using Segments = std::vector<std::string>;

// What a route needs: the request, its segments, the node (for writes)
// and the view to read (with its registry, never null).
struct RouteContext {
  const http::Request& req;
  const Segments& seg;
  runtime::Node& node;
  const runtime::View* view;  // may be null before the first view
  const runtime::ServicesView& services;
  // Told of every registration and deregistration the API made.
  const RegistrationHook& hook;
};

Json time_or_null(std::int64_t unix_ms);
// The JSON object of one instance.
Json instance_object(const registry::Instance& in, const runtime::View* view);
// The HTTP status of a runtime refusal, and its answer.
int http_status_of(runtime::Err e);
http::Response failure(const runtime::Status& st);

// Body fields: "" or an error naming the field (prefix + name).
std::string read_string(const Json& body, const char* field, std::string* out, bool required);
std::string read_int(const Json& body, const char* field, std::int64_t* out, bool required);
std::string read_bool(const Json& body, const char* field, bool* out);
// "" or "<field>: unknown field" for the first key of `body` not in `known`.
std::string unknown_field(const Json& body, const std::vector<std::string_view>& known, std::string_view prefix = {});

// The segments of the path after /api/v1/services ("" for an empty one).
Segments segments(std::string_view rest);

// The parsed JSON body, or a 400 (not JSON, or not an object).
std::optional<http::Response> parse_object(const http::Request& req, Json* out);

// services_health.cpp: /status, /health, /{name}/health,
// POST /{name}/instances/{id}/health-check.
std::optional<http::Response> health_route(const RouteContext& c);
// services_deps.cpp: /dependencies/graph, /{name}/dependencies[/...],
// /{name}/dependents.
std::optional<http::Response> deps_route(const RouteContext& c);

}  // namespace wkd::agent::services
