// A scripted SimNode for the simulator's own tests: it records what the
// network delivers and wakes up at deadlines the test sets.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "support/sim_network.hpp"
#include "support/sim_node.hpp"
#include "support/sim_runtime.hpp"

namespace wkd::sim::fake {

class FakeNode final : public SimNode {
 public:
  FakeNode(SimNetwork& net, NodeId id) : rt(net, id) {}

  struct Packet {
    TimePoint at;
    Address from;
    Bytes bytes;
  };
  struct StreamMsg {
    TimePoint at;
    swim::ConnId id;
    Address from;
    Bytes bytes;
  };
  struct Closed {
    TimePoint at;
    swim::ConnId id;
    std::string reason;
  };

  void start(TimePoint now) override { started_at = now; }
  void on_packet(TimePoint now, const Address& from, ByteView datagram) override {
    packets.push_back({now, from, Bytes(datagram.begin(), datagram.end())});
    if (on_packet_hook) on_packet_hook(now, from, datagram);
  }
  void on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) override {
    stream_msgs.push_back({now, id, from, Bytes(message.begin(), message.end())});
    if (on_stream_hook) on_stream_hook(now, id, message);
  }
  void on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) override {
    closed.push_back({now, id, std::string(reason)});
  }
  void on_timer(TimePoint now) override {
    timer_fires.push_back(now);
    while (!deadlines.empty() && *deadlines.begin() <= now) deadlines.erase(deadlines.begin());
    if (on_timer_hook) on_timer_hook(now);
  }
  TimePoint next_deadline() const override { return deadlines.empty() ? TimePoint::max() : *deadlines.begin(); }
  wire::StreamDecodeOptions stream_decode_options() const override { return decode_opts; }

  SimRuntime rt;
  TimePoint started_at{};
  std::vector<Packet> packets;
  std::vector<StreamMsg> stream_msgs;
  std::vector<Closed> closed;
  std::vector<TimePoint> timer_fires;
  std::multiset<TimePoint> deadlines;
  wire::StreamDecodeOptions decode_opts;
  std::function<void(TimePoint, const Address&, ByteView)> on_packet_hook;
  std::function<void(TimePoint, swim::ConnId, ByteView)> on_stream_hook;
  std::function<void(TimePoint)> on_timer_hook;
};

// A network of FakeNodes at 127.0.0.1, 127.0.0.2, ... port 7946.
struct FakeNet {
  explicit FakeNet(std::size_t n, std::uint64_t seed = 1, NetOptions opts = {}) : net(clock, seed, opts) {
    for (std::size_t i = 0; i < n; ++i) {
      const NodeId id = net.add_node(addr(i));
      nodes.push_back(std::make_unique<FakeNode>(net, id));
      net.attach(id, nodes.back().get());
    }
  }
  static Address addr(std::size_t i) {
    return Address::v4(127, 0, static_cast<std::uint8_t>(i / 250), static_cast<std::uint8_t>(i % 250 + 1), 7946);
  }
  FakeNode& operator[](std::size_t i) { return *nodes.at(i); }
  // Sends a datagram from node i to node j, from inside a call into i.
  void send(std::size_t i, std::size_t j, ByteView bytes) {
    net.call(static_cast<NodeId>(i), [&](SimNode&, TimePoint) { nodes[i]->rt.send_packet(addr(j), bytes); });
  }
  void set_deadline(std::size_t i, TimePoint at) {
    net.call(static_cast<NodeId>(i), [&](SimNode&, TimePoint) { nodes[i]->deadlines.insert(at); });
  }

  SimClock clock;
  SimNetwork net;
  std::vector<std::unique_ptr<FakeNode>> nodes;
};

inline TimePoint at_ms(std::int64_t ms) { return TimePoint{} + milliseconds(ms); }

}  // namespace wkd::sim::fake
