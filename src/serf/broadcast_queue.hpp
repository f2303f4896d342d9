// A transmit-limited broadcast queue, as memberlist's TransmitLimitedQueue
// (queue.go) orders it, for the Serf layer's intents, events, queries and
// wkd messages (PROTOCOL.md §9.5).
//
// Gossip piggybacks queued messages on outgoing packets. Each message is sent
// at most RetransmitMult * ceil(log10(n + 1)) times, which for an epidemic
// protocol is enough to reach every one of n members with high probability
// (SWIM §4.1). When a packet has room for only some messages:
//
//  * messages sent fewer times go first (new news spreads fastest);
//  * within one transmit count, the largest message that still fits is
//    taken, so small messages fill the space left at the end;
//  * equal sizes go newest first.
//
// A message is taken at most once per call. When it reaches its limit it
// leaves the queue and its `finished` callback runs (serf's leave waits on
// this); pruning an over-full queue also finishes what it drops, starting
// with the most-sent messages. Serf's broadcasts never invalidate each other
// (they are memberlist UniqueBroadcasts), so there is no invalidation here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <vector>

#include "common/bytes.hpp"

namespace wkd::serf {

class BroadcastQueue {
 public:
  using Finished = std::function<void()>;

  explicit BroadcastQueue(int retransmit_mult = 4) noexcept : retransmit_mult_(retransmit_mult) {}
  ~BroadcastQueue();
  BroadcastQueue(const BroadcastQueue&) = delete;
  BroadcastQueue& operator=(const BroadcastQueue&) = delete;

  void set_retransmit_mult(int mult) noexcept { retransmit_mult_ = mult; }

  // RetransmitMult * ceil(log10(n + 1)).
  static int retransmit_limit(int mult, std::size_t num_nodes) noexcept;

  void queue(Bytes msg, Finished finished = {});

  // Appends the messages for one packet to `out`: each costs `overhead`
  // bytes besides its length and the total stays within `limit`. Returns the
  // bytes used (messages plus overheads). `num_nodes` sets the transmit
  // limit. Finished callbacks run after the queue is consistent again.
  std::size_t get(std::size_t overhead, std::size_t limit, std::size_t num_nodes,
                  std::vector<Bytes>& out);

  // Drops messages beyond `max_retain`, most-transmitted first.
  void prune(std::size_t max_retain);

  // Finishes and drops everything.
  void reset();

  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }

 private:
  struct Item {
    int transmits = 0;
    std::size_t len = 0;
    std::uint64_t id = 0;
    Bytes msg;
    Finished finished;
  };
  // Fewest transmits first; then longest; then newest.
  struct Order {
    bool operator()(const Item& a, const Item& b) const noexcept {
      if (a.transmits != b.transmits) return a.transmits < b.transmits;
      if (a.len != b.len) return a.len > b.len;
      return a.id > b.id;
    }
  };

  static void run(std::vector<Finished>& done);

  int retransmit_mult_;
  std::uint64_t next_id_ = 0;
  std::set<Item, Order> items_;
};

}  // namespace wkd::serf
