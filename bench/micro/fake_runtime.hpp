// An in-process swim::Runtime for the engine benchmarks: no socket, no
// simulator. Datagrams are counted and dropped, except that (unless
// answer_pings is off) every ping is answered at once with an ack from its
// target, as a healthy cluster would, so probes succeed and the member
// table stays stable however long a benchmark runs. Streams are counted and never answered (the benchmarks
// disable periodic push/pull).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/time.hpp"
#include "swim/runtime.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/packet.hpp"

namespace wkd::bench {

class EchoRuntime final : public swim::Runtime {
 public:
  std::uint64_t packets = 0, bytes = 0, streams = 0;
  std::size_t last_packet_size = 0;
  // When false, datagrams are only counted (no decoding cost at all).
  bool answer_pings = true;

  void send_packet(const Address& to, ByteView packet) override {
    ++packets;
    bytes += packet.size();
    last_packet_size = packet.size();
    if (!answer_pings) return;
    auto decoded = wire::decode_packet(packet, {}, counters_);
    if (!decoded.ok()) return;
    for (const auto& m : decoded->messages) {
      if (m.type() != static_cast<std::uint8_t>(wire::MsgType::ping)) continue;
      auto ping = wire::decode_ping(m.body());
      if (!ping.ok()) continue;
      auto ack = wire::encode_message(wire::Ack{ping->seq_no, std::nullopt});
      if (ack.ok()) pending_.push_back({to, std::move(*ack)});
    }
  }
  void stream_dial(swim::ConnId, const Address&) override { ++streams; }
  void stream_write(swim::ConnId, ByteView) override {}
  void stream_close(swim::ConnId) override {}

  // Hands the acks queued by the last engine call back to it (E is a
  // swim::Memberlist or a serf::Serf: anything with on_packet).
  template <class E>
  void deliver(E& engine, TimePoint now) {
    std::vector<std::pair<Address, Bytes>> batch;
    batch.swap(pending_);
    for (const auto& [from, datagram] : batch) engine.on_packet(now, from, datagram);
  }

 private:
  wire::DecodeCounters counters_;
  std::vector<std::pair<Address, Bytes>> pending_;
};

}  // namespace wkd::bench
