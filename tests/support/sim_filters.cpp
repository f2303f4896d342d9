#include "support/sim_filters.hpp"

#include <algorithm>
#include <utility>

#include "wire/errors.hpp"
#include "wire/packet.hpp"

namespace wkd::sim {

std::vector<wire::MsgType> packet_types(ByteView datagram, const PeekOptions& opts) {
  std::vector<wire::MsgType> types;
  wire::PacketDecodeOptions o;
  o.label = opts.label;
  o.keyring = opts.keyring;
  wire::DecodeCounters ignored;
  auto decoded = wire::decode_packet(datagram, o, ignored);
  if (!decoded.ok()) return types;
  types.reserve(decoded->messages.size());
  for (const auto& m : decoded->messages) types.push_back(static_cast<wire::MsgType>(m.type()));
  return types;
}

bool packet_has_type(ByteView datagram, wire::MsgType type, const PeekOptions& opts) {
  const auto types = packet_types(datagram, opts);
  return std::find(types.begin(), types.end(), type) != types.end();
}

SimNetwork::DropFilter drop_message_type(NodeId from, NodeId to, wire::MsgType type, PeekOptions opts) {
  return [from, to, type, opts = std::move(opts)](NodeId f, NodeId t, ByteView datagram) {
    if (from != kNoNode && f != from) return false;
    if (to != kNoNode && t != to) return false;
    return packet_has_type(datagram, type, opts);
  };
}

}  // namespace wkd::sim
