// Sample messages for the micro-benchmarks: realistic sizes, fixed content.
//
// Node i is "node-<i>" at 127.0.<i/256>.<i%256>:7946 (loopback-range
// addresses used as plain values; nothing is bound) with the tags a wkd
// database node advertises, so meta, names and addresses have the sizes
// a real cluster sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/messages.hpp"
#include "wire/serf_codec.hpp"
#include "wire/serf_messages.hpp"
#include "wire/tags.hpp"
#include "wire/vsn.hpp"

namespace wkd::bench {

inline std::string node_name(std::size_t i) { return "node-" + std::to_string(i); }

inline Address node_addr(std::size_t i) {
  return Address::v4(127, 0, static_cast<std::uint8_t>(i / 256), static_cast<std::uint8_t>(i % 256), 7946);
}

inline Bytes node_ip(std::size_t i) {
  const Address addr = node_addr(i);  // ip_bytes() views into it: keep it alive
  const ByteView ip = addr.ip_bytes();
  return Bytes(ip.begin(), ip.end());
}

// The tags of a wkd node (see serf/identity.hpp), encoded as serf meta.
inline wire::Tags node_tags(std::size_t i) {
  return {{"wkd", "0.1.0"},
          {"db", "postgres"},
          {"wire", "pgwire"},
          {"endpoint", "db-" + std::to_string(i) + ".example:5432"},
          {"groups", "orders,eu-west"},
          {"caps", "read,write"},
          {"health", "passing"},
          {"rack", "r" + std::to_string(i % 8)}};
}

inline Bytes node_meta(std::size_t i) {
  auto m = wire::encode_tags(node_tags(i));
  return m.ok() ? *m : Bytes{};
}

inline wire::Alive sample_alive(std::size_t i, std::uint32_t incarnation = 1) {
  return {incarnation, node_name(i), node_ip(i), 7946, node_meta(i), wire::kWkdVsn};
}

inline wire::Ping sample_ping() { return {4711, node_name(2), node_ip(1), 7946, node_name(1)}; }

inline wire::IndirectPing sample_indirect_ping() {
  return {4712, node_ip(3), 7946, node_name(3), true, node_ip(1), 7946, node_name(1)};
}

// An ack carrying a serf Vivaldi coordinate's worth of payload.
inline wire::Ack sample_ack() { return {4711, Bytes(90, 0x5a)}; }

inline wire::Suspect sample_suspect() { return {7, node_name(3), node_name(1)}; }
inline wire::Dead sample_dead() { return {7, node_name(3), node_name(1)}; }

// Serf's push/pull user state for `n` members: status times of each, an
// empty event ring.
inline wire::SerfPushPull sample_serf_state(std::size_t n) {
  wire::SerfPushPull s;
  s.ltime = 1000 + n;
  for (std::size_t i = 0; i < n; ++i) s.status_ltimes[node_name(i)] = 10 + i;
  s.event_ltime = 42;
  s.query_ltime = 7;
  return s;
}

// A push/pull of `n` nodes with serf user state, as a node of an n-member
// cluster sends it.
inline wire::PushPull sample_push_pull(std::size_t n) {
  wire::PushPull pp;
  pp.join = false;
  for (std::size_t i = 0; i < n; ++i) {
    pp.nodes.push_back({node_name(i), node_ip(i), 7946, node_meta(i), 1, wire::NodeState::alive, wire::kWkdVsn});
  }
  auto state = wire::encode_serf_message(sample_serf_state(n));
  if (state.ok()) pp.user_state = std::move(*state);
  return pp;
}

}  // namespace wkd::bench
