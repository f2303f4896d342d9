// HTTP and gRPC health checks: transport::HttpProbes on a loop of the
// test's own, against a Python HTTP server (http_check_server.py on
// 127.0.0.141) and a real gRPC health server (grpcio, on 127.0.0.142),
// each answer mapped as runtime/http_checks.hpp says; a name that never
// resolves (a silent DNS server on 127.0.0.147); then an HTTP check on a
// real node (127.0.0.143) follows its server from passing to failing.
//
// Every wait has a deadline: a run must end within its timeout and a few
// seconds' slack, or the test fails; nothing asserts how fast.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

#include "child_server.hpp"
#include "real_node.hpp"
#include "runtime/http_checks.hpp"
#include "runtime/node.hpp"
#include "transport/http_probe.hpp"

#ifndef WKD_GRPC_PYTHON
#define WKD_GRPC_PYTHON ""
#endif

namespace wkd::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ChildServer;
using testing::eventually;
using testing::make_node;

constexpr const char* kHttpIp = "127.0.0.141";
constexpr const char* kGrpcIp = "127.0.0.142";
constexpr auto kSlack = seconds(5);

std::string script(const char* name) { return std::string(WKD_SOURCE_DIR) + "/tests/unit/runtime/" + name; }

// A port on 127.0.0.141 nothing listens on: bound, then let go.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, kHttpIp, &a.sin_addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A self-signed certificate for 127.0.0.141 and .142, made by openssl in
// a directory of its own and removed with it; `cert` is empty when openssl
// failed. The directory holds other scratch files too.
struct TestCert {
  TestCert() {
    char dir_template[] = "/tmp/wkd-http-check-XXXXXX";
    if (::mkdtemp(dir_template) == nullptr) return;
    dir = dir_template;
    key = dir + "/key.pem";
    const std::string pem = dir + "/cert.pem";
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=wkd-test "
        "-addext subjectAltName=IP:127.0.0.141,IP:127.0.0.142 -keyout " +
        key + " -out " + pem + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) cert = pem;
  }
  ~TestCert() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
  std::string dir, cert, key;
};

health::CheckSpec http_spec(const std::string& url, Duration timeout = seconds(5)) {
  health::CheckSpec s;
  s.kind = health::CheckKind::http;
  s.target = url;
  s.interval = timeout + seconds(1);
  s.timeout = timeout;
  return s;
}

// A loop of the test's own with HttpProbes on it. Each run starts one
// exchange and turns the loop until its result is in or its deadline
// passes. At the end every handle must be closed.
class HttpProbesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(uv_loop_init(&loop_), 0);
    probes_.emplace(&loop_);
  }
  void TearDown() override {
    probes_->close();
    uv_run(&loop_, UV_RUN_DEFAULT);
    probes_.reset();
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle is still open";
  }

  // nullopt: no result by the check's timeout plus the slack.
  std::optional<health::CheckResult> run(const health::CheckSpec& spec) {
    const bool grpc = spec.kind == health::CheckKind::grpc;
    std::optional<health::CheckResult> got;
    const auto id = probes_->exchange(grpc ? grpc_check_request(spec) : http_check_request(spec), spec.timeout,
                                      [&](transport::HttpResponse r) {
                                        got = grpc ? grpc_check_result(spec, r) : http_check_result(spec, r);
                                      });
    EXPECT_NE(id, 0u);
    EXPECT_FALSE(got.has_value()) << "done was called from inside exchange()";
    turn_until([&] { return got.has_value(); }, spec.timeout + kSlack);
    return got;
  }

  template <class F>
  void turn_until(F&& pred, Duration limit) {
    // A timer wakes the loop now and then, so the deadline is seen even
    // while nothing else happens.
    uv_timer_t tick;
    uv_timer_init(&loop_, &tick);
    uv_timer_start(&tick, [](uv_timer_t*) {}, 50, 50);
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!pred() && std::chrono::steady_clock::now() < end) uv_run(&loop_, UV_RUN_ONCE);
    uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
    uv_run(&loop_, UV_RUN_NOWAIT);
  }

  uv_loop_t loop_{};
  std::optional<transport::HttpProbes> probes_;
};

class HttpChecks : public HttpProbesTest {
 protected:
  static void SetUpTestSuite() { server_ = new ChildServer({"python3", script("http_check_server.py"), kHttpIp}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    HttpProbesTest::SetUp();
    ASSERT_NE(server_->port(), 0) << "http_check_server.py did not start";
  }
  static std::string url(const std::string& path) {
    return "http://" + std::string(kHttpIp) + ":" + std::to_string(server_->port()) + path;
  }
  static ChildServer* server_;
};
ChildServer* HttpChecks::server_ = nullptr;

TEST_F(HttpChecks, TwoHundredPassesWithTheStatusLineAndBody) {
  auto r = run(http_spec(url("/ok")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::passing);
  EXPECT_EQ(r->output, "HTTP GET " + url("/ok") + ": 200 OK\nall good");
}

TEST_F(HttpChecks, TooManyRequestsIsAWarning) {
  auto r = run(http_spec(url("/busy")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::warning);
  EXPECT_EQ(r->output, "HTTP GET " + url("/busy") + ": 429 Too Many Requests\nslow down");
}

TEST_F(HttpChecks, OtherStatusesAreCritical) {
  auto r = run(http_spec(url("/error")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_EQ(r->output, "HTTP GET " + url("/error") + ": 500 Internal Server Error\nbroken");
  r = run(http_spec(url("/nowhere")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find(": 404 Not Found"), std::string::npos) << r->output;
}

TEST_F(HttpChecks, MethodHeadersAndBodyAreSent) {
  auto spec = http_spec(url("/echo"));
  spec.method = "PUT";
  spec.headers = {{"X-Check", "yes"}};
  spec.body = "ping";
  auto r = run(spec);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::passing);
  EXPECT_EQ(r->output, "HTTP PUT " + url("/echo") + ": 200 OK\nPUT ping yes");
}

TEST_F(HttpChecks, ARedirectIsFollowed) {
  auto r = run(http_spec(url("/moved")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::passing);
  EXPECT_EQ(r->output, "HTTP GET " + url("/moved") + ": 200 OK\nall good");
}

TEST_F(HttpChecks, ARedirectLoopFailsNamingIt) {
  auto r = run(http_spec(url("/loop")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("redirect loop"), std::string::npos) << r->output;
}

TEST_F(HttpChecks, AServerThatDoesNotAnswerTimesOut) {
  auto r = run(http_spec(url("/hang"), milliseconds(500)));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("timed out"), std::string::npos) << r->output;
}

TEST_F(HttpChecks, ATrickledBodyTimesOut) {
  // Headers at once, then a byte a second: the timeout bounds the whole
  // exchange, not the wait between bytes.
  auto r = run(http_spec(url("/trickle"), milliseconds(1500)));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("timed out"), std::string::npos) << r->output;
}

TEST_F(HttpChecks, AHugeBodyIsReadNoFurtherThanTheOutputKeeps) {
  // 1 GiB would not come in within the timeout; 4 KiB of it is read and
  // the status decides.
  auto r = run(http_spec(url("/huge"), seconds(3)));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::passing) << r->output.substr(0, 200);
  const std::string head = "HTTP GET " + url("/huge") + ": 200 OK\n";
  ASSERT_EQ(r->output.substr(0, head.size()), head);
  EXPECT_EQ(r->output.size(), head.size() + health::kMaxOutput);
  r = run(http_spec(url("/huge-error"), seconds(3)));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find(": 503 Service Unavailable\nzzzz"), std::string::npos) << r->output.substr(0, 200);
}

TEST_F(HttpChecks, ARefusedConnectionFails) {
  const std::string target = "http://" + std::string(kHttpIp) + ":" + std::to_string(closed_port()) + "/health";
  auto r = run(http_spec(target));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_EQ(r->output.rfind("HTTP GET " + target + ": ", 0), 0u) << r->output;
  EXPECT_NE(r->output.find("Connection refused"), std::string::npos) << r->output;
}

TEST_F(HttpChecks, AHostThatDoesNotResolveFails) {
  auto r = run(http_spec("http://no-such-host.invalid/health"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("resolve"), std::string::npos) << r->output;
}

TEST_F(HttpChecks, OnlyHttpAndHttpsAreSpoken) {
  // validate() refuses these before they reach a node; the exchange
  // refuses them as well.
  for (const std::string target : {"ftp://127.0.0.141/health", "file:///etc/passwd", "gopher://127.0.0.141/"}) {
    EXPECT_FALSE(health::validate(http_spec(target)).ok()) << target;
    auto r = run(http_spec(target));
    ASSERT_TRUE(r.has_value()) << target;
    EXPECT_EQ(r->state, health::CheckState::critical);
    EXPECT_NE(r->output.find("not supported"), std::string::npos) << r->output;
  }
  // Redirects too.
  auto r = run(http_spec(url("/to-ftp")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("Protocol \"ftp\" not supported"), std::string::npos) << r->output;
}

TEST_F(HttpProbesTest, HttpsIsVerifiedUnlessTheCheckSaysNot) {
  TestCert tls;
  ASSERT_FALSE(tls.cert.empty()) << "openssl could not make a certificate";
  ChildServer server({"python3", script("http_check_server.py"), kHttpIp, tls.cert, tls.key});
  ASSERT_NE(server.port(), 0);
  auto spec = http_spec("https://" + std::string(kHttpIp) + ":" + std::to_string(server.port()) + "/ok");
  auto r = run(spec);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("certificate"), std::string::npos) << r->output;
  spec.tls_skip_verify = true;
  r = run(spec);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::passing) << r->output;
  EXPECT_EQ(r->output, "HTTP GET " + spec.target + ": 200 OK\nall good");
}

TEST_F(HttpChecks, ManyExchangesAtOnceAllComplete) {
  // 200 at once: as many sockets watched together, each reported once.
  constexpr int kMany = 200;
  int passed = 0, done = 0;
  for (int i = 0; i < kMany; ++i) {
    const auto spec = http_spec(url(i % 2 == 0 ? "/ok" : "/busy"));
    probes_->exchange(http_check_request(spec), seconds(10), [&, spec](transport::HttpResponse r) {
      ++done;
      if (http_check_result(spec, r).state != health::CheckState::critical) ++passed;
    });
  }
  EXPECT_EQ(probes_->in_flight(), static_cast<std::size_t>(kMany));
  turn_until([&] { return done == kMany; }, seconds(10) + kSlack);
  EXPECT_EQ(done, kMany);
  EXPECT_EQ(passed, kMany);
  EXPECT_EQ(probes_->in_flight(), 0u);
}

TEST_F(HttpChecks, CloseDropsExchangesInFlight) {
  bool called = false;
  probes_->exchange(http_check_request(http_spec(url("/hang"))), seconds(5),
                    [&](transport::HttpResponse) { called = true; });
  probes_->exchange(http_check_request(http_spec(url("/ok"))), seconds(5),
                    [&](transport::HttpResponse) { called = true; });
  const auto cancelled = probes_->exchange(http_check_request(http_spec(url("/hang"))), seconds(5),
                                           [&](transport::HttpResponse) { called = true; });
  turn_until([] { return false; }, milliseconds(200));
  probes_->cancel(cancelled);
  EXPECT_EQ(probes_->in_flight(), 1u + (called ? 0u : 1u));
  probes_->close();
  EXPECT_EQ(probes_->in_flight(), 0u);
  called = false;
  EXPECT_EQ(probes_->exchange(http_check_request(http_spec(url("/ok"))), seconds(5),
                              [&](transport::HttpResponse) { called = true; }),
            0u);
  uv_run(&loop_, UV_RUN_DEFAULT);  // ends: nothing is left open
  EXPECT_FALSE(called);
}

// A name whose resolution does not end: a child process, in a mount
// namespace of its own, sees an /etc/resolv.conf naming 127.0.0.147, where
// a UDP socket of the test's takes queries and never answers. The
// exchange must end at its timeout and the loop right after, not when
// getaddrinfo gives up 10 s later (libcurl would join its resolver thread
// on the loop). Needs root, as CI has; skipped elsewhere.
TEST(HttpProbesResolving, AnExchangeEndsAtItsTimeoutWhileItsNameStillResolves) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: a mount namespace and port 53";
  const int dns = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(53);
  ::inet_pton(AF_INET, "127.0.0.147", &a.sin_addr);
  if (::bind(dns, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    const int err = errno;
    ::close(dns);
    GTEST_SKIP() << "cannot bind 127.0.0.147:53: " << std::generic_category().message(err);
  }
  TestCert dir;  // only its directory
  ASSERT_FALSE(dir.dir.empty());
  const std::string conf = dir.dir + "/resolv.conf";
  std::ofstream(conf) << "nameserver 127.0.0.147\noptions timeout:5 attempts:2\n";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(conf.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0) {
      ::_exit(77);
    }
    ::alarm(5);  // a loop blocked in a join never gets further
    uv_loop_t loop;
    uv_loop_init(&loop);
    int code = 2;
    {
      transport::HttpProbes probes(&loop);
      transport::HttpRequest q;
      q.url = "http://wkd-slow.example.com/health";
      probes.exchange(q, milliseconds(500), [&](transport::HttpResponse r) {
        code = r.error.find("Resolving timed out") != std::string::npos ? 0 : 3;
        probes.close();
      });
      uv_run(&loop, UV_RUN_DEFAULT);
    }
    if (uv_loop_close(&loop) != 0) code = 4;
    ::_exit(code);
  }
  int status = 0;
  const auto end = std::chrono::steady_clock::now() + seconds(20);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  ::close(dns);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) GTEST_SKIP() << "no mount namespace here";
  ASSERT_TRUE(WIFEXITED(status)) << "the child was killed by signal " << WTERMSIG(status)
                                 << " (SIGALRM: the loop was blocked past the timeout)";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: no result, 3: not a resolution timeout, 4: a handle left open";
}

// ---- gRPC ----

class GrpcChecks : public HttpProbesTest {
 protected:
  static void SetUpTestSuite() {
    if (::access(WKD_GRPC_PYTHON, X_OK) == 0) {
      server_ = new ChildServer({WKD_GRPC_PYTHON, script("grpc_health_server.py"), kGrpcIp});
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_ == nullptr) {
      // CI installs them (.ci/setup.sh): there, their absence is a failure.
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "no Python with the grpc and grpc_health modules at " << WKD_GRPC_PYTHON;
      }
      GTEST_SKIP() << "no Python with the grpc and grpc_health modules at " << WKD_GRPC_PYTHON
                   << " (grpcio, grpcio-health-checking: bash .ci/setup.sh installs them)";
    }
    HttpProbesTest::SetUp();
    ASSERT_NE(server_->port(), 0) << "grpc_health_server.py did not start (are grpc and grpc_health installed?)";
  }
  static health::CheckSpec spec(const std::string& service, int port = 0) {
    health::CheckSpec s;
    s.kind = health::CheckKind::grpc;
    s.target = std::string(kGrpcIp) + ":" + std::to_string(port != 0 ? port : server_->port());
    s.grpc_service = service;
    s.interval = seconds(6);
    s.timeout = seconds(5);
    EXPECT_TRUE(health::validate(s).ok()) << health::validate(s).message();
    return s;
  }
  static ChildServer* server_;
};
ChildServer* GrpcChecks::server_ = nullptr;

TEST_F(GrpcChecks, ServingPasses) {
  for (const std::string service : {"", "svc.ok"}) {
    const auto s = spec(service);
    auto r = run(s);
    ASSERT_TRUE(r.has_value()) << service;
    EXPECT_EQ(r->state, health::CheckState::passing) << r->output;
    EXPECT_EQ(r->output.substr(r->output.size() - 9), ": SERVING") << r->output;
  }
  // The URL forms reach the same server.
  auto s = spec("svc.ok");
  s.target = "http://" + s.target;
  auto r = run(s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::passing) << r->output;
}

TEST_F(GrpcChecks, NotServingFails) {
  auto r = run(spec("svc.down"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_EQ(r->output, "gRPC health of svc.down at " + spec("svc.down").target + ": NOT_SERVING");
}

TEST_F(GrpcChecks, AnUnknownServiceFails) {
  auto r = run(spec("svc.nope"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("grpc-status 5 NOT_FOUND"), std::string::npos) << r->output;
}

TEST_F(GrpcChecks, NothingListeningFails) {
  auto r = run(spec("", closed_port()));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("Connection refused"), std::string::npos) << r->output;
}

TEST_F(GrpcChecks, OverTlsTheCertificateIsVerifiedUnlessTheCheckSaysNot) {
  TestCert tls;
  ASSERT_FALSE(tls.cert.empty()) << "openssl could not make a certificate";
  ChildServer server({WKD_GRPC_PYTHON, script("grpc_health_server.py"), kGrpcIp, tls.cert, tls.key});
  ASSERT_NE(server.port(), 0);
  auto s = spec("svc.ok");
  s.target = "https://" + std::string(kGrpcIp) + ":" + std::to_string(server.port());
  auto r = run(s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical);
  EXPECT_NE(r->output.find("certificate"), std::string::npos) << r->output;
  s.tls_skip_verify = true;
  r = run(s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::passing) << r->output;
  EXPECT_EQ(r->output, "gRPC health of svc.ok at " + s.target + ": SERVING");
}

TEST_F(GrpcChecks, AnHttpServerIsNoGrpcServer) {
  // The HTTP/1.1-only Python server does not speak HTTP/2 at all.
  ChildServer http({"python3", script("http_check_server.py"), kGrpcIp});
  ASSERT_NE(http.port(), 0);
  auto r = run(spec("", http.port()));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, health::CheckState::critical) << r->output;
}

// ---- on a node ----

TEST(NodeHttpChecks, AnHttpCheckFollowsItsServer) {
  ChildServer server({"python3", script("http_check_server.py"), kHttpIp});
  ASSERT_NE(server.port(), 0);
  auto n = make_node("http-check", "127.0.0.143");
  const registry::InstanceKey key{"web", "web-1"};
  registry::Instance in;
  in.service = "web";
  in.id = "web-1";
  in.host = kHttpIp;
  in.port = server.port();
  ASSERT_TRUE(n->register_instance(in).ok());
  auto status_here = [&] {
    auto v = n->view();
    const InstanceRecord* r = v && v->services ? v->services->find(key) : nullptr;
    return r != nullptr ? (*r)->status : registry::InstanceStatus::deregistered;
  };
  auto spec = http_spec("http://" + std::string(kHttpIp) + ":" + std::to_string(server.port()) + "/health",
                        milliseconds(1000));
  spec.interval = milliseconds(300);
  spec.timeout = milliseconds(250);
  ASSERT_TRUE(n->add_check(key, spec).ok());
  ASSERT_TRUE(eventually([&] { return status_here() == registry::InstanceStatus::healthy; }));
  auto st = n->check_status(key, "http");
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(st->last.output, "HTTP GET " + spec.target + ": 200 OK\nhealthy");
  server.command("fail");
  ASSERT_TRUE(eventually([&] { return status_here() == registry::InstanceStatus::unhealthy; }));
  st = n->check_status(key, "http");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->last.output, "HTTP GET " + spec.target + ": 500 Internal Server Error\nfailing");
  // A gRPC check is accepted too (nothing listens: it fails, and that is
  // all this asks).
  health::CheckSpec grpc;
  grpc.kind = health::CheckKind::grpc;
  grpc.target = std::string(kGrpcIp) + ":" + std::to_string(closed_port());
  grpc.interval = milliseconds(300);
  grpc.timeout = milliseconds(250);
  ASSERT_TRUE(n->add_check(key, grpc).ok());
  ASSERT_TRUE(eventually([&] {
    auto s = n->check_status(key, "grpc");
    return s.ok() && s->last.output.find("gRPC health of the server") != std::string::npos;
  }));
  n->close();
}

}  // namespace
}  // namespace wkd::runtime
