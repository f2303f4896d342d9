// The only way out of the protocol core: what an engine asks of the world.
//
// The engine never reads a clock, opens a socket or starts a thread. The
// runtime (transport/ on libuv, tests/support/ in the simulator) gives it
// the current time on every call, delivers packets and stream messages, and
// carries out the I/O requested here. Timers are not requested one by one:
// after every call into the engine the runtime asks next_deadline() and
// calls on_timer() when that time comes.
//
// Streams. Every memberlist TCP connection carries one exchange (push/pull,
// TCP ping, or a one-way user message). Connection ids below kInboundConnBit
// are chosen by the engine for connections it dials; accepted connections
// get ids with that bit set, chosen by the runtime. The runtime decodes the
// stream framing (label, encryption, compression: wire/stream.hpp) with the
// options the engine gives (Memberlist::stream_options) and hands complete
// messages to Memberlist::on_stream_message; it reports failures and early
// EOF with Memberlist::on_stream_closed.
#pragma once

#include <cstdint>

#include "common/address.hpp"
#include "common/bytes.hpp"

namespace wkd::swim {

using ConnId = std::uint64_t;
inline constexpr ConnId kInboundConnBit = ConnId{1} << 63;

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Sends one UDP datagram from the node's bound socket. `packet` is fully
  // framed (compound, compression, CRC, encryption, label).
  virtual void send_packet(const Address& to, ByteView packet) = 0;

  // Dials a TCP connection for an exchange. The engine may call
  // stream_write at once; the runtime buffers until connected.
  virtual void stream_dial(ConnId id, const Address& to) = 0;

  // Writes already-framed bytes to a connection.
  virtual void stream_write(ConnId id, ByteView bytes) = 0;

  // Closes a connection once pending writes are flushed; no further
  // callbacks are made for it.
  virtual void stream_close(ConnId id) = 0;

  // Gives a connection up: the exchange failed or timed out. Pending writes
  // are dropped and a dial still in progress is cancelled, so a connect the
  // network swallowed cannot complete long after (the kernel retries a SYN
  // for up to two minutes) and deliver a stale exchange. No further
  // callbacks are made for it. By default the same as stream_close.
  virtual void stream_abort(ConnId id) { stream_close(id); }
};

}  // namespace wkd::swim
