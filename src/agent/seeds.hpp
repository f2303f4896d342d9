// Joining the seeds without blocking start-up: every attempt resolves the
// names again and contacts every seed; when none answers, the next attempt
// follows after a backoff (1 s, doubling up to 30 s, with jitter). It stops
// once a seed has answered, as serf's retry_join does.
//
// After that it keeps watching: every `recheck_ms` (with jitter) it looks
// for configured seeds that are not a live (alive or suspect) member of
// the node's view and joins them again. Two halves of a cluster that were
// apart longer than reconnect_timeout have forgotten each other, and
// gossip alone never brings them back together; a seed on the other side
// does. A seed given as a host name cannot be matched against members
// without resolving it, so it is joined again at every recheck (one
// push/pull with it).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/log.hpp"
#include "common/address.hpp"
#include "runtime/node.hpp"
#include "runtime/view.hpp"

namespace wkd::agent {

class SeedJoiner {
 public:
  struct Options {
    std::uint64_t first_backoff_ms = 1000;
    std::uint64_t max_backoff_ms = 30000;
    std::uint64_t recheck_ms = 15000;  // 0 = stop after the first join
  };
  // `seeds` are contacted until one answers (configured seeds, then the
  // snapshot's members); `watched` (the configured seeds) are rechecked
  // for the node's lifetime.
  SeedJoiner(uv_loop_t* loop, std::shared_ptr<runtime::Node> node, std::vector<std::string> seeds,
             std::vector<std::string> watched, const AgentLog& log, Options opts);
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
  int rejoins() const noexcept { return rejoins_; }

 private:
  void attempt();
  void schedule();
  void schedule_recheck();
  void recheck();

  uv_loop_t* loop_;
  std::shared_ptr<runtime::Node> node_;
  std::vector<std::string> seeds_;
  std::vector<std::string> watched_;
  const AgentLog& log_;
  Options opts_;
  uv_timer_t* timer_ = nullptr;
  std::function<void(int)> joined_;
  std::uint64_t backoff_ms_ = 0;
  int attempts_ = 0;
  int rejoins_ = 0;
  bool rejoining_ = false;
  bool done_ = false;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The seeds of `seeds` that are not a live (alive or suspect) member of
// `view` other than the node itself (`self`, its gossip address): an IP
// literal seed matches a member with that address and port; a host name
// never matches.
std::vector<std::string> seeds_not_live(const std::vector<std::string>& seeds, const runtime::View& view,
                                        const Address& self);

}  // namespace wkd::agent
