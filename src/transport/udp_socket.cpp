#include "transport/udp_socket.hpp"

#include <cstring>
#include <memory>
#include <vector>

#include "transport/uv_util.hpp"

namespace wkd::transport {

namespace {

// One read slot per datagram; memberlist reads datagrams into 64 KiB (and
// libuv's recvmmsg needs slots of that size). Four slots per batch: gossip
// arrives a few datagrams at a time, a burst still takes one syscall per
// four datagrams, and the area, one per loop thread, is 256 KiB of address
// space instead of 1 MiB (a process of 64 one-node threads: 16 MiB, not 64).
constexpr std::size_t kSlot = 65536;
constexpr std::size_t kSlots = 4;

// The receive area of this thread's loop (see the top of udp_socket.hpp).
char* receive_area() {
  thread_local std::unique_ptr<char[]> area(new char[kSlot * kSlots]);
  return area.get();
}

struct SendReq {
  uv_udp_send_t req;
  Bytes data;
};

}  // namespace

UdpSocket::UdpSocket(uv_loop_t* loop, OnDatagram on_datagram)
    : loop_(loop), handle_(new uv_udp_t), on_datagram_(std::move(on_datagram)) {
  handle_->data = nullptr;
}

UdpSocket::~UdpSocket() {
  if (!open_) delete handle_;
  // An open handle is released by close(); destroying an open socket is a
  // bug in the owner, but the handle is leaked rather than freed under libuv.
}

int UdpSocket::bind(const Address& addr) {
  sockaddr_storage ss;
  if (!to_sockaddr(addr, ss)) return UV_EINVAL;
  const unsigned domain = addr.ip_len == 16 ? AF_INET6 : AF_INET;
  int rc = uv_udp_init_ex(loop_, handle_, domain | UV_UDP_RECVMMSG);
  if (rc != 0) return rc;
  open_ = true;
  handle_->data = this;
  rc = uv_udp_bind(handle_, reinterpret_cast<const sockaddr*>(&ss), addr.ip_len == 16 ? UV_UDP_IPV6ONLY : 0);
  if (rc != 0) return rc;
  sockaddr_storage bound;
  int len = sizeof(bound);
  rc = uv_udp_getsockname(handle_, reinterpret_cast<sockaddr*>(&bound), &len);
  if (rc != 0) return rc;
  local_ = from_sockaddr(reinterpret_cast<sockaddr*>(&bound)).value_or(addr);
  // 2 MiB, halved until the kernel takes it (memberlist setUDPRecvBuf).
  for (int size = 2 << 20; size >= 64 << 10; size /= 2) {
    int v = size;
    if (uv_recv_buffer_size(reinterpret_cast<uv_handle_t*>(handle_), &v) == 0) {
      int got = 0;
      uv_recv_buffer_size(reinterpret_cast<uv_handle_t*>(handle_), &got);
      rcvbuf_ = got;
      break;
    }
  }
  return uv_udp_recv_start(handle_, &UdpSocket::on_alloc, &UdpSocket::on_recv);
}

void UdpSocket::on_alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  buf->base = receive_area();
  buf->len = kSlot * kSlots;
}

void UdpSocket::on_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* addr, unsigned flags) {
  auto* self = static_cast<UdpSocket*>(h->data);
  (void)buf;
  if (self == nullptr) return;
  if (flags & UV_UDP_MMSG_FREE) return;  // the shared area is never freed
  if (nread < 0) {
    ++self->counters_.recv_errors;
    return;
  }
  if (nread == 0 || addr == nullptr) return;  // nothing more to read
  if (flags & UV_UDP_PARTIAL) {
    ++self->counters_.truncated;
    return;
  }
  auto from = from_sockaddr(addr);
  if (!from) return;
  ++self->counters_.packets_in;
  self->counters_.bytes_in += static_cast<std::uint64_t>(nread);
  self->on_datagram_(*from, ByteView(reinterpret_cast<const std::uint8_t*>(buf->base), static_cast<std::size_t>(nread)));
}

void UdpSocket::send(const Address& to, ByteView datagram) {
  if (!open_) return;
  sockaddr_storage ss;
  if (!to_sockaddr(to, ss)) {
    ++counters_.send_errors;
    return;
  }
  uv_buf_t b = uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(datagram.data())),
                           static_cast<unsigned>(datagram.size()));
  int rc = uv_udp_try_send(handle_, &b, 1, reinterpret_cast<const sockaddr*>(&ss));
  if (rc >= 0) {
    ++counters_.packets_out;
    counters_.bytes_out += datagram.size();
    return;
  }
  if (rc != UV_EAGAIN) {
    ++counters_.send_errors;
    return;
  }
  auto* req = new SendReq;
  req->data.assign(datagram.begin(), datagram.end());
  req->req.data = this;
  uv_buf_t qb = uv_buf_init(reinterpret_cast<char*>(req->data.data()), static_cast<unsigned>(req->data.size()));
  ++counters_.send_queued;
  rc = uv_udp_send(&req->req, handle_, &qb, 1, reinterpret_cast<const sockaddr*>(&ss), [](uv_udp_send_t* r, int status) {
    auto* sr = reinterpret_cast<SendReq*>(r);
    // A send cancelled by close() must not touch the socket.
    auto* s = status == UV_ECANCELED ? nullptr : static_cast<UdpSocket*>(r->data);
    if (s != nullptr) {
      if (status == 0) {
        ++s->counters_.packets_out;
        s->counters_.bytes_out += sr->data.size();
      } else {
        ++s->counters_.send_errors;
      }
    }
    delete sr;
  });
  if (rc != 0) {
    ++counters_.send_errors;
    delete req;
  }
}

void UdpSocket::close(std::function<void()> closed) {
  if (!open_) {
    if (closed) closed();
    return;
  }
  open_ = false;
  uv_udp_recv_stop(handle_);
  handle_->data = new std::function<void()>(std::move(closed));
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* h) {
    auto* cb = static_cast<std::function<void()>*>(h->data);
    std::function<void()> fn = std::move(*cb);
    delete cb;
    delete reinterpret_cast<uv_udp_t*>(h);
    if (fn) fn();
  });
  handle_ = nullptr;
}

}  // namespace wkd::transport
