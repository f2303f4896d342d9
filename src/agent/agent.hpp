// `wkd agent`: one node on the main thread's libuv loop, its HTTP API on
// the same loop, the seeds joined in the background, the snapshot kept up
// to date, and SIGINT/SIGTERM turned into a graceful leave bounded by the
// leave timeout. A second signal during the leave stops at once. The
// services the file defines are registered at start; SIGHUP reads the file
// again and applies its service definitions (service_defs.hpp), or, when
// the file has an error, logs it and keeps the running set.
// With snapshot_path, the instances registered through the API are kept
// in SNAPSHOT_PATH.services (registrations.hpp), saved on the snapshot's
// tick, and registered again at start.
#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "agent/api.hpp"
#include "agent/auth.hpp"
#include "agent/http_server.hpp"
#include "agent/log.hpp"
#include "agent/registrations.hpp"
#include "agent/seeds.hpp"
#include "agent/service_defs.hpp"
#include "agent/snapshot.hpp"
#include "config/agent_config.hpp"
#include "runtime/node.hpp"

namespace wkd::agent {

class Agent final : public ApiBackend {
 public:
  Agent(config::AgentConfig cfg, const AgentLog& log);
  ~Agent() override;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Runs until the node has left (signal or PUT /v1/cluster/leave).
  // Returns the process exit code: 0 after a leave, 1 when start-up failed.
  int run();

  // ApiBackend (loop thread).
  std::string node_name() const override;
  std::shared_ptr<const runtime::View> view() const override;
  runtime::NodeStats stats() const override;
  HealthInputs health_inputs() const override;
  int awareness_max() const override;
  void join(std::vector<std::string> addresses, std::function<void(bool, int, std::string)> done) override;
  void leave(std::function<void(bool, std::string)> done) override;
  std::string fire_event(const std::string& name, const std::string& payload, bool* too_big) override;
  std::uint64_t http_connections() const override;
  runtime::Node* node() override { return node_.get(); }
  void registration_changed(const registry::InstanceKey& key, const std::string* body) override;
  uv_loop_t* loop() override { return &loop_; }

 private:
  bool start();
  bool build_keyring(wire::Keyring* out, std::string* err);
  void on_signal(int signum);
  void reload();
  void begin_leave(std::function<void(bool, std::string)> done);
  void finish(bool clean, const std::string& why);
  void save_snapshot_now();
  void load_registrations();
  void replay_registrations();
  void save_registrations_now();
  std::string registrations_path() const;
  void on_tick();
  void close_handles();

  config::AgentConfig cfg_;
  const AgentLog& log_;
  uv_loop_t loop_{};
  std::shared_ptr<runtime::Node> node_;
  std::shared_ptr<runtime::Watch> watch_, event_watch_;
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Authorizer> auth_;
  std::unique_ptr<SeedJoiner> joiner_;
  std::unique_ptr<ServiceDefs> service_defs_;
  std::optional<Snapshot> restored_;
  uv_signal_t* sigint_ = nullptr;
  uv_signal_t* sigterm_ = nullptr;
  uv_signal_t* sighup_ = nullptr;
  uv_timer_t* tick_ = nullptr;
  uv_timer_t* leave_timer_ = nullptr;

  bool leaving_ = false;
  bool left_ = false;
  bool finished_ = false;
  bool peer_answered_ = false;
  bool snapshot_dirty_ = true;
  std::string last_snapshot_;
  std::string snapshot_problem_;  // the unusable snapshot moved aside at start
  Registrations registrations_;   // made through the API, kept in registrations_path()
  bool registrations_dirty_ = false;
  std::string registrations_problem_;
  std::vector<std::function<void(bool, std::string)>> leave_waiters_;
  int exit_code_ = 0;
  int ticks_ = 0;
};

}  // namespace wkd::agent
