// The agent's HTTP API: routes, query filters and JSON bodies.
//
//   GET  /v1/health                     this node's health (200/429/503)
//   GET  /v1/cluster/members            members, filtered by ?state= ?group=
//                                       ?databaseType= ?wireProtocol= ?tag=k:v
//   GET  /v1/cluster/members/{name}
//   GET  /v1/cluster/groups             group -> member names
//   GET  /v1/cluster/groups/{group}     the members of one group
//   GET  /v1/cluster/state              counts, protocol versions, this node
//   PUT  /v1/cluster/join?address=A     (repeatable) {"joined": n} or 502
//   PUT  /v1/cluster/leave              leaves gracefully, then the agent stops
//   POST /v1/events/{name}              fires a user event; the body is its payload
//   GET  /v1/agent/metrics              Prometheus text
//   /api/v1/services/...                the registry (services_api.hpp)
//
// Everything under /v1/health/ is reserved for a Consul-compatible API.
// The routes talk to the agent through ApiBackend, on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/health.hpp"
#include "agent/http_server.hpp"
#include "agent/services_api.hpp"
#include "runtime/node.hpp"
#include "runtime/view.hpp"

namespace wkd::agent {

class ApiBackend {
 public:
  virtual ~ApiBackend() = default;
  virtual std::string node_name() const = 0;
  virtual std::shared_ptr<const runtime::View> view() const = 0;
  virtual runtime::NodeStats stats() const = 0;
  virtual HealthInputs health_inputs() const = 0;
  virtual int awareness_max() const = 0;
  // done(ok, joined, error message).
  virtual void join(std::vector<std::string> addresses, std::function<void(bool, int, std::string)> done) = 0;
  // Leaves gracefully; done(clean, message) runs before the agent stops.
  virtual void leave(std::function<void(bool, std::string)> done) = 0;
  // "" or the error; *too_big set when the event is over the size limit.
  virtual std::string fire_event(const std::string& name, const std::string& payload, bool* too_big) = 0;
  virtual std::uint64_t http_connections() const = 0;
  // The running node (null before it starts or after it stops).
  virtual runtime::Node* node() = 0;
  // The loop the API runs on (long polls wait on its timers).
  virtual uv_loop_t* loop() = 0;
  // After the API registered (`body`: the request body) or deregistered
  // (null) an instance.
  virtual void registration_changed(const registry::InstanceKey& /*key*/, const std::string* /*body*/) {}
};

// Members by the state the API reports: a member that announced its leave
// counts as left, as /v1/cluster/members shows it.
struct ApiMemberCounts {
  std::uint32_t alive = 0, suspect = 0, failed = 0, left = 0;
};
ApiMemberCounts api_member_counts(const runtime::View& view, bool with_local);

// The JSON object of one member.
std::string member_json(const runtime::ViewEntry& e, std::int64_t now_unix_ms);

class Api {
 public:
  explicit Api(ApiBackend& backend) : backend_(backend), services_([&backend] { return backend.node(); }, backend.loop(),
                [&backend](const registry::InstanceKey& key, const std::string* body) {
                  backend.registration_changed(key, body);
                }) {}
  // The http::Handler for the server.
  void handle(const http::Request& req, std::shared_ptr<http::Responder> out);
  std::uint64_t requests() const noexcept { return requests_; }

 private:
  ApiBackend& backend_;
  ServicesApi services_;
  std::uint64_t requests_ = 0;
};

}  // namespace wkd::agent
