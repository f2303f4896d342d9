// A transmit-limited broadcast queue, as memberlist's TransmitLimitedQueue.
//
// Every message gossiped through SWIM's dissemination component is sent a
// bounded number of times: RetransmitMult * ceil(log10(n + 1)), n being the
// cluster size, which spreads it to every node with high probability
// (SWIM §4.1). The queue hands out messages for one datagram at a time:
// fewest transmissions first and, within a tier, the largest message that
// still fits, newest first among equals — so fresh news goes out first and
// datagrams fill up. A message may carry a key (memberlist: the node name);
// queuing another message with the same key invalidates the older one (a
// newer alive about X replaces a queued suspect about X).
//
// A datagram to a member believed dead carries the queue's messages (so a
// node wrongly declared dead learns of it and refutes) but does not count
// towards their limit: nobody may be there to hear them, and in a small
// cluster with a fresh failure the whole allowance could otherwise go to
// the dead node (three members, RetransmitMult 2: two transmissions, and a
// leave intent that both sent to the dead member never reaches the one
// live peer, which then takes the graceful leave for a failure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/bytes.hpp"
#include "common/shared_bytes.hpp"

namespace wkd::swim {

struct NodeInfo;

// RetransmitMult * ceil(log10(n + 1)).
int retransmit_limit(int retransmit_mult, std::size_t n) noexcept;

class BroadcastQueue {
 public:
  // Called once when a message leaves the queue: finished = true after its
  // last transmission, false when invalidated or pruned.
  using Done = std::function<void(bool finished)>;

  explicit BroadcastQueue(int retransmit_mult) noexcept : retransmit_mult_(retransmit_mult) {}
  ~BroadcastQueue();
  BroadcastQueue(const BroadcastQueue&) = delete;
  BroadcastQueue& operator=(const BroadcastQueue&) = delete;

  // Queues a message. A non-empty key invalidates a queued message with the
  // same key.
  void push(std::string key, Bytes message, Done done = {});

  // Whether handing messages out uses up one of their transmissions.
  enum class Tally : std::uint8_t { counted, uncounted };

  // Appends to `out` messages for one datagram: each costs overhead + its
  // size, within `limit` bytes in total. `n` is the current cluster size
  // (for the retransmit limit). The messages are shared with the queue, not
  // copied: handing one out costs a reference count. With Tally::uncounted
  // (a datagram to a member believed dead) the messages stay as they were.
  void take(std::size_t overhead, std::size_t limit, std::size_t n, std::vector<SharedBytes>& out,
            Tally tally = Tally::counted);

  // As take(), but only messages accepted by `filter` are considered.
  void take_if(std::size_t overhead, std::size_t limit, std::size_t n, std::vector<SharedBytes>& out,
               const std::function<bool(const Bytes&)>& filter, Tally tally = Tally::counted);

  // Keeps `max_len` messages, dropping the most transmitted first (then the
  // smallest, then the oldest), as memberlist's Prune; their Done gets false.
  void prune(std::size_t max_len);

  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  void clear();

 private:
  struct Item;
  // Order: transmits ascending, size descending, id descending (newest first).
  struct Order {
    bool operator()(const Item* a, const Item* b) const noexcept;
  };
  using Set = std::set<Item*, Order>;
  struct Item {
    std::uint64_t id;
    int transmits;
    std::size_t size;  // message.size(), or the size sought by a probe
    std::string key;
    SharedBytes message;  // never nil
    Done done;
    Set::iterator pos;  // this item's place in items_, so erasing needs no search
  };

  // Takes `item` out of the queue and frees it; returns its report, not run.
  Done remove(Item* item);
  // remove(), then runs the report.
  void erase(Item* item, bool finished);

  int retransmit_mult_;
  std::uint64_t next_id_ = 1;
  Set items_;
  std::vector<Item*> chosen_;  // take_if's scratch list, kept for its capacity
  // Keyed items by key; the view points into the item's own key, which
  // stays put while the item lives (items are never moved).
  std::unordered_map<std::string_view, Item*> by_key_;
};

// How a datagram to `target` (nullptr: not a known member) counts: not at
// all when the member is believed dead or gone.
BroadcastQueue::Tally tally_for(const NodeInfo* target) noexcept;

}  // namespace wkd::swim
