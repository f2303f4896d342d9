// The I/O driver of one node: a UDP socket, a TCP listener with its
// connections, and one loop timer, all on one libuv loop, driving a pure
// swim::Machine.
//
// The driver carries out what the machine asks (swim::Runtime: datagrams
// and streams) and hands it what arrives (swim::Machine: datagrams,
// complete stream messages, stream ends, the timer). It knows nothing of
// the protocol above memberlist's framing. A node costs one timer however
// many protocol timers its parts have: the owner re-arms it with rearm()
// at the machine's next deadline after every call into the machine (the
// wkd core does that on its own, see core/core.hpp). All methods run on the
// loop's thread; many drivers may share one loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/address.hpp"
#include "common/time.hpp"
#include "swim/machine.hpp"
#include "swim/runtime.hpp"

struct uv_loop_s;

namespace wkd::transport {

class UdpSocket;
class TcpTransport;
class Timer;

// What the sockets counted since the driver was bound.
struct IoCounters {
  std::uint64_t packets_in = 0, packets_out = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;  // UDP and TCP
  std::uint64_t streams_in = 0, streams_out = 0;
  std::uint64_t socket_drops = 0;  // receive errors and truncated datagrams
};

// Why bind() failed.
enum class BindError : std::uint8_t { none, in_use, invalid, io };

class Driver final : public swim::Runtime {
 public:
  explicit Driver(uv_loop_s* loop);
  ~Driver() override;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Binds TCP and UDP on the same port of `bind` (port 0: any free port;
  // both sockets then share the one TCP got). Returns "" or an error
  // naming the address and the cause, with *why set.
  std::string bind(const Address& bind, BindError* why);
  Address bound() const { return bound_; }

  // From now on what arrives goes to `m` (which must outlive the driver's
  // use of it: detach() or close() first).
  void attach(swim::Machine& m) noexcept { machine_ = &m; }
  void detach() noexcept { machine_ = nullptr; }

  // Arms the one timer at `next` (TimePoint::max(): disarmed). When it
  // fires, the machine's on_timer runs with a time never before `next`.
  void rearm(TimePoint next);

  IoCounters counters() const;

  // Stops the timer and closes every handle; `closed` runs on the loop once
  // libuv has released them all. The machine is not told anything.
  void close(std::function<void()> closed);

  // swim::Runtime
  void send_packet(const Address& to, ByteView packet) override;
  void stream_dial(swim::ConnId id, const Address& to) override;
  void stream_write(swim::ConnId id, ByteView bytes) override;
  void stream_close(swim::ConnId id) override;
  void stream_abort(swim::ConnId id) override;

 private:
  void on_timer();
  void release_step();

  uv_loop_s* loop_;
  swim::Machine* machine_ = nullptr;
  std::unique_ptr<UdpSocket> udp_;
  std::unique_ptr<TcpTransport> tcp_;
  std::unique_ptr<Timer> timer_;
  TimePoint armed_ = TimePoint::max();
  Address bound_;
  int pending_releases_ = 0;
  std::function<void()> closed_;
  bool closing_ = false;
};

}  // namespace wkd::transport
