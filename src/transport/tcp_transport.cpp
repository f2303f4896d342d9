#include "transport/tcp_transport.hpp"

#include "transport/uv_util.hpp"

namespace wkd::transport {

namespace {
// Shared by every connection of the loop's thread (reads are consumed in
// their callback, which appends them to the connection's decoder). It is
// resident in every loop thread, so it is small: a push/pull of some tens
// of KiB, every half minute or more, takes a few more reads (memberlist
// reads its streams through a 4 KiB buffer too).
constexpr std::size_t kReadArea = 4096;

char* read_area() {
  thread_local std::unique_ptr<char[]> area(new char[kReadArea]);
  return area.get();
}
}  // namespace

struct TcpTransport::Conn {
  TcpTransport* owner;
  swim::ConnId id;
  Address peer;
  uv_tcp_t handle;
  uv_connect_t connect_req;
  wire::StreamDecoder decoder;
  std::vector<Bytes> pending;  // writes before the connection is up
  int writes_in_flight = 0;
  bool connected = false;
  bool done = false;         // delivered a message, failed, or closed by the engine
  bool close_requested = false;
  bool handle_closing = false;

  Conn(TcpTransport* o, swim::ConnId i, const Address& p, wire::StreamRole role, wire::StreamDecodeOptions opts)
      : owner(o), id(i), peer(p), decoder(role, std::move(opts)) {}
};

struct WriteReq {
  uv_write_t req;
  Bytes data;
};

TcpTransport::TcpTransport(uv_loop_t* loop, Callbacks cb) : loop_(loop), cb_(std::move(cb)) {}

TcpTransport::~TcpTransport() = default;

int TcpTransport::listen(const Address& addr) {
  sockaddr_storage ss;
  if (!to_sockaddr(addr, ss)) return UV_EINVAL;
  listener_ = new uv_tcp_t;
  int rc = uv_tcp_init(loop_, listener_);
  if (rc != 0) {
    delete listener_;
    listener_ = nullptr;
    return rc;
  }
  listener_open_ = true;
  listener_->data = this;
  rc = uv_tcp_bind(listener_, reinterpret_cast<const sockaddr*>(&ss), addr.ip_len == 16 ? UV_TCP_IPV6ONLY : 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(listener_), 128, &TcpTransport::on_connection);
  if (rc != 0) return rc;
  sockaddr_storage bound;
  int len = sizeof(bound);
  rc = uv_tcp_getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &len);
  if (rc != 0) return rc;
  local_ = from_sockaddr(reinterpret_cast<sockaddr*>(&bound)).value_or(addr);
  return 0;
}

TcpTransport::Conn* TcpTransport::make_conn(swim::ConnId id, wire::StreamRole role, const Address& peer) {
  auto c = std::make_unique<Conn>(this, id, peer, role, cb_.decode_options());
  Conn* raw = c.get();
  conns_[id] = std::move(c);
  uv_tcp_init(loop_, &raw->handle);
  raw->handle.data = raw;
  return raw;
}

void TcpTransport::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<TcpTransport*>(server->data);
  if (status != 0 || self->shutting_down_) return;
  const swim::ConnId id = swim::kInboundConnBit | self->next_inbound_++;
  Conn* c = self->make_conn(id, wire::StreamRole::acceptor, Address{});
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&c->handle)) != 0) {
    c->done = true;
    self->close_handle(c);
    return;
  }
  sockaddr_storage peer;
  int len = sizeof(peer);
  if (uv_tcp_getpeername(&c->handle, reinterpret_cast<sockaddr*>(&peer), &len) == 0) {
    c->peer = from_sockaddr(reinterpret_cast<sockaddr*>(&peer)).value_or(Address{});
  }
  uv_tcp_nodelay(&c->handle, 1);
  ++self->counters_.accepted;
  c->connected = true;
  self->start_reading(c);
}

void TcpTransport::dial(swim::ConnId id, const Address& to) {
  Conn* c = make_conn(id, wire::StreamRole::dialer, to);
  ++counters_.dialled;
  sockaddr_storage ss;
  if (shutting_down_ || !to_sockaddr(to, ss)) {
    fail(c, "cannot dial " + to.to_string());
    return;
  }
  c->connect_req.data = c;
  int rc = uv_tcp_connect(&c->connect_req, &c->handle, reinterpret_cast<const sockaddr*>(&ss), &TcpTransport::on_connect);
  if (rc != 0) fail(c, "dial " + to.to_string() + ": " + uv_error(rc));
}

void TcpTransport::on_connect(uv_connect_t* req, int status) {
  auto* c = static_cast<Conn*>(req->data);
  TcpTransport* self = c->owner;
  if (status == UV_ECANCELED || c->handle_closing) return;
  if (status != 0) {
    self->fail(c, "dial " + c->peer.to_string() + ": " + uv_error(status));
    return;
  }
  c->connected = true;
  uv_tcp_nodelay(&c->handle, 1);
  self->flush_pending(c);
  if (!c->close_requested) self->start_reading(c);
}

void TcpTransport::start_reading(Conn* c) {
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->handle), &TcpTransport::on_alloc, &TcpTransport::on_read);
}

void TcpTransport::on_alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  buf->base = read_area();
  buf->len = kReadArea;
}

void TcpTransport::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Conn*>(s->data);
  TcpTransport* self = c->owner;
  if (c->done || c->handle_closing) return;
  if (nread == 0) return;
  if (nread < 0) {
    std::string reason = nread == UV_EOF ? "connection closed by peer" : uv_error(static_cast<int>(nread));
    if (nread == UV_EOF) {
      auto fin = c->decoder.finish();
      if (!fin.ok()) reason = fin.message();
    }
    self->fail(c, reason);
    return;
  }
  self->counters_.bytes_in += static_cast<std::uint64_t>(nread);
  auto step = c->decoder.feed(ByteView(reinterpret_cast<const std::uint8_t*>(buf->base), static_cast<std::size_t>(nread)));
  if (!step.ok()) {
    self->fail(c, step.message());
    return;
  }
  if (step->status == wire::StreamStatus::message) {
    // One exchange per connection: stop reading, hand the message over.
    c->done = true;
    uv_read_stop(s);
    const swim::ConnId id = c->id;
    const Address from = c->peer;
    wire::StreamMessage msg = std::move(step->message);
    self->cb_.on_message(id, from, msg.bytes);
  }
}

void TcpTransport::write(swim::ConnId id, ByteView bytes) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn* c = it->second.get();
  if (c->handle_closing || c->close_requested) return;
  Bytes data(bytes.begin(), bytes.end());
  if (!c->connected) {
    c->pending.push_back(std::move(data));
    return;
  }
  send(c, std::move(data));
}

void TcpTransport::flush_pending(Conn* c) {
  std::vector<Bytes> pending = std::move(c->pending);
  c->pending.clear();
  for (Bytes& b : pending) send(c, std::move(b));
  if (c->close_requested && c->writes_in_flight == 0) close_handle(c);
}

void TcpTransport::send(Conn* c, Bytes data) {
  auto* req = new WriteReq;
  req->data = std::move(data);
  req->req.data = c;
  uv_buf_t b = uv_buf_init(reinterpret_cast<char*>(req->data.data()), static_cast<unsigned>(req->data.size()));
  ++c->writes_in_flight;
  counters_.bytes_out += req->data.size();
  int rc = uv_write(&req->req, reinterpret_cast<uv_stream_t*>(&c->handle), &b, 1, [](uv_write_t* r, int status) {
    auto* wr = reinterpret_cast<WriteReq*>(r);
    auto* conn = static_cast<Conn*>(r->data);
    delete wr;
    --conn->writes_in_flight;
    TcpTransport* owner = conn->owner;
    if (status != 0 && status != UV_ECANCELED && !conn->done) {
      owner->fail(conn, "write: " + uv_error(status));
      return;
    }
    if (conn->close_requested && conn->writes_in_flight == 0) owner->close_handle(conn);
  });
  if (rc != 0) {
    --c->writes_in_flight;
    delete req;
    fail(c, "write: " + uv_error(rc));
  }
}

void TcpTransport::fail(Conn* c, const std::string& reason) {
  if (c->done) {
    // Already delivered or already reported: just make sure it closes.
    if (!c->close_requested) {
      c->close_requested = true;
    }
    if (c->writes_in_flight == 0) close_handle(c);
    return;
  }
  c->done = true;
  ++counters_.failures;
  const swim::ConnId id = c->id;
  const bool engine_closed = c->close_requested;
  // Inbound connections stay open until the engine closes them (it may
  // answer with an error response); dialled ones are closed here.
  if (!engine_closed && cb_.on_closed) cb_.on_closed(id, reason);
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  if ((id & swim::kInboundConnBit) == 0 || engine_closed) {
    c->close_requested = true;
    if (c->writes_in_flight == 0) close_handle(c);
  }
}

void TcpTransport::close(swim::ConnId id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn* c = it->second.get();
  c->close_requested = true;
  c->done = true;
  if (!c->connected && !c->pending.empty()) {
    // Connecting still: the pending writes go out, then it closes.
    return;
  }
  if (c->writes_in_flight == 0) close_handle(c);
}

void TcpTransport::abort(swim::ConnId id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn* c = it->second.get();
  c->close_requested = true;
  c->done = true;
  c->pending.clear();
  // uv_close cancels a pending connect (its callback gets UV_ECANCELED) and
  // the writes in flight; the handle is released once they have returned.
  close_handle(c);
}

void TcpTransport::close_handle(Conn* c) {
  if (c->handle_closing) return;
  c->handle_closing = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&c->handle), [](uv_handle_t* h) {
    auto* conn = static_cast<Conn*>(h->data);
    conn->owner->released(conn);
  });
}

void TcpTransport::released(Conn* c) {
  conns_.erase(c->id);
  maybe_finish_shutdown();
}

void TcpTransport::shutdown(std::function<void()> closed) {
  if (shutting_down_) {
    // Already closing (or closed): run this callback too, once done.
    if (closed) {
      auto prev = std::move(shutdown_done_);
      shutdown_done_ = [prev = std::move(prev), closed = std::move(closed)] {
        if (prev) prev();
        closed();
      };
    }
    maybe_finish_shutdown();
    return;
  }
  shutting_down_ = true;
  shutdown_done_ = std::move(closed);
  if (listener_open_) {
    listener_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(listener_), [](uv_handle_t* h) {
      auto* self = static_cast<TcpTransport*>(h->data);
      delete reinterpret_cast<uv_tcp_t*>(h);
      self->listener_ = nullptr;
      self->maybe_finish_shutdown();
    });
  } else if (listener_ != nullptr) {
    delete listener_;
    listener_ = nullptr;
  }
  std::vector<Conn*> all;
  for (auto& [id, c] : conns_) all.push_back(c.get());
  for (Conn* c : all) {
    c->done = true;
    c->close_requested = true;
    close_handle(c);
  }
  maybe_finish_shutdown();
}

void TcpTransport::maybe_finish_shutdown() {
  if (!shutting_down_ || listener_ != nullptr || !conns_.empty() || !shutdown_done_) return;
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

}  // namespace wkd::transport
