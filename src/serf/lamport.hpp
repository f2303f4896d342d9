// Lamport clocks (Lamport 1978, "Time, Clocks, and the Ordering of Events";
// serf lamport.go; docs/wire.md §11.4).
//
// Serf orders what it gossips with three independent logical clocks: one for
// membership intents, one for user events and one for queries. A clock only
// moves forward, in two ways:
//
//  * increment(): the local node stamps a new message with time() and then
//    advances (leave intents, user events);
//  * witness(v): a received message carried v; if v >= now the clock jumps to
//    v + 1, so anything this node stamps later is ordered after it.
//
// Every Serf clock starts at 1 (incremented once at creation). The protocol
// core is single-threaded, so this is a plain counter, not serf's atomics.
#pragma once

#include <cstdint>

#include "wire/serf_messages.hpp"

namespace wkd::serf {

using LamportTime = wire::LamportTime;

class LamportClock {
 public:
  LamportTime time() const noexcept { return counter_; }

  // Advances by one and returns the new value.
  LamportTime increment() noexcept { return ++counter_; }

  // Makes sure the clock is strictly ahead of an observed value.
  void witness(LamportTime v) noexcept {
    if (v >= counter_) counter_ = v + 1;
  }

 private:
  LamportTime counter_ = 0;
};

}  // namespace wkd::serf
