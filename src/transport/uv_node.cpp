#include "transport/uv_node.hpp"

#include "transport/uv_util.hpp"

namespace wkd::transport {

UvNode::UvNode(uv_loop_t* loop, serf::Config cfg, wire::Keyring keyring, std::uint64_t rng_seed, LogSink& log,
               serf::EventSink& events, std::function<void()> after_call)
    : loop_(loop),
      cfg_(std::move(cfg)),
      keyring_(std::move(keyring)),
      rng_(rng_seed),
      log_(log),
      events_(events),
      after_call_(std::move(after_call)) {}

UvNode::~UvNode() = default;

std::string UvNode::start(const Address& bind, const Address& advertise, int* uv_code) {
  *uv_code = 0;
  if (serf_) return "node already started";
  timer_ = new uv_timer_t;
  uv_timer_init(loop_, timer_);
  timer_->data = this;

  // TCP first: with port 0 the kernel picks a port, which UDP then takes too.
  // If UDP finds it taken, try again with a new port (a few times).
  int rc = 0;
  for (int attempt = 0; attempt < 10; ++attempt) {
    tcp_ = std::make_unique<TcpTransport>(loop_, TcpTransport::Callbacks{
        [this] { return serf_ ? serf_->memberlist().stream_decode_options() : wire::StreamDecodeOptions{}; },
        [this](swim::ConnId id, const Address& from, ByteView msg) {
          if (!serf_) return;
          serf_->on_stream_message(mono_now(), id, from, msg);
          after_engine_call();
        },
        [this](swim::ConnId id, const std::string& reason) {
          if (!serf_) return;
          serf_->on_stream_closed(mono_now(), id, reason);
          after_engine_call();
        }});
    rc = tcp_->listen(bind);
    if (rc != 0) {
      *uv_code = rc;
      tcp_->shutdown([] {});
      return "cannot listen on TCP " + bind.to_string() + ": " + uv_error(rc);
    }
    Address udp_addr = bind;
    udp_addr.port = tcp_->local().port;
    udp_ = std::make_unique<UdpSocket>(loop_, [this](const Address& from, ByteView datagram) {
      if (!serf_) return;
      serf_->on_packet(mono_now(), from, datagram);
      after_engine_call();
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
    *uv_code = rc;
    return "cannot bind UDP " + bind.to_string() + ": " + uv_error(rc);
  }
  bound_ = tcp_->local();

  serf::Config cfg = cfg_;
  Address adv = advertise.is_set() ? advertise : bound_;
  if (adv.port == 0) adv.port = bound_.port;
  cfg.memberlist.advertise = adv;
  if (auto err = serf::validate(cfg); !err.empty()) {
    *uv_code = UV_EINVAL;
    return err;
  }
  serf_ = std::make_unique<serf::Serf>(std::move(cfg), *this, rng_, log_, events_, std::move(keyring_));
  auto st = serf_->start(mono_now());
  if (!st.ok()) {
    *uv_code = UV_EINVAL;
    return st.message();
  }
  after_engine_call();
  return "";
}

void UvNode::after_engine_call() {
  if (closing_ || !serf_) return;
  const TimePoint next = serf_->next_deadline();
  if (next != armed_) {
    armed_ = next;
    if (next == TimePoint::max()) {
      uv_timer_stop(timer_);
    } else {
      const TimePoint now = mono_now();
      const auto wait = next > now ? next - now : Duration::zero();
      // Round up to whole milliseconds (libuv's resolution) so the timer
      // never fires before the deadline.
      const auto ms = static_cast<std::uint64_t>((wait.count() + 999'999) / 1'000'000);
      uv_timer_start(timer_, [](uv_timer_t* t) { static_cast<UvNode*>(t->data)->on_timer(); }, ms, 0);
    }
  }
  if (after_call_) after_call_();
}

void UvNode::on_timer() {
  armed_ = TimePoint::max();
  if (!serf_ || closing_) return;
  TimePoint now = mono_now();
  const TimePoint next = serf_->next_deadline();
  // libuv's clock is cached per loop iteration; never run early.
  if (next > now) now = next;
  serf_->on_timer(now);
  after_engine_call();
}

void UvNode::send_packet(const Address& to, ByteView packet) {
  if (udp_ && !closing_) udp_->send(to, packet);
}

void UvNode::stream_dial(swim::ConnId id, const Address& to) {
  if (!tcp_ || closing_) return;
  tcp_->dial(id, to);
}

void UvNode::stream_write(swim::ConnId id, ByteView bytes) {
  if (tcp_ && !closing_) tcp_->write(id, bytes);
}

void UvNode::stream_close(swim::ConnId id) {
  if (tcp_) tcp_->close(id);
}

void UvNode::close(std::function<void()> closed) {
  if (closing_) return;
  closing_ = true;
  closed_ = std::move(closed);
  pending_releases_ = 1;  // this function's own step
  if (timer_ != nullptr) {
    ++pending_releases_;
    uv_timer_stop(timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(timer_), [](uv_handle_t* h) {
      auto* self = static_cast<UvNode*>(h->data);
      delete reinterpret_cast<uv_timer_t*>(h);
      self->timer_ = nullptr;
      self->release_step();
    });
  }
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

void UvNode::release_step() {
  if (--pending_releases_ > 0) return;
  auto done = std::move(closed_);
  closed_ = nullptr;
  if (done) done();
}

}  // namespace wkd::transport
