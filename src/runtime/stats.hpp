// The counters of one node, as the publisher hands them out (wkd_stats).
#pragma once

#include <cstdint>

namespace wkd::runtime {

struct NodeStats {
  std::uint64_t packets_in = 0, packets_out = 0, bytes_in = 0, bytes_out = 0;
  std::uint64_t streams_in = 0, streams_out = 0;
  std::uint64_t drops_total = 0, drops_malformed = 0, drops_decrypt = 0, drops_checksum = 0, drops_label = 0,
                drops_unknown_type = 0, drops_oversized = 0, drops_queue_full = 0, drops_socket = 0;
  std::uint64_t probes = 0, probe_failures = 0, indirect_probes = 0, suspicions = 0, refutations = 0,
                push_pulls = 0, gossip_messages = 0;
  // Other members by state; members_alive counts the leaving ones too (as
  // the C API's wkd_node_stats does), members_leaving those alone.
  std::uint32_t members_alive = 0, members_leaving = 0, members_suspect = 0, members_failed = 0, members_left = 0;
  std::uint32_t health_score = 0, incarnation = 0;
};

}  // namespace wkd::runtime
