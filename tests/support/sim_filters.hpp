// Peeking into simulated datagrams, for targeted drops.
//
// A filter sees the datagram exactly as the sender framed it (label,
// encryption, CRC, compression, compound). These helpers undo the framing
// with wire::decode_packet, using the receiver's label and keyring, and look
// at the memberlist message types inside, so a test can say "drop every ack
// from node 2 to node 0" and mean acks carried in any framing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "support/sim_network.hpp"
#include "wire/keyring.hpp"
#include "wire/messages.hpp"

namespace wkd::sim {

// How to undo the framing: the receiver's label and keyring (nullptr: none).
struct PeekOptions {
  std::string label;
  const wire::Keyring* keyring = nullptr;
};

// The memberlist message types in a datagram, compound and compress
// unwrapped, in order; empty when the datagram does not decode.
std::vector<wire::MsgType> packet_types(ByteView datagram, const PeekOptions& opts = {});

bool packet_has_type(ByteView datagram, wire::MsgType type, const PeekOptions& opts = {});

// A DropFilter for datagrams from `from` to `to` (kNoNode: any node) that
// carry a message of `type`. The whole datagram is dropped, piggybacked
// gossip included, as a lost UDP packet would be.
SimNetwork::DropFilter drop_message_type(NodeId from, NodeId to, wire::MsgType type, PeekOptions opts = {});

// The payloads of the memberlist user messages (type 8: what Serf sends,
// its own type byte first) in a datagram, compound and compress unwrapped,
// in order; empty when there are none or the datagram does not decode.
std::vector<Bytes> user_payloads(ByteView datagram, const PeekOptions& opts = {});

// The message at the start of a stream chunk (type byte first; label
// header, encryption and compression undone with `opts`); nullopt when the
// chunk does not hold a whole message. The simulator delivers each write
// as one chunk and memberlist writes a message in one write, so a
// connection's messages arrive one a chunk.
std::optional<Bytes> stream_message(ByteView chunk, const PeekOptions& opts = {});

// The payload of a TCP user message (0x08 ‖ header ‖ payload) at the start
// of a stream chunk; nullopt when the chunk starts anything else.
std::optional<Bytes> stream_user_payload(ByteView chunk, const PeekOptions& opts = {});

}  // namespace wkd::sim
