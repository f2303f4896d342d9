// SimNetwork: datagrams and TCP-like streams between simulated nodes, with
// the faults a gossip protocol must survive.
//
// The model combines Tarantool's fakenet (per-link drop rates, blocked
// nodes, filters) with memberlist's MockNetwork (engines addressed by
// ip:port, streams as in-memory pipes), on the virtual time of a SimClock:
//
//  - Datagrams. send_packet() decides the fate of a datagram when it is
//    sent: no such address, a partition, a filter or random loss drop it
//    (each counted by cause); otherwise it is copied into a recycled buffer
//    and delivered after the link's latency plus jitter, maybe late
//    (reordering) and maybe twice (duplication). A packet already in flight
//    when a partition starts still arrives, as it would from a switch's
//    queue. A paused or killed node drops what arrives for it.
//  - Streams. A dial connects after one link latency (longer when SYNs are
//    lost) or fails: after dial_timeout when the address is unknown or
//    partitioned away, with "connection refused" after a round trip when the
//    node was killed. Bytes flow in order, lossless; link loss turns into
//    retransmission delay (RTO doubling per loss). The receiving end runs a
//    wire::StreamDecoder with the node's own stream options, so label,
//    encryption and compression go through the production code and the
//    engine receives complete plaintext messages, type byte first. Closing
//    one end sends EOF after the data already written; the peer, unless it
//    closed too, is told on_stream_closed("EOF", or why the stream was cut
//    short). A write across a partition breaks the connection: both ends are
//    told after dial_timeout. Killing a node resets its connections.
//  - Node faults. A paused node (SIGSTOP) receives no datagrams and its timer
//    does not fire; stream data waits and arrives on resume, as from a
//    kernel socket buffer. A slow node handles every input (datagram or
//    stream data) (factor - 1) * slow_unit late while its timers stay on
//    time, which is how a CPU-starved process misses acks it was sent in
//    time (the case Lifeguard's local health score is for). A killed node is
//    gone: never called again.
//
// Every delivered datagram and stream chunk is folded into trace_hash() with
// its time, ends and bytes: two runs with the same seed must agree.
//
// Per-packet cost: one heap entry and a pooled buffer that keeps its
// capacity, so a long run allocates only while the peak of packets in
// flight grows.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/rng.hpp"
#include "common/time.hpp"
#include "support/sim_clock.hpp"
#include "support/sim_node.hpp"
#include "swim/runtime.hpp"
#include "wire/stream.hpp"

namespace wkd::sim {

using NodeId = std::uint32_t;
// Node ids are packed into events in 27 bits.
inline constexpr NodeId kNoNode = 0x7FFFFFFu;

// Conditions on one direction of a link.
struct LinkSpec {
  double loss = 0.0;                          // probability a datagram is lost
  Duration latency = milliseconds(1);         // one-way delay
  Duration jitter = Duration::zero();         // plus a uniform delay in [0, jitter)
  double duplicate = 0.0;                     // probability a datagram arrives twice
  double reorder = 0.0;                       // probability a datagram is held back...
  Duration reorder_delay = milliseconds(20);  // ...by this much more
};

struct NetOptions {
  LinkSpec link;                            // every link not set otherwise
  Duration dial_timeout = seconds(10);      // memberlist TCPTimeout
  Duration syn_rto = seconds(1);            // Linux initial SYN retransmission timeout
  Duration stream_rto = milliseconds(200);  // Linux minimum RTO
  Duration slow_unit = milliseconds(100);   // see set_slow()
};

#define WKD_SIM_DROP_CAUSES(XX) \
  XX(loss)                      \
  XX(partition)                 \
  XX(filter)                    \
  XX(paused)                    \
  XX(killed)                    \
  XX(no_route)

enum class DropCause : std::uint8_t {
#define WKD_SIM_DROP_ENUM(name) name,
  WKD_SIM_DROP_CAUSES(WKD_SIM_DROP_ENUM)
#undef WKD_SIM_DROP_ENUM
};
inline constexpr std::size_t kDropCauseCount = 6;
const char* drop_cause_name(DropCause c) noexcept;

struct DropCounters {
  std::array<std::uint64_t, kDropCauseCount> by_cause{};
  std::uint64_t operator[](DropCause c) const noexcept { return by_cause[static_cast<std::size_t>(c)]; }
  std::uint64_t total() const noexcept;
  std::string to_string() const;  // "loss=3 partition=0 ..."
};

struct NodeCounters {
  std::uint64_t packets_out = 0, bytes_out = 0;  // datagrams sent
  std::uint64_t packets_in = 0, bytes_in = 0;    // datagrams delivered to the node
  std::uint64_t dropped_out = 0;                 // its datagrams that were lost
  std::uint64_t dropped_in = 0;                  // datagrams to it that were lost
  std::uint64_t streams_dialed = 0, streams_accepted = 0, dials_failed = 0;
  std::uint64_t stream_bytes_out = 0, stream_bytes_in = 0, stream_messages_in = 0;
  std::uint64_t timer_fires = 0;
};

class SimNetwork final : private SimClock::Handler {
 public:
  // Returns true to drop the datagram.
  using DropFilter = std::function<bool(NodeId from, NodeId to, ByteView datagram)>;
  using FilterId = std::uint64_t;
  // Sees every datagram as it is delivered (stream = false), and every
  // stream chunk (stream = true), before the receiving engine does.
  using Tap = std::function<void(TimePoint at, NodeId from, NodeId to, ByteView bytes, bool stream)>;

  SimNetwork(SimClock& clock, std::uint64_t seed, NetOptions opts = {});
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // ---- nodes ----
  NodeId add_node(const Address& addr, SimNode* node = nullptr);
  void attach(NodeId id, SimNode* node);
  std::size_t size() const noexcept { return nodes_.size(); }
  const Address& address(NodeId id) const { return nodes_.at(id).addr; }
  NodeId find(const Address& addr) const noexcept;
  SimNode* node(NodeId id) const { return nodes_.at(id).node; }

  // Calls fn(node, now) (start, join, leave, a test's poke), then re-arms
  // the node's wake-up. Returns false, without calling, for a node that is
  // detached, paused or killed.
  template <class F>
  bool call(NodeId id, F&& fn) {
    Slot& s = nodes_.at(id);
    if (s.node == nullptr || s.status != Status::up) return false;
    fn(*s.node, clock_.now());
    rearm(id);
    sweep();
    return true;
  }

  // ---- the Runtime side (SimRuntime forwards here) ----
  void send_packet(NodeId from, const Address& to, ByteView datagram);
  void stream_dial(NodeId from, swim::ConnId id, const Address& to);
  void stream_write(NodeId from, swim::ConnId id, ByteView bytes);
  void stream_close(NodeId from, swim::ConnId id);

  // ---- link conditions ----
  void set_default_link(const LinkSpec& spec) { opts_.link = spec; }
  const LinkSpec& default_link() const noexcept { return opts_.link; }
  void set_loss(double p) { opts_.link.loss = p; }
  // One direction; overrides the default link.
  void set_link(NodeId from, NodeId to, const LinkSpec& spec);
  void clear_link(NodeId from, NodeId to);
  const LinkSpec& link(NodeId from, NodeId to) const noexcept;
  // Extra loss on everything a node receives / sends (fakenet drop_in/out).
  void set_node_loss(NodeId id, double in, double out);
  const NetOptions& options() const noexcept { return opts_; }

  // ---- partitions ----
  // Each group can only reach itself; nodes named in no group form one more
  // group. Replaces the previous partition.
  void partition(const std::vector<std::vector<NodeId>>& groups);
  // Cuts one node off from every other (both directions) until unblocked.
  void block(NodeId id);
  void unblock(NodeId id);
  // Ends every partition and block.
  void heal();
  bool reachable(NodeId from, NodeId to) const noexcept;

  // ---- filters (datagrams only), run in the order added ----
  FilterId add_filter(DropFilter f);
  void remove_filter(FilterId id);
  void clear_filters() { filters_.clear(); }

  // ---- node faults ----
  void pause(NodeId id);
  void resume(NodeId id);
  bool paused(NodeId id) const { return nodes_.at(id).status == Status::paused; }
  // factor >= 1; 1 is full speed. Inputs are handled (factor - 1) *
  // slow_unit late; timers are not delayed.
  void set_slow(NodeId id, double factor);
  Duration processing_delay(NodeId id) const { return nodes_.at(id).slow_delay; }
  void kill(NodeId id);
  // A killed node's address serves again (a new process on it, attached
  // with attach()); nothing of the old one's traffic or connections is
  // left.
  void revive(NodeId id);
  bool killed(NodeId id) const { return nodes_.at(id).status == Status::killed; }

  // ---- observation ----
  void set_tap(Tap tap) { tap_ = std::move(tap); }
  std::uint64_t trace_hash() const noexcept { return trace_hash_; }
  const NodeCounters& counters(NodeId id) const { return nodes_.at(id).counters; }
  const DropCounters& drops() const noexcept { return drops_; }
  std::uint64_t packets_delivered() const noexcept { return delivered_; }
  std::size_t packets_in_flight() const noexcept { return pool_.in_use(); }
  std::size_t open_streams() const noexcept { return conns_.size(); }
  // Times the timer of a node fired while its engine still reported a
  // deadline at or before now (an engine bug; the simulator steps 1 ns).
  std::uint64_t timer_spins() const noexcept { return timer_spins_; }
  SimClock& clock() noexcept { return clock_; }
  TimePoint now() const noexcept { return clock_.now(); }

 private:
  enum class Status : std::uint8_t { up, paused, killed };

  // Event kinds, in the top byte of the event's `a`.
  enum class Kind : std::uint8_t { packet, stream_data, stream_eof, stream_reset };
  static constexpr std::uint64_t kDelayedBit = std::uint64_t{1} << 55;  // slow delay already applied

  enum class Reset : std::uint8_t { dial_timeout, refused, peer_reset, broken };

  struct Deferred {
    std::uint64_t a, b;
  };

  struct Slot {
    Address addr;
    SimNode* node = nullptr;
    std::unique_ptr<SimClock::Timer> wake;
    Status status = Status::up;
    bool blocked = false;
    std::uint32_t group = 0;
    double loss_in = 0.0, loss_out = 0.0;
    Duration slow_delay = Duration::zero();
    std::uint64_t next_inbound = 1;
    std::vector<Deferred> deferred;  // stream events held while paused
    NodeCounters counters;
  };

  // Recycled datagram / stream chunk buffers.
  class BufferPool {
   public:
    std::uint32_t store(ByteView bytes);
    ByteView get(std::uint32_t slot) const noexcept { return bufs_[slot]; }
    void release(std::uint32_t slot);
    std::size_t in_use() const noexcept { return bufs_.size() - free_.size(); }

   private:
    std::vector<Bytes> bufs_;
    std::vector<std::uint32_t> free_;
  };

  struct StreamEnd {
    NodeId node = kNoNode;  // kNoNode: the dial failed, there is no far end
    swim::ConnId id = 0;
    bool owner_closed = false;  // the engine called stream_close
    bool reported = false;      // on_stream_closed was called
    std::unique_ptr<wire::StreamDecoder> decoder;
    TimePoint last_arrival{};  // latest arrival scheduled towards this end
  };
  struct Conn {
    std::array<StreamEnd, 2> end;  // 0 = dialer, 1 = acceptor
    std::uint32_t inflight = 0;    // events still queued for it
    bool broken = false;           // no more bytes flow
  };

  static std::uint64_t pack(Kind k, std::uint64_t rest) { return (std::uint64_t{static_cast<std::uint8_t>(k)} << 56) | rest; }
  static std::uint64_t pack_ends(NodeId from, NodeId to) { return (std::uint64_t{from} << 28) | to; }

  void on_sim_event(std::uint64_t a, std::uint64_t b) override;
  // What becomes of an event for a node in its current state.
  enum class Gate : std::uint8_t { go, dropped, held };
  Gate gate(NodeId to, std::uint64_t a, std::uint64_t b, bool datagram);
  void deliver_packet(NodeId from, NodeId to, std::uint32_t slot);
  void drop_packet(NodeId from, NodeId to, DropCause cause);
  void deliver_stream_data(Conn& c, int dir, std::uint32_t slot);
  void deliver_stream_end(Conn& c, int dir, const std::string& reason);
  void on_stream_event(std::uint64_t a, std::uint64_t key);
  // Forgets a queued event without delivering it.
  void discard(std::uint64_t a, std::uint64_t b);
  bool finished(const StreamEnd& e) const noexcept;
  bool can_notify(const StreamEnd& e) const noexcept { return !finished(e) && !e.reported; }

  Duration one_way_delay(const LinkSpec& spec);
  Duration retransmit_delay(double loss, Duration rto);
  double loss_between(NodeId from, NodeId to) const noexcept;
  void post_stream(Conn& c, std::uint64_t key, int dir, Kind kind, std::uint64_t payload, TimePoint at);
  void post_reset(Conn& c, std::uint64_t key, int dir, Reset why, TimePoint at);
  void break_conn(Conn& c, std::uint64_t key, TimePoint at);
  Conn* find_conn(NodeId node, swim::ConnId id, int* dir, std::uint64_t* key);
  void maybe_free(std::uint64_t key);
  void sweep();
  void fire(NodeId id);
  void rearm(NodeId id);
  void trace(std::uint8_t tag, NodeId from, NodeId to, ByteView bytes) noexcept;

  SimClock& clock_;
  Rng rng_;
  NetOptions opts_;
  std::vector<Slot> nodes_;
  std::unordered_map<Address, NodeId, AddressHash> by_addr_;
  std::unordered_map<std::uint64_t, LinkSpec> links_;
  std::vector<std::pair<FilterId, DropFilter>> filters_;
  FilterId next_filter_ = 1;
  BufferPool pool_;
  Tap tap_;

  std::map<std::uint64_t, Conn> conns_;
  std::map<std::pair<NodeId, swim::ConnId>, std::uint64_t> conn_index_;
  std::uint64_t next_conn_key_ = 1;
  std::vector<std::uint64_t> maybe_dead_conns_;

  DropCounters drops_;
  std::uint64_t delivered_ = 0;
  std::uint64_t trace_hash_ = 0xcbf29ce484222325ULL;
  std::uint64_t timer_spins_ = 0;
};

}  // namespace wkd::sim
