// Joining the seeds without blocking start-up: every attempt resolves the
// names again and contacts every seed; when none answers, the next attempt
// follows after a backoff (1 s, doubling up to 30 s, with jitter). It stops
// once a seed has answered, as serf's retry_join does.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/log.hpp"
#include "runtime/node.hpp"

namespace wkd::agent {

class SeedJoiner {
 public:
  struct Options {
    std::uint64_t first_backoff_ms = 1000;
    std::uint64_t max_backoff_ms = 30000;
  };
  SeedJoiner(uv_loop_t* loop, std::shared_ptr<runtime::Node> node, std::vector<std::string> seeds,
             const AgentLog& log, Options opts);
  ~SeedJoiner();
  SeedJoiner(const SeedJoiner&) = delete;
  SeedJoiner& operator=(const SeedJoiner&) = delete;

  // First attempt now; `joined(n)` runs on the loop after the first success.
  void start(std::function<void(int)> joined);
  // Stops retrying; the handle closes on the loop (the object may then be
  // destroyed once `closed` has run).
  void stop(std::function<void()> closed);
  bool done() const noexcept { return done_; }
  int attempts() const noexcept { return attempts_; }

 private:
  void attempt();
  void schedule();

  uv_loop_t* loop_;
  std::shared_ptr<runtime::Node> node_;
  std::vector<std::string> seeds_;
  const AgentLog& log_;
  Options opts_;
  uv_timer_t* timer_ = nullptr;
  std::function<void(int)> joined_;
  std::uint64_t backoff_ms_ = 0;
  int attempts_ = 0;
  bool done_ = false;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wkd::agent
