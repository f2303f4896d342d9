// Peeking into simulated datagrams, for targeted drops.
//
// A filter sees the datagram exactly as the sender framed it (label,
// encryption, CRC, compression, compound). These helpers undo the framing
// with wire::decode_packet, using the receiver's label and keyring, and look
// at the memberlist message types inside, so a test can say "drop every ack
// from node 2 to node 0" and mean acks carried in any framing.
#pragma once

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

}  // namespace wkd::sim
