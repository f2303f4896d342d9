// Deduplication rings for user events and queries (serf.go handleUserEvent,
// handleQuery; docs/wire.md §11.6).
//
// Gossip delivers a message many times over; serf delivers it to the user
// once. Each ring has one slot per Lamport time modulo its size (512): the
// slot for time t remembers what was seen at t, (name, payload) pairs for
// events and query IDs for queries. A message is
//
//  * too old if its time is below the "ignore before" mark (min_time) or
//    more than a ring's length behind the clock (its slot may already have
//    been reused, so there is no way to tell whether it was seen);
//  * a duplicate if its slot holds the same time and the same entry;
//  * new otherwise: the slot is claimed for its time (dropping what an
//    older time left there) and the entry is added.
//
// The caller witnesses the clock before asking, as serf does.
//
// The rings are sparse: a slot takes memory only once a message claims it,
// so a node that sees no events pays nothing for its 2 x 512 slots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "serf/lamport.hpp"
#include "wire/serf_messages.hpp"

namespace wkd::serf {

enum class Dedup : std::uint8_t { fresh, duplicate, too_old };

class EventBuffer {
 public:
  explicit EventBuffer(std::size_t slots) : size_(slots == 0 ? 1 : slots) {}

  // `now` is the event clock after witnessing the event's time.
  Dedup record(LamportTime now, LamportTime ltime, const wire::NilBytes& payload, const std::string& name);

  LamportTime min_time() const noexcept { return min_time_; }
  void set_min_time(LamportTime t) noexcept { min_time_ = t; }

  // The occupied slots, as carried in push/pull (Events).
  std::vector<std::optional<wire::SerfEventSlot>> occupied() const;
  std::size_t capacity() const noexcept { return size_; }

 private:
  std::size_t size_;
  std::map<std::size_t, wire::SerfEventSlot> slots_;  // by slot index: ltime % size_
  LamportTime min_time_ = 0;
};

class QueryBuffer {
 public:
  explicit QueryBuffer(std::size_t slots) : size_(slots == 0 ? 1 : slots) {}

  // `now` is the query clock after witnessing the query's time.
  Dedup record(LamportTime now, LamportTime ltime, std::uint32_t id);

  LamportTime min_time() const noexcept { return min_time_; }
  void set_min_time(LamportTime t) noexcept { min_time_ = t; }

 private:
  struct Slot {
    LamportTime ltime = 0;
    std::vector<std::uint32_t> ids;
  };
  std::size_t size_;
  std::map<std::size_t, Slot> slots_;  // by slot index: ltime % size_
  LamportTime min_time_ = 0;
};

}  // namespace wkd::serf
