// Tests of the agent's HTTP server: a libuv loop on a background thread
// runs the Server; the test thread talks to it through real sockets on
// 127.0.0.1 and [::1]. Every wait has a deadline; no test asserts speed.
#include "agent/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/http_codec.hpp"

namespace wkd::agent::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Generous: a hang guard, never a speed assertion.
constexpr auto kDeadline = 5s;

// ---- a libuv loop on its own thread ---------------------------------------

class LoopThread {
 public:
  LoopThread() {
    uv_loop_init(&loop_);
    uv_async_init(&loop_, &async_, &LoopThread::on_async);
    async_.data = this;
    thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  }
  ~LoopThread() { stop(); }
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  uv_loop_t* get() { return &loop_; }

  void post(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(f));
    }
    uv_async_send(&async_);
  }

  // Runs f on the loop thread and returns its result.
  template <class F>
  auto call(F f) -> decltype(f()) {
    using T = decltype(f());
    auto p = std::make_shared<std::promise<T>>();
    auto fut = p->get_future();
    post([p, f = std::move(f)]() mutable {
      if constexpr (std::is_void_v<T>) {
        f();
        p->set_value();
      } else {
        p->set_value(f());
      }
    });
    if (fut.wait_for(kDeadline * 2) != std::future_status::ready) {
      ADD_FAILURE() << "loop thread did not answer";
      std::abort();
    }
    return fut.get();
  }

  void stop() {
    if (!thread_.joinable()) return;
    post([this] {
      // Whatever a failed test left open is closed so the loop can end.
      uv_walk(
          &loop_,
          [](uv_handle_t* h, void*) {
            if (!uv_is_closing(h)) uv_close(h, nullptr);
          },
          nullptr);
    });
    thread_.join();
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

 private:
  static void on_async(uv_async_t* a) {
    auto* self = static_cast<LoopThread*>(a->data);
    std::deque<std::function<void()>> work;
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      work.swap(self->queue_);
    }
    for (auto& f : work) f();
  }

  uv_loop_t loop_{};
  uv_async_t async_{};
  std::thread thread_;
  std::mutex mu_;
  std::deque<std::function<void()>> queue_;
};

// ---- a blocking client with deadlines ---------------------------------------

struct Reply {
  int status = 0;
  Headers headers;  // names lower-cased
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Client {
 public:
  explicit Client(const Address& a) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (a.ip_len == 4) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(a.port);
      std::memcpy(&sin->sin_addr, a.ip.data(), 4);
      len = sizeof(sockaddr_in);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(a.port);
      std::memcpy(&sin6->sin6_addr, a.ip.data(), 16);
      len = sizeof(sockaddr_in6);
    }
    fd_ = ::socket(ss.ss_family, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) == 0;
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view s) {
    while (!s.empty()) {
      const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response (headers only when no_body: the answer to HEAD); nullopt
  // on EOF, error or deadline before it is whole.
  std::optional<Reply> read_reply(bool no_body = false) {
    const auto deadline = Clock::now() + kDeadline;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(deadline)) return std::nullopt;
    }
    Reply r;
    const std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
    r.status = std::atoi(status_line.c_str() + 9);
    while (pos != std::string::npos) {
      const std::size_t next = head.find("\r\n", pos + 2);
      const std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        r.headers.emplace_back(lower(line.substr(0, colon)), v);
      }
      pos = next;
    }
    const auto cl = r.header("content-length");
    if (no_body) {
      // nothing follows the headers
    } else if (cl) {
      const std::size_t n = std::stoul(*cl);
      while (buf_.size() < n) {
        if (!fill(deadline)) return std::nullopt;
      }
      r.body = buf_.substr(0, n);
      buf_.erase(0, n);
    } else if (r.status >= 200 && r.status != 204 && r.status != 304) {
      while (fill(deadline)) {
      }
      r.body = std::move(buf_);
      buf_.clear();
    }
    return r;
  }

  // True once the server has closed the connection (EOF or reset) within the
  // deadline; bytes received before that are kept in `extra`.
  bool wait_closed(std::string* extra = nullptr) {
    const auto deadline = Clock::now() + kDeadline;
    while (fill(deadline)) {
    }
    if (extra != nullptr) *extra = buf_;
    return eof_;
  }

  // Whether the server has sent anything or closed, without waiting.
  bool quiet() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

 private:
  // Reads more; false on EOF, error or deadline.
  bool fill(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char tmp[65536];
    const ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) {
      eof_ = true;  // EOF or reset: closed either way
      return false;
    }
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buf_;
};

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) + "\r\n";
}

std::string post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + std::string(body);
}

Response text(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

// ---- fixture ------------------------------------------------------------------

class HttpServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    close_server();
    loop_.stop();
  }

  // Starts a server; handled requests are recorded in requests().
  void start(Limits limits, Handler h, Address bind = Address::v4(127, 0, 0, 1, 0)) {
    auto wrapped = [this, h = std::move(h)](const Request& req, std::shared_ptr<Responder> r) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(req);
      }
      h(req, std::move(r));
    };
    auto r = loop_.call([&] { return Server::listen(loop_.get(), bind, limits, wrapped); });
    ASSERT_TRUE(r.ok()) << r.message();
    server_ = std::move(r).value();
    addr_ = server_->local_address();
  }

  // A handler answering at once with the decoded path as text.
  static Handler echo_path() {
    return [](const Request& req, std::shared_ptr<Responder> r) { r->send(text(req.path)); };
  }

  void close_server() {
    if (!server_) return;
    std::promise<void> done;
    auto fut = done.get_future();
    loop_.post([&] { server_->close([&] { done.set_value(); }); });
    ASSERT_EQ(fut.wait_for(kDeadline), std::future_status::ready) << "close(done) never called done";
    loop_.call([&] { server_.reset(); });
  }

  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  std::size_t connections() {
    return loop_.call([&] { return server_->connections(); });
  }

  // Polls pred (on the test thread) until true or the deadline.
  template <class Pred>
  bool eventually(Pred pred) {
    const auto deadline = Clock::now() + kDeadline;
    while (Clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return pred();
  }

  LoopThread loop_;
  std::unique_ptr<Server> server_;
  Address addr_;
  std::mutex mu_;
  std::vector<Request> requests_;
};

// Starts a one-shot uv timer that runs f on the loop thread after `ms`.
void after(uv_loop_t* loop, std::uint64_t ms, std::function<void()> f) {
  struct T {
    uv_timer_t timer;
    std::function<void()> f;
  };
  auto* t = new T{};
  t->f = std::move(f);
  uv_timer_init(loop, &t->timer);
  t->timer.data = t;
  uv_timer_start(
      &t->timer,
      [](uv_timer_t* h) {
        auto* self = static_cast<T*>(h->data);
        self->f();
        uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* hh) { delete static_cast<T*>(hh->data); });
      },
      ms, 0);
}

// ---- pure pieces --------------------------------------------------------------

TEST(HttpCodec, PercentDecoding) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2F", false), "a b/c/");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%e2%82%AC", false), "\xe2\x82\xac");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("ab%g0", true));
}

TEST(HttpCodec, QueryAndTarget) {
  Request r;
  r.target = "/v1/kv/a%20b?x=1&tag=a&&tag=b+c&flag&enc=%41%2B#frag";
  ASSERT_TRUE(decode_target(r));
  EXPECT_EQ(r.path, "/v1/kv/a b");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"x", "1"}, {"tag", "a"}, {"tag", "b c"}, {"flag", ""}, {"enc", "A+"}};
  EXPECT_EQ(r.query, want);
  ASSERT_NE(r.param("tag"), nullptr);
  EXPECT_EQ(*r.param("tag"), "a");
  EXPECT_EQ(r.params("tag"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(r.param("nope"), nullptr);

  Request abs;
  abs.target = "http://example.test:8500/v1/status?a=1";
  ASSERT_TRUE(decode_target(abs));
  EXPECT_EQ(abs.path, "/v1/status");
  EXPECT_EQ(*abs.param("a"), "1");

  Request bad;
  bad.target = "/ok?a=%4";
  EXPECT_FALSE(decode_target(bad));
}

TEST(HttpCodec, Serialize) {
  Response r = text("hello");
  r.headers = {{"Allow", "GET, PUT"}, {"X-Evil", "a\r\nSet-Cookie: x"}, {"Content-Length", "99"}};
  EXPECT_EQ(serialize(r, {}),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nAllow: GET, PUT\r\n\r\nhello");
  EXPECT_EQ(serialize(r, WireOptions{.close = true, .head = true}),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nAllow: GET, PUT\r\n"
            "Connection: close\r\n\r\n");
  Response none;
  none.status = 204;
  EXPECT_EQ(serialize(none, WireOptions{.keep_alive_header = true}),
            "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_STREQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_STREQ(reason_phrase(799), "Unknown");
  const Response e = Response::error(404, "no \"such\" key");
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.content_type, "application/json");
  EXPECT_EQ(e.body, R"({"error": "no \"such\" key"})");
}

// ---- requests and responses -------------------------------------------------

TEST_F(HttpServerTest, SimpleGet) {
  start(Limits{}, [](const Request& req, std::shared_ptr<Responder> r) {
    Response resp;
    resp.body = "{\"path\": \"" + req.path + "\"}";
    resp.headers = {{"X-Answer", "42"}};
    r->send(std::move(resp));
  });
  Client c(addr_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("GET /v1/status HTTP/1.1\r\nHost: test\r\nX-Custom-Header: Yes\r\nX-Empty:\r\n\r\n"));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(reply->header("content-length"), std::to_string(reply->body.size()));
  EXPECT_EQ(reply->header("x-answer"), "42");
  EXPECT_FALSE(reply->header("connection"));
  EXPECT_EQ(reply->body, R"({"path": "/v1/status"})");

  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/v1/status");
  ASSERT_NE(reqs[0].header("x-custom-header"), nullptr);
  EXPECT_EQ(*reqs[0].header("x-custom-header"), "Yes");
  ASSERT_NE(reqs[0].header("host"), nullptr);
  ASSERT_NE(reqs[0].header("x-empty"), nullptr);
  EXPECT_EQ(*reqs[0].header("x-empty"), "");
  EXPECT_TRUE(reqs[0].body.empty());
}

TEST_F(HttpServerTest, DecodesPathAndQuery) {
  start(Limits{}, echo_path());
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/v1/kv/a%20b%2Fc?x=1&tag=a&tag=b+c&flag&enc=%41%2B%26")));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "/v1/kv/a b/c");
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "/v1/kv/a%20b%2Fc?x=1&tag=a&tag=b+c&flag&enc=%41%2B%26");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"x", "1"}, {"tag", "a"}, {"tag", "b c"}, {"flag", ""}, {"enc", "A+&"}};
  EXPECT_EQ(reqs[0].query, want);
}

TEST_F(HttpServerTest, BadPercentEncodingIs400) {
  start(Limits{}, echo_path());
  for (const char* target : {"/v1/%zz", "/v1/ok?a=%4", "/v1/%"}) {
    Client c(addr_);
    ASSERT_TRUE(c.send(get(target)));
    auto reply = c.read_reply();
    ASSERT_TRUE(reply) << target;
    EXPECT_EQ(reply->status, 400) << target;
    EXPECT_EQ(reply->header("connection"), "close");
    EXPECT_NE(reply->body.find("\"error\""), std::string::npos);
    EXPECT_TRUE(c.wait_closed());
  }
  EXPECT_TRUE(requests().empty());
}

TEST_F(HttpServerTest, PostBodyWithLengthAndChunked) {
  start(Limits{}, [](const Request& req, std::shared_ptr<Responder> r) { r->send(text(req.method + ":" + req.body)); });
  Client c(addr_);
  ASSERT_TRUE(c.send(post("/v1/kv/x", "{\"value\": 1}")));
  auto a = c.read_reply();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "POST:{\"value\": 1}");
  ASSERT_TRUE(
      c.send("PUT /v1/kv/y HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto b = c.read_reply();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->body, "PUT:hello world");
}

TEST_F(HttpServerTest, RequestSentByteByByte) {
  start(Limits{}, [](const Request& req, std::shared_ptr<Responder> r) { r->send(text(req.path + "|" + req.body)); });
  Client c(addr_);
  const std::string msg = "POST /a%2Fb?k=v HTTP/1.1\r\nHost: test\r\nX-Long-Name: some value\r\nContent-Length: 4\r\n\r\nbody";
  for (char ch : msg) {
    ASSERT_TRUE(c.send(std::string_view(&ch, 1)));
    std::this_thread::sleep_for(1ms);
  }
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "/a/b|body");
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 1u);
  ASSERT_NE(reqs[0].header("x-long-name"), nullptr);
  EXPECT_EQ(*reqs[0].header("x-long-name"), "some value");
}

TEST_F(HttpServerTest, ExpectContinue) {
  start(Limits{}, [](const Request& req, std::shared_ptr<Responder> r) { r->send(text(req.body)); });
  Client c(addr_);
  ASSERT_TRUE(c.send("PUT /x HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  auto cont = c.read_reply();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.send("abc"));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "abc");
}

TEST_F(HttpServerTest, HeadHasNoBody) {
  start(Limits{}, [](const Request&, std::shared_ptr<Responder> r) { r->send(text("twelve bytes")); });
  Client c(addr_);
  ASSERT_TRUE(c.send("HEAD / HTTP/1.1\r\nHost: test\r\n\r\n" + get("/")));
  auto head = c.read_reply(/*no_body=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "12");
  // Had HEAD carried a body, this would not parse as the next reply.
  auto next = c.read_reply();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "twelve bytes");
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  start(Limits{}, [](const Request&, std::shared_ptr<Responder>) { throw std::runtime_error("boom"); });
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/")));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_NE(reply->body.find("boom"), std::string::npos);
}

// ---- connection reuse -----------------------------------------------------------

TEST_F(HttpServerTest, KeepAliveTwoRequests) {
  start(Limits{}, echo_path());
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/one")));
  auto a = c.read_reply();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "/one");
  EXPECT_FALSE(a->header("connection"));
  ASSERT_TRUE(c.send(get("/two")));
  auto b = c.read_reply();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->body, "/two");
  EXPECT_EQ(connections(), 1u);
}

TEST_F(HttpServerTest, PipelinedAnsweredInOrderWhenFirstIsLate) {
  uv_loop_t* loop = loop_.get();
  std::atomic<bool> slow_answered{false};
  std::atomic<bool> fast_seen_before_slow_answered{false};
  start(Limits{}, [&, loop](const Request& req, std::shared_ptr<Responder> r) {
    if (req.path == "/slow") {
      // Answered later, from a timer, long after /fast has arrived.
      after(loop, 100, [r, &slow_answered] {
        slow_answered = true;
        r->send(text("slow"));
      });
    } else {
      if (!slow_answered) fast_seen_before_slow_answered = true;
      r->send(text("fast:" + req.body));
    }
  });
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/slow") + post("/fast", "xyz") + get("/fast")));
  auto a = c.read_reply();
  auto b = c.read_reply();
  auto d = c.read_reply();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "slow");
  EXPECT_EQ(b->body, "fast:xyz");
  EXPECT_EQ(d->body, "fast:");
  EXPECT_FALSE(fast_seen_before_slow_answered);
  auto reqs = requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].body, "xyz");
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAlive) {
  start(Limits{}, echo_path());
  {
    Client c(addr_);
    ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\n\r\n"));
    auto reply = c.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->body, "/old");
    EXPECT_EQ(reply->header("connection"), "close");
    EXPECT_TRUE(c.wait_closed());
  }
  {
    Client c(addr_);
    ASSERT_TRUE(c.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto a = c.read_reply();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->header("connection"), "keep-alive");
    ASSERT_TRUE(c.send("GET /b HTTP/1.0\r\n\r\n"));
    auto b = c.read_reply();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->body, "/b");
    EXPECT_EQ(b->header("connection"), "close");
    EXPECT_TRUE(c.wait_closed());
  }
}

TEST_F(HttpServerTest, ClientConnectionCloseIsHonoured) {
  start(Limits{}, echo_path());
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/bye", "Connection: close\r\n") + get("/never")));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "/bye");
  EXPECT_EQ(reply->header("connection"), "close");
  std::string extra;
  EXPECT_TRUE(c.wait_closed(&extra));
  EXPECT_EQ(extra, "");
  EXPECT_EQ(requests().size(), 1u);
}

// ---- limits -----------------------------------------------------------------------

TEST_F(HttpServerTest, HeadersTooLargeIs431) {
  Limits limits;
  limits.max_header_bytes = 1024;
  start(limits, echo_path());
  Client c(addr_);
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n"));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_EQ(reply->body.rfind("{\"error\": \"", 0), 0u) << reply->body;
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(requests().empty());

  // Just under the limit is fine.
  Client ok(addr_);
  ASSERT_TRUE(ok.send("GET / HTTP/1.1\r\nX-Big: " + std::string(800, 'a') + "\r\n\r\n"));
  auto r2 = ok.read_reply();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
}

TEST_F(HttpServerTest, ContentLengthOverLimitIs413BeforeTheBody) {
  Limits limits;
  limits.max_body_bytes = 100;
  start(limits, echo_path());
  Client c(addr_);
  // Only the headers: the answer must not wait for the body.
  ASSERT_TRUE(c.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n"));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_NE(reply->body.find("\"error\""), std::string::npos);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(requests().empty());

  Client ok(addr_);
  ASSERT_TRUE(ok.send(post("/x", std::string(100, 'b'))));
  auto r2 = ok.read_reply();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
}

TEST_F(HttpServerTest, ChunkedBodyOverLimitIs413) {
  Limits limits;
  limits.max_body_bytes = 100;
  start(limits, echo_path());
  Client c(addr_);
  std::string msg = "POST /x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) msg += "20\r\n" + std::string(32, 'c') + "\r\n";
  ASSERT_TRUE(c.send(msg));  // 160 bytes so far, no final chunk
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(requests().empty());
}

TEST_F(HttpServerTest, MalformedIs400) {
  start(Limits{}, echo_path());
  for (const char* bad : {"NOT A REQUEST\r\n\r\n", "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
                          "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                          "GET / HTTP/9.9\r\n\r\n"}) {
    Client c(addr_);
    ASSERT_TRUE(c.send(bad));
    auto reply = c.read_reply();
    ASSERT_TRUE(reply) << bad;
    EXPECT_EQ(reply->status, 400) << bad;
    EXPECT_EQ(reply->header("connection"), "close");
    EXPECT_NE(reply->body.find("\"error\""), std::string::npos);
    EXPECT_TRUE(c.wait_closed()) << bad;
  }
  EXPECT_TRUE(requests().empty());
}

TEST_F(HttpServerTest, IncompleteRequestTimesOutWith408) {
  Limits limits;
  limits.request_timeout = milliseconds(200);
  start(limits, echo_path());
  Client c(addr_);
  ASSERT_TRUE(c.send("GET /x HTTP/1.1\r\nHost: te"));
  auto reply = c.read_reply();  // waits up to the deadline (25x the limit)
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 408);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_NE(reply->body.find("\"error\""), std::string::npos);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(requests().empty());
}

TEST_F(HttpServerTest, IdleConnectionIsClosedSilently) {
  Limits limits;
  limits.idle_timeout = milliseconds(200);
  start(limits, echo_path());
  {
    Client never(addr_);  // connects, sends nothing
    std::string extra;
    EXPECT_TRUE(never.wait_closed(&extra));
    EXPECT_EQ(extra, "");
  }
  {
    Client once(addr_);  // one request, then idle on a kept-alive connection
    ASSERT_TRUE(once.send(get("/")));
    auto reply = once.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_FALSE(reply->header("connection"));
    std::string extra;
    EXPECT_TRUE(once.wait_closed(&extra));
    EXPECT_EQ(extra, "");
  }
  EXPECT_TRUE(eventually([&] { return connections() == 0; }));
}

TEST_F(HttpServerTest, ConnectionOverMaxGets503) {
  Limits limits;
  limits.max_connections = 2;
  start(limits, echo_path());
  Client a(addr_);
  Client b(addr_);
  ASSERT_TRUE(a.send(get("/a")));
  ASSERT_TRUE(b.send(get("/b")));
  ASSERT_TRUE(a.read_reply());
  ASSERT_TRUE(b.read_reply());
  EXPECT_EQ(connections(), 2u);

  Client third(addr_);
  auto refused = third.read_reply();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->header("content-type"), "application/json");
  EXPECT_EQ(refused->header("connection"), "close");
  EXPECT_NE(refused->body.find("\"error\""), std::string::npos);
  EXPECT_TRUE(third.wait_closed());

  ASSERT_TRUE(a.send(get("/a2")));
  ASSERT_TRUE(b.send(get("/b2")));
  auto a2 = a.read_reply();
  auto b2 = b.read_reply();
  ASSERT_TRUE(a2 && b2);
  EXPECT_EQ(a2->body, "/a2");
  EXPECT_EQ(b2->body, "/b2");
  EXPECT_EQ(connections(), 2u);
}

TEST_F(HttpServerTest, SlowClientDoesNotDelayAnother) {
  Limits limits;
  limits.request_timeout = seconds(30);
  start(limits, echo_path());
  Client slow(addr_);
  ASSERT_TRUE(slow.send("POST /slow HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nhalf"));
  ASSERT_TRUE(eventually([&] { return connections() == 1; }));
  Client fast(addr_);
  ASSERT_TRUE(fast.send(get("/fast")));
  auto reply = fast.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "/fast");
  // The slow one is still waiting: neither answered nor timed out.
  EXPECT_TRUE(slow.quiet());
  EXPECT_EQ(connections(), 2u);
}

TEST_F(HttpServerTest, ClientThatDoesNotReadIsClosed) {
  Limits limits;
  limits.max_write_queue_bytes = 64 * 1024;
  start(limits, [](const Request&, std::shared_ptr<Responder> r) { r->send(text(std::string(16 << 20, 'z'))); });
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/big")));
  ASSERT_TRUE(eventually([&] { return requests().size() == 1; }));
  // The client never reads: the answer cannot drain and the server gives up.
  EXPECT_TRUE(eventually([&] { return connections() == 0; }));
}

// ---- asynchronous answers -----------------------------------------------------

TEST_F(HttpServerTest, SendAfterClientLeftIsNoOp) {
  std::shared_ptr<Responder> kept;
  start(Limits{}, [&](const Request&, std::shared_ptr<Responder> r) { kept = std::move(r); });
  {
    Client c(addr_);
    ASSERT_TRUE(c.send(get("/wait")));
    ASSERT_TRUE(eventually([&] { return loop_.call([&] { return kept != nullptr; }); }));
    EXPECT_TRUE(loop_.call([&] { return kept->connected(); }));
  }  // the client leaves
  ASSERT_TRUE(eventually([&] { return loop_.call([&] { return !kept->connected(); }); }));
  loop_.call([&] {
    kept->send(text("too late"));
    kept->send(text("twice"));
  });
  EXPECT_TRUE(eventually([&] { return connections() == 0; }));
  loop_.call([&] { kept.reset(); });
}

TEST_F(HttpServerTest, SecondSendIsIgnored) {
  start(Limits{}, [](const Request& req, std::shared_ptr<Responder> r) {
    r->send(text(req.path));
    EXPECT_FALSE(r->connected());
    r->send(text("again"));
  });
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/1")));
  auto a = c.read_reply();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "/1");
  ASSERT_TRUE(c.send(get("/2")));
  auto b = c.read_reply();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->body, "/2");  // not "again"
}

TEST_F(HttpServerTest, CloseWithOpenConnections) {
  std::shared_ptr<Responder> kept;
  start(Limits{}, [&](const Request& req, std::shared_ptr<Responder> r) {
    if (req.path == "/wait") {
      kept = std::move(r);
    } else {
      r->send(text(req.path));
    }
  });
  Client idle(addr_);
  Client used(addr_);
  Client waiting(addr_);
  ASSERT_TRUE(used.send(get("/used")));
  ASSERT_TRUE(used.read_reply());
  ASSERT_TRUE(waiting.send(get("/wait")));
  ASSERT_TRUE(eventually([&] { return loop_.call([&] { return kept != nullptr; }); }));
  ASSERT_TRUE(eventually([&] { return connections() == 3; }));

  std::promise<void> done;
  auto fut = done.get_future();
  loop_.post([&] { server_->close([&] { done.set_value(); }); });
  ASSERT_EQ(fut.wait_for(kDeadline), std::future_status::ready);
  EXPECT_EQ(connections(), 0u);
  EXPECT_TRUE(idle.wait_closed());
  EXPECT_TRUE(used.wait_closed());
  std::string extra;
  EXPECT_TRUE(waiting.wait_closed(&extra));
  EXPECT_EQ(extra, "");
  // The pending answer has nowhere to go.
  loop_.call([&] {
    EXPECT_FALSE(kept->connected());
    kept->send(text("after close"));
    server_.reset();
  });
  loop_.call([&] {
    kept->send(text("after destruction"));
    kept.reset();
  });
  // No longer listening.
  Client late(addr_);
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, DestroyWithoutCloseIsClean) {
  start(Limits{}, [](const Request&, std::shared_ptr<Responder>) {});
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/wait")));
  ASSERT_TRUE(eventually([&] { return requests().size() == 1; }));
  loop_.call([&] { server_.reset(); });
  EXPECT_TRUE(c.wait_closed());
}

// ---- listening ----------------------------------------------------------------------

TEST_F(HttpServerTest, AddressInUse) {
  start(Limits{}, echo_path());
  auto again = loop_.call([&] { return Server::listen(loop_.get(), addr_, Limits{}, echo_path()); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), Err::addr_in_use);
  EXPECT_NE(again.message().find(addr_.to_string()), std::string::npos) << again.message();
  // The first server is unaffected.
  Client c(addr_);
  ASSERT_TRUE(c.send(get("/still")));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "/still");
}

TEST_F(HttpServerTest, PortZeroPicksAPort) {
  start(Limits{}, echo_path());
  EXPECT_TRUE(addr_.is_v4());
  EXPECT_EQ(addr_.ip_string(), "127.0.0.1");
  EXPECT_NE(addr_.port, 0);
}

TEST_F(HttpServerTest, ServesIPv6Loopback) {
  auto v6 = parse_address("[::1]:0");
  ASSERT_TRUE(v6);
  auto r = loop_.call([&] { return Server::listen(loop_.get(), *v6, Limits{}, echo_path()); });
  if (!r.ok()) GTEST_SKIP() << "no IPv6 loopback: " << r.message();
  server_ = std::move(r).value();
  addr_ = server_->local_address();
  EXPECT_EQ(addr_.ip_len, 16);
  EXPECT_EQ(addr_.ip_string(), "::1");
  EXPECT_NE(addr_.port, 0);
  Client c(addr_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(get("/six")));
  auto reply = c.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "/six");
}

TEST_F(HttpServerTest, NonIpAddressIsInvalid) {
  auto r = loop_.call([&] { return Server::listen(loop_.get(), Address{}, Limits{}, echo_path()); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Err::invalid);
}

}  // namespace
}  // namespace wkd::agent::http
