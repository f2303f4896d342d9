// The Serf push/pull user state, with wkd's extension (serf delegate.go
// LocalState/MergeRemoteState; docs/wire.md §11.2, §11.3, §13.11).
//
// In every memberlist push/pull, serf appends its own state as the
// "user state": 0x02 ‖ msgpack messagePushPull {EventLTime, Events, LTime,
// LeftMembers, QueryLTime, StatusLTimes}. Go sends its whole 512-slot event
// ring with nil for empty slots; wkd sends only the occupied slots (an empty
// array when none), which Go accepts.
//
// Towards a wkd peer the map gets a seventh key, "WkdState" (raw bytes, the
// registry's state). Keys are written in byte order as go-msgpack does, and
// "WkdState" sorts last, so it is appended after StatusLTimes and the map
// header grows from 6 to 7 entries. Go's decoder skips unknown keys, so even
// a serf node handed such a state would read the serf part unchanged; wkd
// still adds it only for wkd peers.
#pragma once

#include <optional>

#include "common/bytes.hpp"
#include "wire/errors.hpp"
#include "wire/msgpack.hpp"
#include "wire/serf_messages.hpp"

namespace wkd::serf {

struct PushPullState {
  wire::SerfPushPull serf;
  std::optional<Bytes> wkd_state;  // present only between wkd nodes
};

// 0x02 ‖ map.
wire::Result<Bytes> encode_push_pull_state(const PushPullState& s,
                                           wire::IntStyle style = wire::IntStyle::legacy);

// Checks the 0x02 prefix, decodes the serf fields and picks out WkdState if
// present (nil reads as absent). Empty input is Err::truncated; another
// prefix is Err::unknown_type.
wire::Result<PushPullState> decode_push_pull_state(ByteView state);

}  // namespace wkd::serf
