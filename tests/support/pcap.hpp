// A tiny reader for classic libpcap files, for replaying protocol captures.
//
// It understands the classic format (magic a1b2c3d4 / a1b2c3d4 byte-swapped,
// microsecond or nanosecond variants), the link types our captures use or
// might use — Ethernet (1, what tcpdump writes for `lo` on Linux), BSD
// loopback (0 and 108) and raw IP (101) — and IPv4 without fragments. It
// yields every UDP datagram, and every TCP connection as two byte streams
// (one per direction), reassembled in sequence order with duplicates
// dropped, together with which side sent the SYN. Anything else is counted
// and skipped. Test support only: it trusts nothing but assumes small files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace wkd::testsupport {

struct Endpoint {
  std::uint32_t ip = 0;  // host order
  std::uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  std::string to_string() const;  // "127.0.0.1:7946"
};

struct UdpDatagram {
  double time = 0;  // seconds since the first record
  Endpoint src;
  Endpoint dst;
  Bytes payload;
};

// One direction of a TCP connection.
struct TcpFlow {
  double time = 0;  // first segment of the connection
  Endpoint src;
  Endpoint dst;
  bool from_dialer = false;  // src sent the SYN
  Bytes data;                // payload in sequence order
  std::size_t gaps = 0;      // holes left in the sequence space (0 in a clean capture)
};

struct Capture {
  std::uint32_t link_type = 0;
  std::vector<UdpDatagram> udp;
  std::vector<TcpFlow> tcp;  // ordered by connection start, dialer's direction first
  std::size_t skipped = 0;   // records that were not IPv4 UDP/TCP
};

// Reads a capture file. Returns false and sets `error` for unreadable files,
// unknown magic or link type, and records cut short.
bool read_pcap(const std::string& path, Capture& out, std::string& error);

}  // namespace wkd::testsupport
