#include "agent/seeds.hpp"

#include <algorithm>

namespace wkd::agent {

std::vector<std::string> seeds_not_live(const std::vector<std::string>& seeds, const runtime::View& view,
                                        const Address& self) {
  std::vector<std::string> out;
  for (const auto& seed : seeds) {
    const auto addr = parse_address(seed);
    if (addr && *addr == self) continue;
    bool live = false;
    if (addr) {
      for (const auto& e : view.members) {
        const auto& m = *e.member;
        if (m.is_local || m.addr != *addr) continue;
        live = m.state == runtime::MemberState::alive || m.state == runtime::MemberState::suspect;
        if (live) break;
      }
    }
    if (!live) out.push_back(seed);
  }
  return out;
}

SeedJoiner::SeedJoiner(uv_loop_t* loop, std::shared_ptr<runtime::Node> node, std::vector<std::string> seeds,
                       std::vector<std::string> watched, const AgentLog& log, Options opts)
    : loop_(loop), node_(std::move(node)), seeds_(std::move(seeds)), watched_(std::move(watched)), log_(log),
      opts_(opts), backoff_ms_(opts.first_backoff_ms) {}

SeedJoiner::~SeedJoiner() { *alive_ = false; }

void SeedJoiner::start(std::function<void(int)> joined) {
  joined_ = std::move(joined);
  timer_ = new uv_timer_t;
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  attempt();
}

void SeedJoiner::stop(std::function<void()> closed) {
  stopped_ = true;
  if (timer_ == nullptr) {
    if (closed) closed();
    return;
  }
  uv_timer_stop(timer_);
  auto* cb = new std::function<void()>(std::move(closed));
  timer_->data = cb;
  uv_close(reinterpret_cast<uv_handle_t*>(timer_), [](uv_handle_t* h) {
    auto* fn = static_cast<std::function<void()>*>(h->data);
    delete reinterpret_cast<uv_timer_t*>(h);
    if (*fn) (*fn)();
    delete fn;
  });
  timer_ = nullptr;
}

void SeedJoiner::attempt() {
  if (stopped_ || done_ || seeds_.empty()) return;
  ++attempts_;
  std::weak_ptr<bool> alive = alive_;
  node_->join_async(seeds_, [this, alive](runtime::Status st, int n) {
    auto a = alive.lock();
    if (!a || !*a || stopped_) return;
    if (st.ok() && n > 0) {
      done_ = true;
      log_.write(LogLevel::info, node_->name(),
                 "joined the cluster through " + std::to_string(n) + " of " + std::to_string(seeds_.size()) +
                     " seed(s) (attempt " + std::to_string(attempts_) + ")");
      if (joined_) joined_(n);
      schedule_recheck();
      return;
    }
    log_.write(LogLevel::warn, node_->name(),
               "join attempt " + std::to_string(attempts_) + " failed: " + st.message() + "; retrying in " +
                   std::to_string(backoff_ms_) + " ms");
    schedule();
  });
}

void SeedJoiner::schedule() {
  if (timer_ == nullptr || stopped_) return;
  // Up to a quarter of jitter, so agents started together do not retry in
  // lock step.
  const std::uint64_t jitter = backoff_ms_ / 4 == 0 ? 0 : uv_hrtime() % (backoff_ms_ / 4);
  uv_timer_start(timer_, [](uv_timer_t* t) { static_cast<SeedJoiner*>(t->data)->attempt(); }, backoff_ms_ + jitter,
                 0);
  backoff_ms_ = std::min(backoff_ms_ * 2, opts_.max_backoff_ms);
}

void SeedJoiner::schedule_recheck() {
  if (timer_ == nullptr || stopped_ || opts_.recheck_ms == 0 || watched_.empty()) return;
  const std::uint64_t jitter = opts_.recheck_ms / 4 == 0 ? 0 : uv_hrtime() % (opts_.recheck_ms / 4);
  uv_timer_start(timer_, [](uv_timer_t* t) { static_cast<SeedJoiner*>(t->data)->recheck(); },
                 opts_.recheck_ms + jitter, 0);
}

void SeedJoiner::recheck() {
  if (stopped_ || rejoining_) return;
  auto view = node_->view();
  std::vector<std::string> missing =
      view ? seeds_not_live(watched_, *view, node_->local_address()) : watched_;
  if (missing.empty()) {
    schedule_recheck();
    return;
  }
  rejoining_ = true;
  std::weak_ptr<bool> alive = alive_;
  const std::size_t asked = missing.size();
  node_->join_async(std::move(missing), [this, alive, asked](runtime::Status st, int n) {
    auto a = alive.lock();
    if (!a || !*a || stopped_) return;
    rejoining_ = false;
    if (st.ok() && n > 0) {
      ++rejoins_;
      log_.write(LogLevel::info, node_->name(),
                 "rejoined " + std::to_string(n) + " of " + std::to_string(asked) +
                     " seed(s) that were not live members");
    } else {
      log_.write(LogLevel::debug, node_->name(),
                 "seed recheck: none of " + std::to_string(asked) + " seed(s) answered: " + st.message());
    }
    schedule_recheck();
  });
}

}  // namespace wkd::agent
