// What an I/O driver drives: a pure protocol machine.
//
// swim::Runtime (runtime.hpp) is the way out of the protocol core; Machine
// is the way in. A driver (transport/ on libuv, tests/support/ in the
// simulator) hands the machine every datagram, complete stream message,
// stream end and timer expiry with the current time, and after each call
// asks next_deadline() for when to wake it next. Both sides know only these
// two interfaces, so one driver serves memberlist alone, the Serf layer or
// the whole wkd core, and the simulator runs exactly the code a real node
// runs.
//
// A machine is single-threaded and never re-entered: the driver makes one
// call at a time, and the I/O the machine requests during a call is carried
// out after it (or queued by the driver) without calling back into it.
#pragma once

#include <string_view>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/time.hpp"
#include "swim/runtime.hpp"
#include "wire/stream.hpp"

namespace wkd::swim {

class Machine {
 public:
  virtual ~Machine() = default;

  virtual void on_packet(TimePoint now, const Address& from, ByteView datagram) = 0;
  virtual void on_stream_message(TimePoint now, ConnId id, const Address& from, ByteView message) = 0;
  virtual void on_stream_closed(TimePoint now, ConnId id, std::string_view reason) = 0;
  // Called at (or after, never before) next_deadline().
  virtual void on_timer(TimePoint now) = 0;
  // TimePoint::max() when nothing is due.
  virtual TimePoint next_deadline() const = 0;

  // How the driver decodes the framing of this machine's connections
  // (label, keyring, limits).
  virtual wire::StreamDecodeOptions stream_decode_options() const = 0;
};

}  // namespace wkd::swim
