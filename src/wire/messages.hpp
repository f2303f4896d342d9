// memberlist message bodies as plain structs (docs/wire.md §3).
//
// Every memberlist message on the wire is one type byte followed by one
// msgpack object; the structs below are those objects, field for field, with
// the Go field name noted where it differs from ours. The framing types
// (compound, CRC, label, encryption, user) have binary layouts and live in the
// framing files; only their msgpack pieces (Compress, UserMsgHeader) are here.
//
// Go distinguishes a nil []byte (encoded c0) from an empty one (a0). Fields
// where Go really sends nil use NilBytes so a decoded message re-encodes to
// the same bytes; address fields are plain Bytes (Go never sends them nil).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "wire/vsn.hpp"

namespace wkd::wire {

// A Go []byte that may be nil: nullopt is nil (c0), an empty vector is a0.
using NilBytes = std::optional<Bytes>;

// The first byte of every memberlist message. Values are fixed by the
// protocol (memberlist net.go: "only append").
enum class MsgType : std::uint8_t {
  ping = 0,
  indirect_ping = 1,
  ack = 2,
  suspect = 3,
  alive = 4,
  dead = 5,
  push_pull = 6,
  compound = 7,
  user = 8,
  compress = 9,
  encrypt = 10,
  nack = 11,
  has_crc = 12,
  err = 13,
  has_label = 244,
};

// "ping", "indirect_ping", ...; "unknown" for other values.
const char* msg_type_name(MsgType t) noexcept;
// True for the 15 values above.
bool is_known_msg_type(std::uint8_t b) noexcept;

// Node states in push/pull (Go NodeStateType). Other values decode as-is and
// are ignored by Go's merge; the engine should do the same.
enum class NodeState : std::uint8_t { alive = 0, suspect = 1, dead = 2, left = 3 };

// Largest node meta memberlist will send (MetaMaxSize). Receivers don't check.
inline constexpr std::size_t kMetaMaxSize = 512;

// Type 0. Source* are omitempty: left out of the map when zero/empty.
struct Ping {
  std::uint32_t seq_no = 0;
  std::string node;          // intended target; empty = anyone
  Bytes source_addr;         // empty, 4 or 16 bytes
  std::uint16_t source_port = 0;
  std::string source_node;
  friend bool operator==(const Ping&, const Ping&) = default;
};

// Type 1 (Go indirectPingReq). Source* are omitempty.
struct IndirectPing {
  std::uint32_t seq_no = 0;  // the requester's sequence number
  Bytes target;              // target IP, 4 or 16 bytes
  std::uint16_t port = 0;    // target port (0: receiver uses its own)
  std::string node;          // target name
  bool nack = false;         // requester wants a nack on timeout
  Bytes source_addr;
  std::uint16_t source_port = 0;
  std::string source_node;
  friend bool operator==(const IndirectPing&, const IndirectPing&) = default;
};

// Type 2 (Go ackResp). Payload: serf sends a Vivaldi coordinate
// (coordinate.hpp); nil when there is none.
struct Ack {
  std::uint32_t seq_no = 0;
  NilBytes payload;
  friend bool operator==(const Ack&, const Ack&) = default;
};

// Type 11 (Go nackResp).
struct Nack {
  std::uint32_t seq_no = 0;
  friend bool operator==(const Nack&, const Nack&) = default;
};

// Type 13 (Go errResp), TCP only.
struct ErrResp {
  std::string error;
  friend bool operator==(const ErrResp&, const ErrResp&) = default;
};

// Type 3.
struct Suspect {
  std::uint32_t incarnation = 0;
  std::string node;
  std::string from;  // accuser
  friend bool operator==(const Suspect&, const Suspect&) = default;
};

// Type 5. from == node means the node left voluntarily.
struct Dead {
  std::uint32_t incarnation = 0;
  std::string node;
  std::string from;
  friend bool operator==(const Dead&, const Dead&) = default;
};

// Type 4. vsn nullopt = empty Vsn on the wire (accepted on input, refused by
// the encoder). meta at most kMetaMaxSize on encode.
struct Alive {
  std::uint32_t incarnation = 0;
  std::string node;
  Bytes addr;  // 4 or 16 bytes
  std::uint16_t port = 0;
  NilBytes meta;
  std::optional<Vsn> vsn;
  friend bool operator==(const Alive&, const Alive&) = default;
};

// First msgpack object of a push/pull (type 6).
struct PushPullHeader {
  std::int64_t nodes = 0;           // Go int
  std::int64_t user_state_len = 0;  // Go int
  bool join = false;
  friend bool operator==(const PushPullHeader&, const PushPullHeader&) = default;
};

// One node of a push/pull. Note Go calls the name "Name" here, "Node" in alive.
struct PushNodeState {
  std::string name;
  Bytes addr;
  std::uint16_t port = 0;
  NilBytes meta;
  std::uint32_t incarnation = 0;
  NodeState state = NodeState::alive;  // Go int
  std::optional<Vsn> vsn;
  friend bool operator==(const PushNodeState&, const PushNodeState&) = default;
};

// A whole push/pull message after its type byte: header, node states and the
// delegate's opaque user state (serf: 0x02 ‖ msgpack messagePushPull).
struct PushPull {
  bool join = false;
  std::vector<PushNodeState> nodes;
  Bytes user_state;
  friend bool operator==(const PushPull&, const PushPull&) = default;
};

// Header of a TCP user message: 0x08 ‖ header ‖ user_msg_len raw bytes.
struct UserMsgHeader {
  std::int64_t user_msg_len = 0;  // Go int
  friend bool operator==(const UserMsgHeader&, const UserMsgHeader&) = default;
};

// Type 9 body. algo 0 = LZW, the only one defined.
struct Compress {
  std::uint8_t algo = 0;
  Bytes buf;
  friend bool operator==(const Compress&, const Compress&) = default;
};

}  // namespace wkd::wire
