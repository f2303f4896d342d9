// SimNode: what the simulator drives. swim::Memberlist and serf::Serf are
// both sans-I/O engines with the same shape (input methods that take `now`,
// one next_deadline()), so the network and clock only know this interface
// and thin adapters (memberlist_node.hpp, serf_node.hpp) wrap each engine.
//
// The network calls exactly one method at a time, never re-entrantly: all
// I/O an engine asks for during a call is queued as future events. After
// every call it re-reads next_deadline() and re-arms the node's wake-up.
#pragma once

#include <string_view>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/time.hpp"
#include "swim/runtime.hpp"
#include "wire/stream.hpp"

namespace wkd::sim {

class SimNode {
 public:
  virtual ~SimNode() = default;

  virtual void start(TimePoint now) = 0;
  virtual void on_packet(TimePoint now, const Address& from, ByteView datagram) = 0;
  virtual void on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) = 0;
  virtual void on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) = 0;
  virtual void on_timer(TimePoint now) = 0;
  virtual TimePoint next_deadline() const = 0;

  // How the runtime decodes the stream framing of this node's connections
  // (label, keyring, limits): what the libuv transport would ask.
  virtual wire::StreamDecodeOptions stream_decode_options() const { return {}; }
};

}  // namespace wkd::sim
