// SimNode: what the simulator drives — a swim::Machine (the interface the
// libuv driver drives too) that can also be started. swim::Memberlist,
// serf::Serf and the wkd core are sans-I/O machines of that shape, so the
// network and clock only know this interface and thin adapters
// (memberlist_node.hpp, serf_node.hpp) wrap each engine.
//
// The network calls exactly one method at a time, never re-entrantly: all
// I/O an engine asks for during a call is queued as future events. After
// every call it re-reads next_deadline() and re-arms the node's wake-up.
#pragma once

#include <string_view>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/time.hpp"
#include "swim/machine.hpp"
#include "swim/runtime.hpp"
#include "wire/stream.hpp"

namespace wkd::sim {

class SimNode : public swim::Machine {
 public:
  virtual void start(TimePoint now) = 0;

  // How the network decodes the stream framing of this node's connections
  // (label, keyring, limits): what the libuv driver would ask.
  wire::StreamDecodeOptions stream_decode_options() const override { return {}; }
};

}  // namespace wkd::sim
