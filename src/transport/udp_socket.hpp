// The UDP socket of a node, on libuv.
//
// Datagrams are read in batches (recvmmsg through UV_UDP_RECVMMSG) into a
// receive area shared by every socket of the loop's thread: callbacks of
// one loop never overlap and each datagram is handled before the next read,
// so one area serves hundreds of nodes on a loop. The kernel receive buffer
// is asked for 2 MiB and halved until accepted, as memberlist does, so
// bursts do not overflow it. Sends try uv_udp_try_send first (no copy, no
// allocation) and queue a copy only when the socket would block.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>

#include "common/address.hpp"
#include "common/bytes.hpp"

namespace wkd::transport {

struct UdpCounters {
  std::uint64_t packets_in = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t recv_errors = 0;     // socket errors on receive
  std::uint64_t truncated = 0;       // datagrams larger than the read slot
  std::uint64_t send_errors = 0;     // sends the kernel refused
  std::uint64_t send_queued = 0;     // sends that had to be copied and queued
};

class UdpSocket {
 public:
  using OnDatagram = std::function<void(const Address& from, ByteView datagram)>;

  UdpSocket(uv_loop_t* loop, OnDatagram on_datagram);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Binds and starts reading. Returns 0 or a libuv error code.
  int bind(const Address& addr);
  // The bound address (valid after bind).
  Address local() const { return local_; }

  void send(const Address& to, ByteView datagram);

  // Stops reading and closes the handle; `closed` runs from the loop when
  // libuv has released it (the UdpSocket may then be destroyed).
  void close(std::function<void()> closed);

  const UdpCounters& counters() const noexcept { return counters_; }
  int receive_buffer_size() const noexcept { return rcvbuf_; }

 private:
  static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void on_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* addr, unsigned flags);

  uv_loop_t* loop_;
  uv_udp_t* handle_;  // heap-allocated: outlives us until its close callback
  OnDatagram on_datagram_;
  Address local_;
  UdpCounters counters_;
  int rcvbuf_ = 0;
  bool open_ = false;
};

}  // namespace wkd::transport
