// The HTTP server's connections: accepting on a libuv loop, feeding each
// connection's bytes to llhttp, handing whole requests to the Handler and
// writing the answers back in order, under the limits and timers of Limits.
//
// A connection parses one request at a time: llhttp is paused when a
// message completes and resumed once its answer has been handed to libuv,
// so pipelined requests wait in the input buffer and are answered in order.
// Each connection owns two handles (its socket and one timer, which is the
// idle, request or linger timer depending on the phase) and frees itself
// when both are closed, so it may outlive the Server; a Responder reaches it
// through a pointer the connection clears when it closes.
#include <llhttp.h>

#include <exception>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>

#include "agent/http_codec.hpp"
#include "agent/http_server.hpp"
#include "transport/uv_util.hpp"

namespace wkd::agent::http {

namespace {

constexpr std::size_t kReadArea = 64 * 1024;
// The next pipelined request is parsed only when no more than this is
// waiting to be written, so a client that does not read stalls its own
// connection rather than growing the server's memory.
constexpr std::size_t kResumeBelowQueuedBytes = 64 * 1024;
// After a final answer (an error, or Connection: close) the server sends
// FIN, drops whatever the client still sends, and closes on the client's
// FIN or after this long. Closing with unread input would reset the
// connection, which can destroy the answer before the client reads it.
constexpr Duration kLinger = seconds(2);
constexpr int kBacklog = 128;

char* read_area() {
  thread_local std::unique_ptr<char[]> area(new char[kReadArea]);
  return area.get();
}

std::uint64_t timer_ms(Duration d) {
  const auto ms = to_ms(d);
  return ms <= 0 ? 1 : static_cast<std::uint64_t>(ms);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

class ServerImpl;
struct Conn;

// One request's answer. The connection clears conn_ when it closes, so a
// Responder kept past that point does nothing.
class ResponderImpl final : public Responder, public std::enable_shared_from_this<ResponderImpl> {
 public:
  ResponderImpl(Conn* c, bool keep_alive, bool head, bool http10) noexcept
      : conn_(c), keep_alive_(keep_alive), head_(head), http10_(http10) {}
  void send(Response r) override;
  bool connected() const override { return conn_ != nullptr; }
  void detach() noexcept { conn_ = nullptr; }
  bool sent() const noexcept { return sent_; }

  bool keep_alive() const noexcept { return keep_alive_; }
  bool head() const noexcept { return head_; }
  bool http10() const noexcept { return http10_; }

 private:
  Conn* conn_;
  bool keep_alive_;
  bool head_;
  bool http10_;
  bool sent_ = false;
};

enum class Phase : std::uint8_t {
  open,       // reading and answering requests
  lingering,  // the last answer is queued; waiting to shut down and close
  closing,    // uv_close called on both handles
};

enum class TimerKind : std::uint8_t { none, idle, request, linger };

struct WriteReq {
  uv_write_t req;
  Conn* conn;
  std::string data;
};

struct Conn {
  ServerImpl* server;  // null once the Server object is destroyed
  Limits limits;
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  uv_shutdown_t shutdown_req{};
  int open_handles = 0;
  Phase phase = Phase::open;
  TimerKind timer_kind = TimerKind::none;
  bool counted = false;  // counts against max_connections
  bool reading = false;
  bool processing = false;
  bool eof_seen = false;
  bool shutdown_started = false;
  bool shutdown_done = false;
  int writes_in_flight = 0;

  llhttp_t parser{};
  std::string in;  // received, not yet parsed
  // The request being parsed.
  Request req;
  std::string field;
  std::string value;
  std::size_t header_bytes = 0;
  int error_status = 0;  // set by a callback that refuses the request
  std::string error_message;
  bool message_done = false;
  bool keep_alive = true;
  bool http10 = false;

  std::shared_ptr<ResponderImpl> awaiting;  // the request being answered

  Conn(ServerImpl* s, const Limits& l) : server(s), limits(l) {}

  uv_stream_t* stream() noexcept { return reinterpret_cast<uv_stream_t*>(&tcp); }
  std::size_t input_cap() const noexcept { return limits.max_header_bytes + limits.max_body_bytes + kReadArea; }

  void start();
  void reject();
  void start_reading();
  void stop_reading();
  void arm(TimerKind kind, Duration d);
  void process();
  void dispatch();
  void respond(const ResponderImpl& who, Response r);
  void write(std::string data);
  void fail(int status, std::string_view message);
  void enter_lingering();
  void linger_step();
  void teardown();
  int refuse(int status, std::string message) {
    error_status = status;
    error_message = std::move(message);
    return -1;
  }

  static void on_alloc(uv_handle_t*, size_t, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* r, int status);
  static void on_shutdown(uv_shutdown_t* r, int status);
  static void on_timer(uv_timer_t* t);
  static void on_close(uv_handle_t* h);
};

class ServerImpl final : public Server {
 public:
  ServerImpl(uv_loop_t* loop, Limits limits, Handler handler)
      : loop_(loop), limits_(limits), handler_(std::move(handler)) {}
  ~ServerImpl() override;

  Status start(const Address& addr);

  Address local_address() const override { return local_; }
  void close(std::function<void()> done) override;
  std::size_t connections() const override { return active_; }

  const Handler& handler() const noexcept { return handler_; }
  bool closing() const noexcept { return closing_; }
  // A connection's handles are both closed.
  void forget(Conn* c);

 private:
  static void on_connection(uv_stream_t* s, int status);
  static void on_listener_closed(uv_handle_t* h);
  void close_listener();
  void maybe_done();

  uv_loop_t* loop_;
  Limits limits_;
  Handler handler_;
  uv_tcp_t* listener_ = nullptr;  // heap: its close may finish after ~ServerImpl
  bool listener_closing_ = false;
  Address local_;
  std::unordered_set<Conn*> conns_;
  std::size_t active_ = 0;
  bool closing_ = false;
  std::function<void()> done_;
};

// ---- llhttp callbacks ----------------------------------------------------

Conn* conn_of(llhttp_t* p) { return static_cast<Conn*>(p->data); }

int cb_message_begin(llhttp_t* p) {
  Conn* c = conn_of(p);
  c->req = Request{};
  c->field.clear();
  c->value.clear();
  c->header_bytes = 0;
  c->arm(TimerKind::request, c->limits.request_timeout);
  return 0;
}

int cb_url(llhttp_t* p, const char* at, size_t len) {
  Conn* c = conn_of(p);
  c->header_bytes += len;
  if (c->header_bytes > c->limits.max_header_bytes) {
    return c->refuse(414, "request target over " + std::to_string(c->limits.max_header_bytes) + " bytes");
  }
  c->req.target.append(at, len);
  return 0;
}

int headers_too_large(Conn* c) {
  return c->refuse(431, "request headers over " + std::to_string(c->limits.max_header_bytes) + " bytes");
}

int cb_header_field(llhttp_t* p, const char* at, size_t len) {
  Conn* c = conn_of(p);
  c->header_bytes += len;
  if (c->header_bytes > c->limits.max_header_bytes) return headers_too_large(c);
  c->field.append(at, len);
  return 0;
}

int cb_header_value(llhttp_t* p, const char* at, size_t len) {
  Conn* c = conn_of(p);
  c->header_bytes += len;
  if (c->header_bytes > c->limits.max_header_bytes) return headers_too_large(c);
  c->value.append(at, len);
  return 0;
}

int cb_header_value_complete(llhttp_t* p) {
  Conn* c = conn_of(p);
  c->header_bytes += 4;  // ": " and CRLF
  if (c->header_bytes > c->limits.max_header_bytes) return headers_too_large(c);
  c->req.headers.emplace_back(lower(std::move(c->field)), std::move(c->value));
  c->field.clear();
  c->value.clear();
  return 0;
}

int cb_headers_complete(llhttp_t* p) {
  Conn* c = conn_of(p);
  c->req.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
  if ((p->flags & F_CONTENT_LENGTH) != 0 && p->content_length > c->limits.max_body_bytes) {
    return c->refuse(413, "request body of " + std::to_string(p->content_length) + " bytes is over the limit of " +
                              std::to_string(c->limits.max_body_bytes));
  }
  // A client that waits for "100 Continue" before sending its body (curl
  // does for large bodies) is told to go on.
  const std::string* expect = c->req.header("expect");
  if (expect != nullptr && lower(*expect) == "100-continue" && p->http_major == 1 && p->http_minor >= 1) {
    c->write("HTTP/1.1 100 Continue\r\n\r\n");
  }
  return 0;
}

int cb_body(llhttp_t* p, const char* at, size_t len) {
  Conn* c = conn_of(p);
  if (c->req.body.size() + len > c->limits.max_body_bytes) {
    return c->refuse(413, "request body over the limit of " + std::to_string(c->limits.max_body_bytes) + " bytes");
  }
  c->req.body.append(at, len);
  return 0;
}

int cb_message_complete(llhttp_t* p) {
  Conn* c = conn_of(p);
  c->keep_alive = llhttp_should_keep_alive(p) != 0 && p->upgrade == 0;
  c->http10 = p->http_major == 1 && p->http_minor == 0;
  c->message_done = true;
  // Parse nothing more until this request is answered.
  return HPE_PAUSED;
}

const llhttp_settings_t& parser_settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = cb_message_begin;
    s.on_url = cb_url;
    s.on_header_field = cb_header_field;
    s.on_header_value = cb_header_value;
    s.on_header_value_complete = cb_header_value_complete;
    s.on_headers_complete = cb_headers_complete;
    s.on_body = cb_body;
    s.on_message_complete = cb_message_complete;
    return s;
  }();
  return settings;
}

// ---- Responder -----------------------------------------------------------

void ResponderImpl::send(Response r) {
  const auto keep = shared_from_this();
  if (sent_) return;  // answered already: the second answer is dropped
  sent_ = true;
  Conn* c = conn_;
  conn_ = nullptr;
  if (c != nullptr) c->respond(*this, std::move(r));
}

// ---- Conn ----------------------------------------------------------------

void Conn::start() {
  llhttp_init(&parser, HTTP_REQUEST, &parser_settings());
  parser.data = this;
  start_reading();
  arm(TimerKind::idle, limits.idle_timeout);
}

void Conn::reject() {
  write(serialize(Response::error(503, "too many connections"), WireOptions{.close = true}));
  if (phase == Phase::open) enter_lingering();
}

void Conn::start_reading() {
  if (reading || eof_seen || phase == Phase::closing) return;
  if (uv_read_start(stream(), &Conn::on_alloc, &Conn::on_read) == 0) reading = true;
}

void Conn::stop_reading() {
  if (!reading) return;
  uv_read_stop(stream());
  reading = false;
}

void Conn::arm(TimerKind kind, Duration d) {
  if (phase == Phase::closing) return;
  if (kind == TimerKind::none || d <= Duration::zero()) {
    timer_kind = TimerKind::none;
    uv_timer_stop(&timer);
    return;
  }
  timer_kind = kind;
  uv_timer_start(&timer, &Conn::on_timer, timer_ms(d), 0);
}

void Conn::process() {
  if (processing) return;  // answered from inside the handler: the loop below goes on
  processing = true;
  while (phase == Phase::open && !awaiting && !in.empty() &&
         uv_stream_get_write_queue_size(stream()) <= kResumeBelowQueuedBytes) {
    const llhttp_errno_t err = llhttp_execute(&parser, in.data(), in.size());
    if (phase != Phase::open) break;  // a write from a callback failed
    if (err == HPE_OK) {
      in.clear();
      break;
    }
    if (err == HPE_PAUSED) {
      const char* pos = llhttp_get_error_pos(&parser);
      const std::size_t used =
          pos != nullptr && pos >= in.data() ? static_cast<std::size_t>(pos - in.data()) : in.size();
      in.erase(0, used);
      llhttp_resume(&parser);
      if (message_done) {
        message_done = false;
        dispatch();
      }
      continue;
    }
    in.clear();
    if (error_status != 0) {
      fail(error_status, error_message);
    } else {
      fail(400, std::string("malformed request: ") + llhttp_get_error_reason(&parser));
    }
    break;
  }
  processing = false;
  if (phase == Phase::open && in.size() <= input_cap()) start_reading();
}

void Conn::dispatch() {
  Request r = std::move(req);
  req = Request{};
  arm(TimerKind::none, Duration::zero());
  if (!decode_target(r)) {
    fail(400, "bad percent-encoding in request target");
    return;
  }
  auto responder = std::make_shared<ResponderImpl>(this, keep_alive, r.method == "HEAD", http10);
  awaiting = responder;
  if (server == nullptr || !server->handler()) {
    responder->send(Response::error(500, "no handler"));
    return;
  }
  try {
    server->handler()(r, responder);
  } catch (const std::exception& e) {
    if (!responder->sent()) responder->send(Response::error(500, std::string("internal error: ") + e.what()));
  } catch (...) {
    if (!responder->sent()) responder->send(Response::error(500, "internal error"));
  }
}

void Conn::respond(const ResponderImpl& who, Response r) {
  if (awaiting.get() == &who) awaiting.reset();
  if (phase != Phase::open) return;
  const bool keep = who.keep_alive() && server != nullptr && !server->closing();
  write(serialize(r, WireOptions{.close = !keep, .keep_alive_header = keep && who.http10(), .head = who.head()}));
  if (phase != Phase::open) return;
  if (!keep) {
    enter_lingering();
    return;
  }
  arm(TimerKind::idle, limits.idle_timeout);
  process();  // the next pipelined request, if any
}

void Conn::write(std::string data) {
  if (phase == Phase::closing) return;
  auto* w = new WriteReq{};
  w->conn = this;
  w->data = std::move(data);
  w->req.data = w;
  uv_buf_t b = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  const int rc = uv_write(&w->req, stream(), &b, 1, &Conn::on_write);
  if (rc != 0) {
    delete w;
    teardown();
    return;
  }
  ++writes_in_flight;
  if (uv_stream_get_write_queue_size(stream()) > limits.max_write_queue_bytes) teardown();
}

void Conn::fail(int status, std::string_view message) {
  if (phase != Phase::open) return;
  write(serialize(Response::error(status, message), WireOptions{.close = true}));
  if (phase == Phase::open) enter_lingering();
}

void Conn::enter_lingering() {
  phase = Phase::lingering;
  if (awaiting) {
    awaiting->detach();
    awaiting.reset();
  }
  in.clear();
  in.shrink_to_fit();
  const Duration linger = limits.idle_timeout > Duration::zero() && limits.idle_timeout < kLinger ? limits.idle_timeout : kLinger;
  arm(TimerKind::linger, linger);
  start_reading();  // to drop input and see the client's FIN
  linger_step();
}

void Conn::linger_step() {
  if (phase != Phase::lingering || writes_in_flight > 0) return;
  if (!shutdown_started) {
    shutdown_started = true;
    shutdown_req.data = this;
    if (uv_shutdown(&shutdown_req, stream(), &Conn::on_shutdown) != 0) teardown();
    return;
  }
  if (shutdown_done && eof_seen) teardown();
}

void Conn::teardown() {
  if (phase == Phase::closing) return;
  phase = Phase::closing;
  timer_kind = TimerKind::none;
  if (awaiting) {
    awaiting->detach();
    awaiting.reset();
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp), &Conn::on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), &Conn::on_close);
}

void Conn::on_alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  buf->base = read_area();
  buf->len = kReadArea;
}

void Conn::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Conn*>(s->data);
  if (c->phase == Phase::closing || nread == 0) return;
  if (nread < 0) {
    c->reading = false;
    if (nread != UV_EOF) {
      c->teardown();
      return;
    }
    c->eof_seen = true;
    if (c->phase == Phase::lingering) {
      c->linger_step();
    } else if (c->awaiting || c->timer_kind == TimerKind::request || c->writes_in_flight == 0) {
      // The client is gone: a request it was waiting for, or had begun,
      // cannot be answered.
      c->teardown();
    } else {
      // Answers still on their way: send them, then close.
      c->enter_lingering();
    }
    return;
  }
  if (c->phase != Phase::open) return;  // lingering: dropped
  c->in.append(buf->base, static_cast<std::size_t>(nread));
  c->process();
  if (c->phase == Phase::open && c->in.size() > c->input_cap()) c->stop_reading();
}

void Conn::on_write(uv_write_t* r, int status) {
  auto* w = static_cast<WriteReq*>(r->data);
  Conn* c = w->conn;
  delete w;
  --c->writes_in_flight;
  if (c->phase == Phase::closing) return;
  if (status < 0) {
    c->teardown();
    return;
  }
  if (c->phase == Phase::lingering) {
    c->linger_step();
    return;
  }
  if (c->timer_kind == TimerKind::idle) c->arm(TimerKind::idle, c->limits.idle_timeout);
  c->process();  // a request held back while the write queue was long
}

void Conn::on_shutdown(uv_shutdown_t* r, int status) {
  auto* c = static_cast<Conn*>(r->data);
  if (c->phase == Phase::closing) return;
  c->shutdown_done = true;
  if (status < 0) {
    c->teardown();
    return;
  }
  c->linger_step();
}

void Conn::on_timer(uv_timer_t* t) {
  auto* c = static_cast<Conn*>(t->data);
  const TimerKind kind = c->timer_kind;
  c->timer_kind = TimerKind::none;
  switch (kind) {
    case TimerKind::request:
      c->fail(408, "request not complete within " + std::to_string(to_ms(c->limits.request_timeout)) + " ms");
      break;
    case TimerKind::idle:
    case TimerKind::linger:
      c->teardown();
      break;
    case TimerKind::none:
      break;
  }
}

void Conn::on_close(uv_handle_t* h) {
  auto* c = static_cast<Conn*>(h->data);
  if (--c->open_handles > 0) return;
  if (c->server != nullptr) c->server->forget(c);
  delete c;
}

// ---- ServerImpl ----------------------------------------------------------

Err err_of(int uv_code) noexcept {
  switch (uv_code) {
    case UV_EADDRINUSE: return Err::addr_in_use;
    case UV_EINVAL:
    case UV_EADDRNOTAVAIL:
    case UV_EAFNOSUPPORT: return Err::invalid;
    default: return Err::io;
  }
}

ServerImpl::~ServerImpl() {
  for (Conn* c : conns_) {
    c->server = nullptr;
    c->teardown();
  }
  conns_.clear();
  if (listener_ != nullptr) {
    listener_->data = nullptr;
    if (!listener_closing_) uv_close(reinterpret_cast<uv_handle_t*>(listener_), &ServerImpl::on_listener_closed);
  }
}

Status ServerImpl::start(const Address& addr) {
  sockaddr_storage ss;
  if (!transport::to_sockaddr(addr, ss)) {
    return Status::fail(Err::invalid, "listen: " + addr.to_string() + " is not an IP address and port");
  }
  auto* l = new uv_tcp_t{};
  int rc = uv_tcp_init(loop_, l);
  if (rc != 0) {
    delete l;
    return Status::fail(Err::io, "listen on " + addr.to_string() + ": " + transport::uv_error(rc));
  }
  listener_ = l;
  listener_->data = this;
  rc = uv_tcp_bind(listener_, reinterpret_cast<const sockaddr*>(&ss), addr.ip_len == 16 ? UV_TCP_IPV6ONLY : 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(listener_), kBacklog, &ServerImpl::on_connection);
  sockaddr_storage bound;
  int len = sizeof(bound);
  if (rc == 0) rc = uv_tcp_getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &len);
  if (rc != 0) {
    return Status::fail(err_of(rc), "listen on " + addr.to_string() + ": " + transport::uv_error(rc));
  }
  local_ = transport::from_sockaddr(reinterpret_cast<sockaddr*>(&bound)).value_or(addr);
  return {};
}

void ServerImpl::on_connection(uv_stream_t* s, int status) {
  auto* self = static_cast<ServerImpl*>(s->data);
  if (self == nullptr || status < 0 || self->closing_) return;
  auto* c = new Conn(self, self->limits_);
  uv_tcp_init(self->loop_, &c->tcp);
  uv_timer_init(self->loop_, &c->timer);
  c->tcp.data = c;
  c->timer.data = c;
  c->open_handles = 2;
  self->conns_.insert(c);
  if (uv_accept(s, c->stream()) != 0) {
    c->teardown();
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  if (self->active_ >= self->limits_.max_connections) {
    c->reject();
    return;
  }
  c->counted = true;
  ++self->active_;
  c->start();
}

void ServerImpl::on_listener_closed(uv_handle_t* h) {
  auto* self = static_cast<ServerImpl*>(h->data);
  delete reinterpret_cast<uv_tcp_t*>(h);
  if (self == nullptr) return;
  self->listener_ = nullptr;
  self->maybe_done();
}

void ServerImpl::close_listener() {
  if (listener_ == nullptr || listener_closing_) return;
  listener_closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(listener_), &ServerImpl::on_listener_closed);
}

void ServerImpl::close(std::function<void()> done) {
  if (done) {
    if (done_) {
      done_ = [first = std::move(done_), second = std::move(done)] {
        first();
        second();
      };
    } else {
      done_ = std::move(done);
    }
  }
  closing_ = true;
  close_listener();
  for (Conn* c : conns_) c->teardown();  // conns_ changes only in close callbacks
  maybe_done();
}

void ServerImpl::forget(Conn* c) {
  conns_.erase(c);
  if (c->counted) --active_;
  maybe_done();
}

void ServerImpl::maybe_done() {
  if (!closing_ || listener_ != nullptr || !conns_.empty() || !done_) return;
  auto done = std::move(done_);
  done_ = nullptr;
  done();  // may destroy *this
}

}  // namespace

Result<std::unique_ptr<Server>> Server::listen(uv_loop_t* loop, const Address& addr, Limits limits, Handler handler) {
  auto server = std::make_unique<ServerImpl>(loop, limits, std::move(handler));
  Status st = server->start(addr);
  if (!st.ok()) return std::move(st).failure();
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace wkd::agent::http
