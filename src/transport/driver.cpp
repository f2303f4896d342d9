#include "transport/driver.hpp"

#include <uv.h>

#include "transport/clock.hpp"
#include "transport/tcp_transport.hpp"
#include "transport/timer.hpp"
#include "transport/udp_socket.hpp"
#include "transport/uv_util.hpp"

namespace wkd::transport {

Driver::Driver(uv_loop_s* loop) : loop_(loop) {}

Driver::~Driver() = default;

std::string Driver::bind(const Address& bind, BindError* why) {
  *why = BindError::none;
  if (udp_) {
    *why = BindError::invalid;
    return "the node is already bound";
  }
  timer_ = std::make_unique<Timer>(loop_, [this] { on_timer(); });

  // TCP first: with port 0 the kernel picks a port, which UDP then takes too.
  // If UDP finds it taken, try again with a new port (a few times).
  int rc = 0;
  for (int attempt = 0; attempt < 10; ++attempt) {
    tcp_ = std::make_unique<TcpTransport>(loop_, TcpTransport::Callbacks{
        [this] { return machine_ ? machine_->stream_decode_options() : wire::StreamDecodeOptions{}; },
        [this](swim::ConnId id, const Address& from, ByteView msg) {
          if (machine_ && !closing_) machine_->on_stream_message(mono_now(), id, from, msg);
        },
        [this](swim::ConnId id, const std::string& reason) {
          if (machine_ && !closing_) machine_->on_stream_closed(mono_now(), id, reason);
        }});
    rc = tcp_->listen(bind);
    if (rc != 0) {
      *why = rc == UV_EADDRINUSE ? BindError::in_use : (rc == UV_EINVAL ? BindError::invalid : BindError::io);
      tcp_->shutdown([] {});
      return "cannot listen on TCP " + bind.to_string() + ": " + uv_error(rc);
    }
    Address udp_addr = bind;
    udp_addr.port = tcp_->local().port;
    udp_ = std::make_unique<UdpSocket>(loop_, [this](const Address& from, ByteView datagram) {
      if (machine_ && !closing_) machine_->on_packet(mono_now(), from, datagram);
    });
    rc = udp_->bind(udp_addr);
    if (rc == 0) break;
    // Keep the failed handles alive until libuv releases them.
    auto* old_tcp = tcp_.release();
    old_tcp->shutdown([old_tcp] { delete old_tcp; });
    auto* old_udp = udp_.release();
    old_udp->close([old_udp] { delete old_udp; });
    if (rc != UV_EADDRINUSE || bind.port != 0) break;
  }
  if (rc != 0) {
    *why = rc == UV_EADDRINUSE ? BindError::in_use : (rc == UV_EINVAL ? BindError::invalid : BindError::io);
    return "cannot bind UDP " + bind.to_string() + ": " + uv_error(rc);
  }
  bound_ = tcp_->local();
  return "";
}

void Driver::rearm(TimePoint next) {
  if (closing_ || !timer_ || next == armed_) return;
  armed_ = next;
  if (next == TimePoint::max()) {
    timer_->stop();
    return;
  }
  const TimePoint now = mono_now();
  timer_->start(next > now ? next - now : Duration::zero());
}

void Driver::on_timer() {
  armed_ = TimePoint::max();
  if (machine_ == nullptr || closing_) return;
  TimePoint now = mono_now();
  const TimePoint next = machine_->next_deadline();
  // libuv's clock is cached per loop iteration; never run early.
  if (next > now) now = next;
  machine_->on_timer(now);
}

IoCounters Driver::counters() const {
  IoCounters c;
  if (udp_) {
    const UdpCounters& u = udp_->counters();
    c.packets_in = u.packets_in;
    c.packets_out = u.packets_out;
    c.bytes_in = u.bytes_in;
    c.bytes_out = u.bytes_out;
    c.socket_drops = u.recv_errors + u.truncated;
  }
  if (tcp_) {
    const TcpCounters& t = tcp_->counters();
    c.bytes_in += t.bytes_in;
    c.bytes_out += t.bytes_out;
    c.streams_in = t.accepted;
    c.streams_out = t.dialled;
  }
  return c;
}

void Driver::send_packet(const Address& to, ByteView packet) {
  if (udp_ && !closing_) udp_->send(to, packet);
}

void Driver::stream_dial(swim::ConnId id, const Address& to) {
  if (tcp_ && !closing_) tcp_->dial(id, to);
}

void Driver::stream_write(swim::ConnId id, ByteView bytes) {
  if (tcp_ && !closing_) tcp_->write(id, bytes);
}

void Driver::stream_close(swim::ConnId id) {
  if (tcp_) tcp_->close(id);
}

void Driver::stream_abort(swim::ConnId id) {
  if (tcp_) tcp_->abort(id);
}

void Driver::close(std::function<void()> closed) {
  if (closing_) return;
  closing_ = true;
  machine_ = nullptr;
  closed_ = std::move(closed);
  pending_releases_ = 1;  // this function's own step
  if (timer_) timer_->close();
  if (udp_) {
    ++pending_releases_;
    udp_->close([this] { release_step(); });
  }
  if (tcp_) {
    ++pending_releases_;
    tcp_->shutdown([this] { release_step(); });
  }
  release_step();
}

void Driver::release_step() {
  if (--pending_releases_ > 0) return;
  auto done = std::move(closed_);
  closed_ = nullptr;
  if (done) done();
}

}  // namespace wkd::transport
