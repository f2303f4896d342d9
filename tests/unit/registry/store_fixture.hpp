// Helpers shared by the store's tests: a store on a test clock, instances
// and member events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/rng.hpp"
#include "common/time.hpp"
#include "registry/store.hpp"
#include "serf/events.hpp"

namespace wkd::registry::testing {

inline constexpr std::int64_t kWall0 = 1'700'000'000'000;  // wall ms at t0

inline Instance make_instance(const std::string& service, const std::string& id, std::int64_t port = 8080) {
  Instance in;
  in.service = service;
  in.id = id;
  in.host = "127.0.0.3";
  in.port = port;
  in.version = "1.0.0";
  return in;
}

inline StoreConfig config(const std::string& node, std::uint64_t generation = 1) {
  StoreConfig c;
  c.node = node;
  c.generation = generation;
  return c;
}

inline serf::MemberEvent member_event(serf::MemberEventType type, const std::string& name) {
  serf::MemberEvent e;
  e.type = type;
  e.member.name = name;
  return e;
}

// The failure's code, nullopt for a success (so a test that expected a
// refusal fails instead of crashing).
template <class T>
std::optional<Err> code_of(const Result<T>& r) {
  if (r.ok()) return std::nullopt;
  return r.code();
}

// A store on its own clock: `at` is the time since t0.
struct Node {
  explicit Node(StoreConfig cfg, std::uint64_t seed = 7) : rng(seed), store(std::move(cfg), rng) {}

  Now now() const { return Now{TimePoint{} + at, kWall0 + to_ms(at)}; }
  TimePoint mono() const { return TimePoint{} + at; }
  // Advances the clock and fires whatever fell due.
  void advance(Duration d) {
    at += d;
    if (store.next_deadline() <= mono()) store.on_timer(mono());
  }
  std::vector<Change> changes() { return store.drain_changes().changes; }

  Rng rng;
  Store store;
  Duration at{0};
};

}  // namespace wkd::registry::testing
