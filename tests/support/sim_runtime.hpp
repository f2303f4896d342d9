// SimRuntime: swim::Runtime for one simulated node.
//
// An engine is given its node's SimRuntime; every datagram, dial, write and
// close it asks for becomes a future event on the SimNetwork, under the
// sender's node id. Nothing is delivered during the call that asked for it,
// so an engine is never re-entered. The counters (datagrams and bytes in
// and out, losses, streams, timer wake-ups) are the network's, per node.
#pragma once

#include "support/sim_network.hpp"
#include "swim/runtime.hpp"

namespace wkd::sim {

class SimRuntime final : public swim::Runtime {
 public:
  SimRuntime(SimNetwork& net, NodeId id) : net_(net), id_(id) {}

  void send_packet(const Address& to, ByteView packet) override;
  void stream_dial(swim::ConnId id, const Address& to) override;
  void stream_write(swim::ConnId id, ByteView bytes) override;
  void stream_close(swim::ConnId id) override;

  NodeId id() const noexcept { return id_; }
  const Address& address() const { return net_.address(id_); }
  const NodeCounters& counters() const { return net_.counters(id_); }
  SimNetwork& network() noexcept { return net_; }

 private:
  SimNetwork& net_;
  NodeId id_;
};

}  // namespace wkd::sim
