// One wkd node on a libuv loop: the Serf engine bound to a UDP socket, a
// TCP listener and one loop timer.
//
// UvNode implements swim::Runtime for its engine. After every call into
// the engine it re-arms a single uv_timer at the engine's next deadline, so
// a node costs one timer however many protocol timers it has. All methods
// run on the loop's thread; runtime::Node marshals calls from other
// threads. Many UvNodes may share one loop.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "common/log.hpp"
#include "common/rng.hpp"
#include "serf/serf.hpp"
#include "swim/runtime.hpp"
#include "transport/tcp_transport.hpp"
#include "transport/udp_socket.hpp"
#include "wire/keyring.hpp"

namespace wkd::transport {

class UvNode final : public swim::Runtime {
 public:
  // `after_call` runs after every engine call made from a libuv callback
  // (packet, stream, timer), for the owner to publish snapshots.
  UvNode(uv_loop_t* loop, serf::Config cfg, wire::Keyring keyring, std::uint64_t rng_seed, LogSink& log,
         serf::EventSink& events, std::function<void()> after_call);
  ~UvNode() override;
  UvNode(const UvNode&) = delete;
  UvNode& operator=(const UvNode&) = delete;

  // Binds TCP and UDP on the same port of `bind` (port 0: any free port;
  // both sockets then share the one TCP got), advertises `advertise` (its
  // port 0 means the bound port; an unset IP means the bound IP) and starts
  // the engine. Returns "" or an error naming the address and the cause;
  // *uv_code receives the libuv code.
  std::string start(const Address& bind, const Address& advertise, int* uv_code);

  // The engine; call into it only on the loop thread and call after_engine_call() after.
  serf::Serf& serf() { return *serf_; }
  bool started() const noexcept { return serf_ != nullptr; }
  // Re-arms the loop timer at the engine's next deadline.
  void after_engine_call();

  Address bound() const { return bound_; }
  const UdpSocket* udp() const { return udp_.get(); }
  const TcpTransport* tcp() const { return tcp_.get(); }

  // Stops the timer and closes every handle; `closed` runs on the loop once
  // libuv has released them all. The engine is not told anything (leave
  // first for a graceful exit).
  void close(std::function<void()> closed);

  // swim::Runtime
  void send_packet(const Address& to, ByteView packet) override;
  void stream_dial(swim::ConnId id, const Address& to) override;
  void stream_write(swim::ConnId id, ByteView bytes) override;
  void stream_close(swim::ConnId id) override;

 private:
  void on_timer();
  void release_step();

  uv_loop_t* loop_;
  serf::Config cfg_;
  wire::Keyring keyring_;
  Rng rng_;
  LogSink& log_;
  serf::EventSink& events_;
  std::function<void()> after_call_;
  std::unique_ptr<UdpSocket> udp_;
  std::unique_ptr<TcpTransport> tcp_;
  uv_timer_t* timer_ = nullptr;
  TimePoint armed_ = TimePoint::max();
  std::unique_ptr<serf::Serf> serf_;
  Address bound_;
  int pending_releases_ = 0;
  std::function<void()> closed_;
  bool closing_ = false;
};

}  // namespace wkd::transport
