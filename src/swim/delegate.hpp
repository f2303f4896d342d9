// Hooks of the layer above the SWIM core (the Serf layer), as memberlist's
// Delegate, EventDelegate, ConflictDelegate and PingDelegate. All calls come
// from inside a Memberlist call, on its one thread; none may call back into
// the Memberlist except through the methods documented as re-entrant.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/time.hpp"
#include "swim/node_state.hpp"

namespace wkd::swim {

class Delegate {
 public:
  virtual ~Delegate() = default;

  // Metadata to advertise for the local node (serf: encoded tags); at most
  // `limit` bytes.
  virtual Bytes node_meta(std::size_t limit) = 0;

  // A user message: the bytes after the 0x08 type byte (UDP), or the
  // payload of a TCP user message.
  virtual void notify_msg(ByteView msg) = 0;

  // A user message that arrived on a TCP stream, before notify_msg: return
  // the payload of a user message to write back on the same stream (the
  // stream was a request, see Memberlist::request), or nullopt to take the
  // message as one-way (notify_msg follows, as memberlist does).
  virtual std::optional<Bytes> answer_stream_msg(ByteView /*msg*/) { return std::nullopt; }

  // Broadcasts to piggyback on a packet going to `target` (nullptr when the
  // destination is not a known member). Each message costs `overhead` bytes
  // besides its length; the total must stay within `limit`. Messages are
  // appended to `out` without the 0x08 user type byte.
  virtual void get_broadcasts(const NodeInfo* target, std::size_t overhead, std::size_t limit,
                              std::vector<Bytes>& out) = 0;

  // Whether get_broadcasts has anything to give. A delegate that answers
  // false when it has nothing lets memberlist stop its gossip ticker while
  // both queues are empty; it must then call Memberlist::wake_gossip once
  // it queues something. The default keeps the ticker running.
  virtual bool has_broadcasts() const { return true; }

  // The user state of a push/pull going to `peer` (nullptr when unknown).
  virtual Bytes local_state(bool join, const NodeInfo* peer) = 0;

  // The user state received in a push/pull from `peer` (nullptr when unknown).
  virtual void merge_remote_state(ByteView state, bool join, const NodeInfo* peer) = 0;

  // Membership changes: a node became alive (new, or back from dead/left),
  // became dead or left, or changed its metadata while alive.
  virtual void notify_join(const NodeInfo& node) = 0;
  virtual void notify_leave(const NodeInfo& node) = 0;
  virtual void notify_update(const NodeInfo& node) = 0;

  // The record of `name` changed (state, incarnation, address, metadata),
  // or memberlist forgot the member: called at every change of the member
  // table, after it, in the order changes happen, besides the notifications
  // above (which do not cover suspicion, refutation or forgetting).
  virtual void notify_changed(std::string_view /*name*/) {}

  // An alive message claimed `existing`'s name with another address.
  virtual void notify_conflict(const NodeInfo& existing, const NodeInfo& other) = 0;

  // Payload of the acks this node sends (serf: Vivaldi coordinate); nullopt
  // sends a nil payload.
  virtual wire::NilBytes ack_payload() = 0;

  // A direct probe of `node` succeeded after `rtt`, with the ack's payload.
  virtual void notify_ping_complete(const NodeInfo& node, Duration rtt, ByteView payload) = 0;
};

}  // namespace wkd::swim
