// Serf message bodies as plain structs (docs/wire.md §11.2, §11.3).
//
// Serf rides inside memberlist: its gossip travels as memberlist user
// messages `0x08 ‖ serfType ‖ msgpack(body)`, its push/pull state is the
// memberlist user state `0x02 ‖ msgpack`, and the conflict/key payloads (6, 7,
// 8) are the first byte of a query or query-response payload. Field comments
// give the Go names where they differ from ours; Go `int` fields (query
// Timeout, member Status, relay port) are the ones whose encoding depends on
// IntStyle.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/bytes.hpp"
#include "wire/messages.hpp"

namespace wkd::wire {

using LamportTime = std::uint64_t;

// The byte after 0x08 in a serf user message (serf messages.go).
enum class SerfType : std::uint8_t {
  leave = 0,
  join = 1,
  push_pull = 2,
  user_event = 3,
  query = 4,
  query_response = 5,
  conflict_response = 6,
  key_request = 7,
  key_response = 8,
  relay = 9,
};

const char* serf_type_name(SerfType t) noexcept;

// Query flags.
inline constexpr std::uint32_t kQueryFlagAck = 1;          // send an ack back
inline constexpr std::uint32_t kQueryFlagNoBroadcast = 2;  // don't re-gossip

// Serf member statuses as carried in a conflict response (Go MemberStatus).
enum class SerfMemberStatus : std::int64_t { none = 0, alive = 1, leaving = 2, left = 3, failed = 4 };

// Leave intent (type 0). prune: erase the member right after processing.
struct SerfLeave {
  LamportTime ltime = 0;
  std::string node;
  bool prune = false;
  friend bool operator==(const SerfLeave&, const SerfLeave&) = default;
};

// Join intent (type 1).
struct SerfJoin {
  LamportTime ltime = 0;
  std::string node;
  friend bool operator==(const SerfJoin&, const SerfJoin&) = default;
};

// User event (type 3). cc: "may coalesce".
struct SerfUserEvent {
  LamportTime ltime = 0;
  std::string name;
  NilBytes payload;
  bool cc = false;
  friend bool operator==(const SerfUserEvent&, const SerfUserEvent&) = default;
};

// One event in the push/pull event ring (Go userEvent).
struct SerfEventEntry {
  std::string name;
  NilBytes payload;
  friend bool operator==(const SerfEventEntry&, const SerfEventEntry&) = default;
};

// The events seen at one Lamport time (Go userEvents).
struct SerfEventSlot {
  LamportTime ltime = 0;
  std::vector<SerfEventEntry> events;
  friend bool operator==(const SerfEventSlot&, const SerfEventSlot&) = default;
};

// Push/pull user state (type 2). Go sends its whole 512-slot event ring with
// nil (nullopt) for empty slots; an empty vector encodes as an empty array,
// which Go accepts. status_ltimes encodes with keys sorted (Go's order is
// random, so bytes are comparable only between wkd nodes).
struct SerfPushPull {
  LamportTime ltime = 0;
  std::map<std::string, LamportTime> status_ltimes;
  std::vector<std::string> left_members;
  LamportTime event_ltime = 0;
  std::vector<std::optional<SerfEventSlot>> events;
  LamportTime query_ltime = 0;
  friend bool operator==(const SerfPushPull&, const SerfPushPull&) = default;
};

// Query filters. On the wire each is `filterType ‖ msgpack`; an empty entry
// makes Debian serf panic, so it is never emitted and rejected on input
// (Err::empty_filter). Filter types serf doesn't know are kept raw: serf
// then declines to process the query, and so should the engine.
struct NodeFilter {  // type 0: a list of node names
  std::vector<std::string> names;
  friend bool operator==(const NodeFilter&, const NodeFilter&) = default;
};
struct TagFilter {  // type 1: tag `tag` must match regex `expr`
  std::string tag;
  std::string expr;
  friend bool operator==(const TagFilter&, const TagFilter&) = default;
};
struct UnknownFilter {
  std::uint8_t type = 0;
  Bytes body;  // after the type byte
  friend bool operator==(const UnknownFilter&, const UnknownFilter&) = default;
};
using QueryFilter = std::variant<NodeFilter, TagFilter, UnknownFilter>;

inline constexpr std::uint8_t kFilterNode = 0;
inline constexpr std::uint8_t kFilterTag = 1;

// Query (type 4). No filters encodes as nil (c0), as Go does.
struct SerfQuery {
  LamportTime ltime = 0;
  std::uint32_t id = 0;
  Bytes addr;  // where responses go
  std::uint16_t port = 0;
  std::string source_node;
  std::vector<QueryFilter> filters;
  std::uint32_t flags = 0;
  std::uint8_t relay_factor = 0;
  std::int64_t timeout_ns = 0;  // Go time.Duration (signed)
  std::string name;
  NilBytes payload;
  friend bool operator==(const SerfQuery&, const SerfQuery&) = default;
};

// Query response (type 5); flags & kQueryFlagAck marks an ack (payload nil).
struct SerfQueryResponse {
  LamportTime ltime = 0;
  std::uint32_t id = 0;
  std::string from;
  std::uint32_t flags = 0;
  NilBytes payload;
  friend bool operator==(const SerfQueryResponse&, const SerfQueryResponse&) = default;
};

// A member as serf describes it in a conflict response (Go serf.Member).
struct SerfMember {
  std::string name;
  Bytes addr;
  std::uint16_t port = 0;
  std::map<std::string, std::string> tags;
  SerfMemberStatus status = SerfMemberStatus::none;  // Go int
  std::uint8_t protocol_min = 0;
  std::uint8_t protocol_max = 0;
  std::uint8_t protocol_cur = 0;
  std::uint8_t delegate_min = 0;
  std::uint8_t delegate_max = 0;
  std::uint8_t delegate_cur = 0;
  friend bool operator==(const SerfMember&, const SerfMember&) = default;
};

// Conflict response payload (type 6): the responder's view of the disputed
// member, or nullopt (`06 c0`) if it doesn't know it.
struct SerfConflictResponse {
  std::optional<SerfMember> member;
  friend bool operator==(const SerfConflictResponse&, const SerfConflictResponse&) = default;
};

// Key request payload (type 7).
struct SerfKeyRequest {
  Bytes key;
  friend bool operator==(const SerfKeyRequest&, const SerfKeyRequest&) = default;
};

// Key response payload (type 8). keys/primary_key are base64 strings. An
// empty keys list encodes as nil, as Go's zero value does.
struct SerfKeyResponse {
  std::vector<std::string> keys;
  std::string message;
  std::string primary_key;
  bool result = false;
  friend bool operator==(const SerfKeyResponse&, const SerfKeyResponse&) = default;
};

// Relay header (type 9): Go relayHeader{DestAddr net.UDPAddr{IP, Port, Zone},
// DestName}. The relay message is 0x09 ‖ header ‖ inner serf message.
struct SerfRelayHeader {
  Bytes dest_ip;
  std::int64_t dest_port = 0;  // Go int
  std::string dest_zone;
  std::string dest_name;
  friend bool operator==(const SerfRelayHeader&, const SerfRelayHeader&) = default;
};

struct SerfRelay {
  SerfRelayHeader header;
  Bytes inner;  // a whole serf message: serfType ‖ body
  friend bool operator==(const SerfRelay&, const SerfRelay&) = default;
};

// The serf messages that arrive as memberlist user messages (serf's
// NotifyMsg handles exactly these types).
using SerfMessage =
    std::variant<SerfLeave, SerfJoin, SerfUserEvent, SerfQuery, SerfQueryResponse, SerfRelay>;

}  // namespace wkd::wire
