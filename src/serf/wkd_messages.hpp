// The hook for data only wkd nodes exchange, carried inside Serf's gossip.
//
// Serf message types are one byte after memberlist's 0x08 user type. Serf
// itself uses 0..9 (messages.go) and grows by appending, so the top of the
// byte is safe: wkd reserves 0xE0..0xEF for its own messages. A Go serf node
// that received one would log "Received message of unknown type" and drop
// it, but it never gets the chance:
//
//  * wkd messages sit in their own broadcast queue, and get_broadcasts hands
//    them out only when the packet's target advertises the `wkd` tag;
//  * the push/pull user state (0x02 ‖ messagePushPull) gets one extra msgpack
//    key, "WkdState" (raw bytes), only when the peer advertises `wkd`; Go's
//    decoder would skip it as an unknown key anyway.
//
// What the bytes mean is the business of a WkdHandler (the registry): the
// Serf layer only queues, filters and delivers.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"

namespace wkd::serf {

inline constexpr std::uint8_t kWkdTypeFirst = 0xE0;
inline constexpr std::uint8_t kWkdTypeLast = 0xEF;
// Registry deltas (the first user of the range).
inline constexpr std::uint8_t kWkdTypeRegistry = 0xE0;

constexpr bool is_wkd_type(std::uint8_t t) noexcept { return t >= kWkdTypeFirst && t <= kWkdTypeLast; }

// The msgpack key of the wkd state inside messagePushPull.
inline constexpr std::string_view kWkdStateKey = "WkdState";

class WkdHandler {
 public:
  virtual ~WkdHandler() = default;

  // A wkd message (type byte in 0xE0..0xEF, then the body) arrived by
  // gossip. Return true to gossip it further (the handler deduplicates).
  virtual bool on_wkd_message(ByteView msg) = 0;

  // A wkd message that arrived on a TCP stream (Serf::request_wkd on the
  // peer): the payload to write back, or nullopt to take it as one-way
  // (then on_wkd_message is called with it).
  virtual std::optional<Bytes> answer_wkd_request(ByteView /*msg*/) { return std::nullopt; }

  // The state to carry in a push/pull with a wkd peer (empty: none).
  virtual Bytes wkd_local_state(bool join) = 0;

  // The WkdState received in a push/pull from a wkd peer.
  virtual void merge_wkd_state(ByteView state, bool join) = 0;
};

}  // namespace wkd::serf
