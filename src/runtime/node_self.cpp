// runtime::Node's self-registration: the instances a process registers for
// its node's whole life, registered when the node starts and deregistered
// when it leaves or its handle goes away.
#include "runtime/node.hpp"

namespace wkd::runtime {

Result<registry::Instance> Node::self_register(registry::Instance in, Duration ttl,
                                               std::vector<health::CheckSpec> checks) {
  if (closed_) return Status::fail(Err::closed, "node is closed").failure();
  if (auto st = health::validate_list(checks); !st) return Status::fail(err_of(st.code()), st.message()).failure();
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (Status st = performable(checks[i].kind, "checks[" + std::to_string(i) + "].kind"); !st.ok()) {
      return std::move(st).failure();
    }
  }
  const registry::InstanceKey key{in.service, in.id};
  SelfService self{in, ttl, checks};
  {
    std::lock_guard<std::mutex> lock(self_mu_);
    bool replaced = false;
    for (SelfService& s : self_) {
      if (s.in.service == key.service && s.in.id == key.id) {
        s = self;
        replaced = true;
      }
    }
    if (!replaced) self_.push_back(self);
  }
  if (!started_) return in;  // registered by start()
  auto res = register_service(std::move(in), ttl, std::move(checks));
  if (!res.ok()) forget_self(key);
  return res;
}

bool Node::forget_self(const registry::InstanceKey& key) {
  std::lock_guard<std::mutex> lock(self_mu_);
  for (auto it = self_.begin(); it != self_.end(); ++it) {
    if (it->in.service == key.service && it->in.id == key.id) {
      self_.erase(it);
      return true;
    }
  }
  return false;
}

void Node::register_selves() {
  std::vector<SelfService> selves;
  {
    std::lock_guard<std::mutex> lock(self_mu_);
    selves = self_;
  }
  for (SelfService& s : selves) {
    const std::string key = s.in.service + "/" + s.in.id;
    auto res = register_service(std::move(s.in), s.ttl, std::move(s.checks));
    if (!res.ok()) log(LogLevel::error, "self-registration of " + key + " failed: " + res.message());
  }
}

void Node::deregister_selves() {
  std::vector<registry::InstanceKey> keys;
  {
    std::lock_guard<std::mutex> lock(self_mu_);
    if (left_) return;
    left_ = true;
    for (const SelfService& s : self_) keys.push_back(registry::InstanceKey{s.in.service, s.in.id});
  }
  for (const registry::InstanceKey& key : keys) {
    auto res = deregister_instance(key);
    if (!res.ok() && res.failure().code != Err::not_found) {
      log(LogLevel::warn, "deregistering " + key.service + "/" + key.id + " on leaving failed: " + res.message());
    }
  }
}

void Node::farewell(Duration timeout) {
  if (closed_ || !started_ || on_loop_thread()) return;
  {
    std::lock_guard<std::mutex> lock(self_mu_);
    if (self_.empty() || left_) return;
  }
  deregister_selves();
  if (Status st = leave(timeout); !st.ok()) log(LogLevel::warn, "leaving on close: " + st.message());
}

}  // namespace wkd::runtime
