// Many HTTP checks on one node: N checks (500 by default) at an interval
// (1 s) against one local HTTP server, for a while (20 s), and how many of
// their runs complete per interval.
//
//   wkd_http_check_bench [--checks N] [--interval-ms MS] [--seconds S]
//
// The server is a minimal HTTP/1.1 responder of this program's own, on its
// own libuv loop thread at 127.0.0.145 (an ephemeral port): every request
// gets "200 OK" and a two-byte body on a kept-alive connection, so the
// figures are the node's, not the server's. The node (127.0.0.146) has one
// instance with N checks of its /health. Printed: the requests the server
// answered in each second, their mean, min and max per interval, and from
// the node the checks' results (runs in a row that passed, and any that
// failed). Not a test: nothing is asserted.
#include <uv.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "runtime/node.hpp"

using namespace wkd;
using std::chrono::milliseconds;

namespace {

constexpr const char* kServerIp = "127.0.0.145";
constexpr const char* kNodeIp = "127.0.0.146";
constexpr char kAnswer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";

std::atomic<std::uint64_t> g_answered{0};

struct Conn {
  uv_tcp_t tcp{};
  std::string pending;
};

void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* c = static_cast<Conn*>(s->data);
  if (n > 0) {
    c->pending.append(buf->base, static_cast<std::size_t>(n));
    std::size_t end;
    while ((end = c->pending.find("\r\n\r\n")) != std::string::npos) {
      c->pending.erase(0, end + 4);  // requests without bodies only
      auto* req = new uv_write_t;
      uv_buf_t out = uv_buf_init(const_cast<char*>(kAnswer), sizeof(kAnswer) - 1);
      uv_write(req, s, &out, 1, [](uv_write_t* w, int) { delete w; });
      g_answered.fetch_add(1, std::memory_order_relaxed);
    }
  }
  delete[] buf->base;
  if (n < 0) uv_close(reinterpret_cast<uv_handle_t*>(s), [](uv_handle_t* h) { delete static_cast<Conn*>(h->data); });
}

struct Server {
  uv_loop_t loop{};
  uv_tcp_t listener{};
  uv_async_t stop{};
  int port = 0;
  std::thread thread;

  bool start() {
    uv_loop_init(&loop);
    uv_tcp_init(&loop, &listener);
    sockaddr_in a{};
    uv_ip4_addr(kServerIp, 0, &a);
    if (uv_tcp_bind(&listener, reinterpret_cast<const sockaddr*>(&a), 0) != 0) return false;
    listener.data = this;
    const int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener), 1024, [](uv_stream_t* l, int status) {
      if (status < 0) return;
      auto* c = new Conn;
      uv_tcp_init(l->loop, &c->tcp);
      c->tcp.data = c;
      if (uv_accept(l, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), [](uv_handle_t* h) { delete static_cast<Conn*>(h->data); });
        return;
      }
      uv_read_start(
          reinterpret_cast<uv_stream_t*>(&c->tcp),
          [](uv_handle_t*, std::size_t suggested, uv_buf_t* b) { *b = uv_buf_init(new char[suggested], suggested); },
          on_read);
    });
    if (rc != 0) return false;
    sockaddr_storage bound{};
    int len = sizeof(bound);
    uv_tcp_getsockname(&listener, reinterpret_cast<sockaddr*>(&bound), &len);
    port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    // Stopping closes every handle: the listener, this one, and each
    // connection (whose data is its Conn).
    stop.data = this;
    uv_async_init(&loop, &stop, [](uv_async_t* h) {
      uv_walk(
          h->loop,
          [](uv_handle_t* x, void* self) {
            auto* srv = static_cast<Server*>(self);
            if (uv_is_closing(x)) return;
            if (x == reinterpret_cast<uv_handle_t*>(&srv->listener) || x == reinterpret_cast<uv_handle_t*>(&srv->stop)) {
              uv_close(x, nullptr);
            } else {
              uv_close(x, [](uv_handle_t* t) { delete static_cast<Conn*>(t->data); });
            }
          },
          h->data);
    });
    thread = std::thread([this] { uv_run(&loop, UV_RUN_DEFAULT); });
    return true;
  }
  void close() {
    uv_async_send(&stop);
    thread.join();
    uv_loop_close(&loop);
  }
};

long arg(int argc, char** argv, const char* name, long dflt) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::strtol(argv[i + 1], nullptr, 10);
  }
  return dflt;
}

}  // namespace

int main(int argc, char** argv) {
  const long checks = arg(argc, argv, "--checks", 500);
  const long interval_ms = arg(argc, argv, "--interval-ms", 1000);
  const long seconds = arg(argc, argv, "--seconds", 20);
  if (checks < 1 || checks > 10000 || interval_ms < 100 || seconds < 2) {
    std::fprintf(stderr, "usage: %s [--checks 1-10000] [--interval-ms >=100] [--seconds >=2]\n", argv[0]);
    return 2;
  }
  Server server;
  if (!server.start()) {
    std::fprintf(stderr, "cannot listen on %s\n", kServerIp);
    return 1;
  }

  runtime::NodeOptions o;
  o.serf = serf::Config::preset(options::Preset::local);
  o.serf.memberlist.name = "http-bench";
  o.bind = *parse_address(std::string(kNodeIp) + ":0");
  o.identity.wkd_version = "0.1.0";
  o.log_level = LogLevel::error;
  o.log = [](LogLevel, const std::string&, const std::string&) {};
  auto node = runtime::Node::create(std::move(o));
  if (!node.ok() || !(*node)->start().ok()) {
    std::fprintf(stderr, "the node did not start\n");
    return 1;
  }
  auto& n = **node;
  registry::Instance in;
  in.service = "web";
  in.id = "web-1";
  in.host = kServerIp;
  in.port = server.port;
  if (!n.register_instance(in).ok()) return 1;
  const registry::InstanceKey key{"web", "web-1"};
  const std::string url = "http://" + std::string(kServerIp) + ":" + std::to_string(server.port) + "/health";
  for (long i = 0; i < checks; ++i) {
    health::CheckSpec s;
    s.id = "http-" + std::to_string(i);
    s.kind = health::CheckKind::http;
    s.target = url;
    s.interval = milliseconds(interval_ms);
    s.timeout = milliseconds(std::min<long>(interval_ms, 900));
    if (auto st = n.add_check(key, s); !st.ok()) {
      std::fprintf(stderr, "add_check: %s\n", st.message().c_str());
      return 1;
    }
  }

  // The first interval spreads the first runs; count from the second.
  std::this_thread::sleep_for(milliseconds(interval_ms));
  std::vector<double> per_interval;
  std::uint64_t last = g_answered.load();
  auto tick = std::chrono::steady_clock::now();
  for (long s = 0; s < seconds; ++s) {
    tick += milliseconds(1000);
    std::this_thread::sleep_until(tick);
    const std::uint64_t now = g_answered.load();
    per_interval.push_back(static_cast<double>(now - last) * static_cast<double>(interval_ms) / 1000.0);
    last = now;
  }
  std::uint64_t in_a_row = 0, failing = 0;
  for (long i = 0; i < checks; ++i) {
    auto st = n.check_status(key, "http-" + std::to_string(i));
    if (!st.ok()) continue;
    in_a_row += st->successes;
    if (st->failures > 0) ++failing;
  }
  n.close();
  server.close();

  double sum = 0;
  for (double v : per_interval) sum += v;
  const auto [mn, mx] = std::minmax_element(per_interval.begin(), per_interval.end());
  std::printf("http checks: %ld at %ld ms against one local server, %ld s measured\n", checks, interval_ms, seconds);
  std::printf("runs completed per interval: mean %.1f, min %.1f, max %.1f (expected %ld)\n",
              sum / static_cast<double>(per_interval.size()), *mn, *mx, checks);
  std::printf("checks failing at the end: %llu; passed runs in a row, all checks: %llu\n",
              static_cast<unsigned long long>(failing), static_cast<unsigned long long>(in_a_row));
  return 0;
}
