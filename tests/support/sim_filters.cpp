#include "support/sim_filters.hpp"

#include <algorithm>
#include <utility>

#include "wire/errors.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/msgpack.hpp"
#include "wire/packet.hpp"
#include "wire/stream.hpp"

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

std::vector<Bytes> user_payloads(ByteView datagram, const PeekOptions& opts) {
  std::vector<Bytes> out;
  wire::PacketDecodeOptions o;
  o.label = opts.label;
  o.keyring = opts.keyring;
  wire::DecodeCounters ignored;
  auto decoded = wire::decode_packet(datagram, o, ignored);
  if (!decoded.ok()) return out;
  for (const auto& m : decoded->messages) {
    if (m.type() != static_cast<std::uint8_t>(wire::MsgType::user)) continue;
    const ByteView body = m.body();
    out.emplace_back(body.begin(), body.end());
  }
  return out;
}

std::optional<Bytes> stream_message(ByteView chunk, const PeekOptions& opts) {
  wire::StreamDecodeOptions o;
  o.label = opts.label;
  o.keyring = opts.keyring;
  wire::StreamDecoder decoder(wire::StreamRole::acceptor, o);
  auto step = decoder.feed(chunk);
  if (!step.ok() || step->status != wire::StreamStatus::message) return std::nullopt;
  return std::move(step->message.bytes);
}

std::optional<Bytes> stream_user_payload(ByteView chunk, const PeekOptions& opts) {
  const auto m = stream_message(chunk, opts);
  if (!m || (*m)[0] != static_cast<std::uint8_t>(wire::MsgType::user)) return std::nullopt;
  wire::msgpack::Reader r(ByteView(*m).subspan(1));
  auto header = wire::decode_user_msg_header(r);
  if (!header.ok() || header->user_msg_len < 0 ||
      r.remaining() != static_cast<std::size_t>(header->user_msg_len)) {
    return std::nullopt;
  }
  const ByteView payload = r.rest();
  return Bytes(payload.begin(), payload.end());
}

}  // namespace wkd::sim
