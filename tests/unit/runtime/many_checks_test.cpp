// Five hundred HTTP checks at a 1 s interval on one node, against a small
// HTTP server of the test's own (127.0.0.163): the checks run on the
// node's loop beside its gossip, so in every one-second window at least
// 90 % of them have completed a run, and the node's peer (127.0.0.162)
// never suspects the node (127.0.0.161) meanwhile. Every wait has a
// deadline; nothing here asserts how fast a run was.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "real_node.hpp"
#include "transport/clock.hpp"

namespace wkd::runtime {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::make_node;

constexpr int kChecks = 500;
constexpr const char* kServerIp = "127.0.0.163";

// Answers every request with 200 and closes the connection; one thread,
// poll(2) over the listener and the open connections.
class HealthServer {
 public:
  HealthServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, kServerIp, &a.sin_addr);
    socklen_t len = sizeof(a);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::listen(listener_, 1024) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~HealthServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (const pollfd& p : conns_) ::close(p.fd);
    if (listener_ >= 0) ::close(listener_);
  }
  std::uint16_t port() const { return port_; }
  std::uint64_t answered() const { return answered_.load(); }

 private:
  void serve() {
    static const char kReply[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
    while (!stop_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      fds.insert(fds.end(), conns_.begin(), conns_.end());
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      std::vector<pollfd> keep;
      if (fds[0].revents & POLLIN) {
        for (int fd; (fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          keep.push_back(pollfd{fd, POLLIN, 0});
        }
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        const pollfd& p = fds[i];
        if (p.revents == 0) {
          keep.push_back(pollfd{p.fd, POLLIN, 0});
          continue;
        }
        char buf[2048];
        const ssize_t n = ::read(p.fd, buf, sizeof(buf));
        if (n > 0 && std::string(buf, static_cast<std::size_t>(n)).find("\r\n\r\n") != std::string::npos) {
          if (::write(p.fd, kReply, sizeof(kReply) - 1) > 0) ++answered_;
        } else if (n < 0 && errno == EAGAIN) {
          keep.push_back(pollfd{p.fd, POLLIN, 0});
          continue;
        }
        ::close(p.fd);
      }
      conns_ = std::move(keep);
    }
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> answered_{0};
  std::vector<pollfd> conns_;  // the server thread's
};

TEST(ManyChecks, FiveHundredHttpChecksRunEveryIntervalAndGossipGoesOn) {
  HealthServer server;
  ASSERT_NE(server.port(), 0);
  auto a = make_node("many-a", "127.0.0.161");
  auto b = make_node("many-b", "127.0.0.162");
  int joined = 0;
  ASSERT_TRUE(b->join({a->local_address().to_string()}, 10s, &joined).ok());
  ASSERT_EQ(joined, 1);

  const std::string url = "http://" + std::string(kServerIp) + ":" + std::to_string(server.port()) + "/health";
  std::vector<registry::InstanceKey> keys;
  for (int i = 0; i < kChecks; ++i) {
    registry::Instance in;
    in.service = "web";
    in.id = "w-" + std::to_string(i);
    in.host = kServerIp;
    in.port = server.port();
    health::CheckSpec spec;
    spec.kind = health::CheckKind::http;
    spec.target = url;
    spec.interval = 1s;
    spec.timeout = 800ms;
    ASSERT_TRUE(a->register_service(in, Duration::zero(), {spec}).ok()) << i;
    keys.push_back(registry::InstanceKey{in.service, in.id});
  }
  // Every instance HEALTHY on the owner (each check passed once).
  auto healthy = [&] {
    auto v = a->view();
    if (!v || !v->services) return 0;
    int n = 0;
    for (const auto& k : keys) {
      const InstanceRecord* r = v->services->find(k);
      if (r != nullptr && (*r)->status == registry::InstanceStatus::healthy) ++n;
    }
    return n;
  };
  ASSERT_TRUE(eventually([&] { return healthy() == kChecks; }, 30s)) << healthy() << " of " << kChecks << "; w-0: " << [&] {
    auto st = a->check_status(keys[0], "http");
    return st.ok() ? st->last.output : st.message();
  }();

  // b watches a's membership while the checks run.
  std::atomic<bool> watching{true};
  std::atomic<int> not_alive{0};
  std::thread watcher([&] {
    while (watching) {
      auto v = b->view();
      const ViewEntry* e = v ? v->find("many-a") : nullptr;
      if (e == nullptr || e->member->state != MemberState::alive) ++not_alive;
      std::this_thread::sleep_for(20ms);
    }
  });

  // Five one-second windows: in each, the share of checks whose last run
  // ended within the window (plus a quarter of a second of slack for the
  // spread of a run's start) is at least 90 %.
  for (int window = 0; window < 5; ++window) {
    std::this_thread::sleep_for(1s);
    const TimePoint now = transport::mono_now();
    int recent = 0;
    for (const auto& k : keys) {
      auto st = a->check_status(k, "http");
      ASSERT_TRUE(st.ok()) << st.message();
      if (st->last_result != TimePoint{} && now - st->last_result <= 1250ms &&
          st->last.state == registry::CheckState::passing) {
        ++recent;
      }
    }
    EXPECT_GE(recent * 100, kChecks * 90) << "window " << window << ": " << recent << " of " << kChecks
                                          << " checks completed a run";
  }
  watching = false;
  watcher.join();
  EXPECT_EQ(not_alive.load(), 0) << "many-b saw many-a other than alive " << not_alive.load() << " times";
  EXPECT_GE(server.answered(), static_cast<std::uint64_t>(kChecks) * 5);
  a->close();
  b->close();
}

}  // namespace
}  // namespace wkd::runtime
