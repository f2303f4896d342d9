#include "transport/probe.hpp"

#include <uv.h>

#include <algorithm>

#include "transport/resolver.hpp"
#include "transport/uv_util.hpp"

namespace wkd::transport {

// One probe: its timer, its socket once there is an address, and itself
// kept alive (`self`) until libuv has closed both. The Probes map lets go
// of it as soon as it is over, so nothing of it reaches the Probes after
// that.
struct Probes::Probe {
  Probes* owner = nullptr;
  std::uint64_t id = 0;
  std::string target;
  Duration timeout{};
  Done done;
  uv_timer_t timer{};
  uv_tcp_t tcp{};
  uv_connect_t connect{};
  bool tcp_open = false;
  bool over = false;
  int open_handles = 0;
  std::shared_ptr<Probe> self;

  // Ends the probe once: reports (unless dropped), then closes its handles.
  void finish(bool ok, std::string detail, bool report) {
    if (over) return;
    over = true;
    Done cb = std::move(done);
    Probes* o = owner;
    owner = nullptr;
    if (o != nullptr) o->finished(id);  // the map lets go; `self` holds on
    close_handles();
    if (report && cb) cb(ok, std::move(detail));
  }

  void close_handles() {
    auto closed = [](uv_handle_t* h) {
      auto* p = static_cast<Probe*>(h->data);
      if (--p->open_handles == 0) p->self.reset();  // may delete p
    };
    uv_timer_stop(&timer);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer), closed);
    if (tcp_open) uv_close(reinterpret_cast<uv_handle_t*>(&tcp), closed);
  }

  void connect_to(uv_loop_t* loop, const Address& a) {
    sockaddr_storage sa{};
    if (!to_sockaddr(a, sa)) {
      finish(false, target + ": not an IP address", true);
      return;
    }
    uv_tcp_init(loop, &tcp);
    tcp.data = this;
    tcp_open = true;
    ++open_handles;
    connect.data = this;
    const int rc = uv_tcp_connect(&connect, &tcp, reinterpret_cast<const sockaddr*>(&sa), [](uv_connect_t* req, int status) {
      auto* p = static_cast<Probe*>(req->data);
      if (p->over) return;  // timed out or dropped meanwhile
      if (status == 0) {
        p->finish(true, "connected to " + p->target, true);
      } else {
        p->finish(false, p->target + ": " + uv_error(status), true);
      }
    });
    if (rc != 0) finish(false, target + ": " + uv_error(rc), true);
  }
};

Probes::~Probes() { close(); }

std::uint64_t Probes::tcp(const std::string& target, Duration timeout, Done done) {
  if (closed_) return 0;
  auto p = std::make_shared<Probe>();
  p->owner = this;
  p->id = next_id_++;
  p->target = target;
  p->timeout = timeout;
  p->done = std::move(done);
  p->self = p;
  uv_timer_init(loop_, &p->timer);
  p->timer.data = p.get();
  p->open_handles = 1;
  const auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(to_ms(timeout), 1));
  uv_timer_start(
      &p->timer,
      [](uv_timer_t* t) {
        auto* probe = static_cast<Probe*>(t->data);
        probe->finish(false, "timed out after " + std::to_string(to_ms(probe->timeout)) + " ms", true);
      },
      ms, 0);
  probes_.emplace(p->id, p);
  // Resolved on the loop (an IP literal too: never from inside this call).
  std::weak_ptr<Probe> weak = p;
  uv_loop_t* loop = loop_;
  resolve_seeds(loop_, {target}, 0, AF_UNSPEC, [weak, loop](Resolved r) {
    auto probe = weak.lock();
    if (!probe || probe->over) return;
    if (r.addresses.empty()) {
      probe->finish(false, r.errors.empty() ? probe->target + ": no address" : r.errors, true);
      return;
    }
    probe->connect_to(loop, r.addresses.front());
  });
  return p->id;
}

void Probes::cancel(std::uint64_t id) {
  const auto it = probes_.find(id);
  if (it == probes_.end()) return;
  std::shared_ptr<Probe> p = it->second;
  p->finish(false, {}, false);
}

void Probes::close() {
  closed_ = true;
  while (!probes_.empty()) {
    std::shared_ptr<Probe> p = probes_.begin()->second;
    p->finish(false, {}, false);
  }
}

void Probes::finished(std::uint64_t id) { probes_.erase(id); }

}  // namespace wkd::transport
