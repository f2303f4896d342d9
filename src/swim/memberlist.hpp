// The SWIM failure detector and gossip dissemination of HashiCorp
// memberlist, with the Lifeguard extensions, as a pure state machine.
//
// Memberlist holds the member table and runs the protocol (SWIM, Das et
// al. 2002; Lifeguard, Dadgar et al. 2018), exactly as memberlist does, so
// that a mixed cluster agrees on timing:
//
//  - probing (SWIM §4.3): every probe interval the next member of a
//    shuffled round-robin list is pinged; with no ack within the probe
//    timeout, k random members are asked to ping it (indirect probe, with
//    nacks from protocol-4 peers) and a TCP ping is tried in parallel; with
//    no ack by the probe deadline, the member is suspected;
//  - suspicion (SWIM §4.2, Lifeguard §3.2): a suspect member is declared dead
//    when its suspicion timer fires; the timer starts at the maximum and
//    shrinks towards the minimum as independent confirmations arrive; the
//    member refutes by gossiping a higher incarnation;
//  - local health awareness (Lifeguard §3.1): failed probes, missed nacks
//    and refutations raise a score that stretches the probe deadline;
//  - dissemination (SWIM §4.1): alive/suspect/dead messages are queued and
//    piggybacked on pings and acks and sent to random members every gossip
//    interval, each up to RetransmitMult * ceil(log10(n + 1)) times;
//  - anti-entropy: a full-state TCP push/pull on join and periodically with a
//    random member, its interval scaled with the cluster size.
//
// The layer above (serf/) plugs in through Delegate. All I/O goes through
// Runtime; time is the `now` given to every call; randomness is the Rng.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "common/time.hpp"
#include "swim/config.hpp"
#include "swim/delegate.hpp"
#include "swim/node_state.hpp"
#include "swim/runtime.hpp"
#include "wire/errors.hpp"
#include "wire/keyring.hpp"
#include "wire/stream.hpp"

namespace wkd::swim {

enum class Err : std::uint8_t {
  invalid_config,
  state,        // not started, already left, ...
  no_peers,     // join: no seed answered
  timeout,
  meta_too_big,
};

using Status = wkd::Status<Err>;

// Counters of one node (all monotonic).
struct Stats {
  std::uint64_t packets_in = 0, packets_out = 0, bytes_in = 0, bytes_out = 0;
  std::uint64_t streams_in = 0, streams_out = 0;
  std::uint64_t probes = 0, probe_failures = 0, indirect_probes = 0, tcp_pings = 0;
  std::uint64_t suspicions = 0, refutations = 0, push_pulls = 0, gossip_messages = 0;
  std::uint64_t nacks_sent = 0, nacks_received = 0;
  std::uint64_t verifications = 0, verifications_alive = 0;  // checks before declaring a member dead
  std::uint64_t join_syncs = 0;  // follow-up push/pulls after a join (Config::join_sync_delay)
  wire::DecodeCounters drops;  // inputs rejected, by reason
  std::uint64_t drops_unknown_node_ack = 0;
};

class Memberlist {
 public:
  // cfg must pass validate(). The Runtime, Delegate, Rng and LogSink must
  // outlive the Memberlist.
  Memberlist(Config cfg, Delegate& delegate, Runtime& rt, Rng& rng, LogSink& log, wire::Keyring keyring = {});
  ~Memberlist();
  Memberlist(const Memberlist&) = delete;
  Memberlist& operator=(const Memberlist&) = delete;

  // Marks the local node alive (incarnation 1, metadata from the delegate)
  // and starts probing, gossip and periodic push/pull, each after a random
  // stagger.
  void start(TimePoint now);

  // Push/pull (join = true) with each seed in parallel; `done` receives how
  // many answered and, when none did, the reasons. Re-entrant: done may call
  // back into the Memberlist.
  using JoinDone = std::function<void(int joined, std::string errors)>;
  void join(TimePoint now, std::vector<Address> seeds, JoinDone done);

  // Gossips dead(self, From = self) and calls `done(true)` once that
  // broadcast has been sent RetransmitMult * ceil(log10(n + 1)) times (or at
  // once when no other node is alive), `done(false)` after `timeout`.
  using LeaveDone = std::function<void(bool sent)>;
  void leave(TimePoint now, Duration timeout, LeaveDone done);
  bool has_left() const noexcept;

  // Takes the alive members of `members` as known, as a push/pull would,
  // but without gossiping them, answering or checking them: for
  // simulations that start from a converged cluster, every node adopting
  // the same table. After start(), the periodic push/pull is rescheduled
  // for the new size (as at start: a random stagger, then the scaled
  // interval), so a cluster adopted at once does not push/pull at once.
  // The local node, members already known and those not alive or with a
  // malformed address are skipped; the delegate is told of each join.
  void adopt_members(TimePoint now, const std::vector<wire::PushNodeState>& members);

  // Re-reads the delegate's metadata and, if it changed, gossips it with a
  // bumped incarnation.
  Status update_meta(TimePoint now);

  // Input from the runtime.
  void on_packet(TimePoint now, const Address& from, ByteView datagram);
  void on_stream_message(TimePoint now, ConnId id, const Address& from, ByteView message);
  void on_stream_closed(TimePoint now, ConnId id, std::string_view reason);
  void on_timer(TimePoint now);
  // When on_timer is next due; TimePoint::max() when nothing is scheduled.
  TimePoint next_deadline() const noexcept;

  // Sends a user message (bytes after the 0x08 type byte) in its own
  // datagram, without piggybacking (memberlist SendToAddress).
  void send_user_packet(TimePoint now, const Address& to, ByteView user_msg);

  // The answer to a request: the payload of the peer's reply, or why there
  // is none.
  struct Reply {
    bool ok = false;
    Bytes body;          // ok: the reply's user message payload
    std::string error;   // !ok: "i/o timeout", "closed without a reply", ...
  };
  using ReplyDone = std::function<void(TimePoint now, Reply reply)>;

  // A request/response exchange over its own TCP stream: sends `user_msg`
  // as a TCP user message and hands the one user message the peer writes
  // back to `done`, which is called exactly once (from a later call into
  // the Memberlist: on_stream_message, on_stream_closed or on_timer, never
  // from inside request, unless the message cannot even be framed). Only a peer whose Delegate answers
  // (answer_stream_msg) replies; a Go memberlist takes the message as
  // one-way and closes, which ends the request with an error.
  void request(TimePoint now, const Address& to, ByteView user_msg, Duration timeout, ReplyDone done);

  // The delegate has queued broadcasts: restart the gossip ticker if it
  // stopped for want of anything to send (see Delegate::has_broadcasts).
  // Gossip resumes on the ticker's own phase, as if it had never stopped.
  void wake_gossip(TimePoint now);

  // The member table, the local node included, in probe-list order.
  std::size_t num_nodes() const noexcept;
  const NodeInfo* find(std::string_view name) const noexcept;
  void for_each_node(const std::function<void(const NodeInfo&)>& fn) const;
  const NodeInfo& local_node() const noexcept;
  std::size_t num_alive() const noexcept;  // alive or suspect, local node excluded
  std::size_t queued_broadcasts() const noexcept;  // messages waiting to be gossiped

  int health_score() const noexcept;
  const Stats& stats() const noexcept;
  const Config& config() const noexcept;

  // The keyring (for key rotation).
  wire::Keyring& keyring() noexcept;
  const wire::Keyring& keyring() const noexcept;

  // How the runtime decodes a connection's bytes (wire::StreamDecoder with
  // role acceptor for accepted connections, dialer for dialled ones). The
  // options point into this Memberlist (keyring) and stay valid while it
  // lives.
  wire::StreamDecodeOptions stream_decode_options() const;

  // Forgets a dead or left member now (the Serf layer reaps through this);
  // alive and suspect members and the local node are kept.
  void remove_node(std::string_view name);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wkd::swim
