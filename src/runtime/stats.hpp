// runtime::NodeStats — a node's counters as the loop publishes them: the
// fields of WKD_STATS_MAP (wkd/stats.h), the one list of the counters, so
// the C struct, this struct, the agent's metrics and the bindings cannot
// disagree on which counters exist. Publisher::publish_stats() fills it.
#pragma once

#include <cstdint>

#include "wkd/stats.h"

namespace wkd::runtime {

struct NodeStats {
#define WKD_RUNTIME_STAT_FIELD_(type, name, kind, help) type name = 0;
  WKD_STATS_MAP(WKD_RUNTIME_STAT_FIELD_)
#undef WKD_RUNTIME_STAT_FIELD_
  // Beyond the C list: members_alive counts the leaving members too (as
  // wkd_node_stats does), members_leaving those alone.
  std::uint32_t members_leaving = 0;
};

// Calls fn(name, value, help, is_counter) for each WKD_STATS_MAP field of s,
// in the list's order.
template <class Fn>
void for_each_stat(const NodeStats& s, Fn&& fn) {
#define WKD_RUNTIME_STAT_VISIT_(type, name, kind, help) \
  fn(#name, static_cast<std::uint64_t>(s.name), help, WKD_RUNTIME_STAT_IS_##kind);
#define WKD_RUNTIME_STAT_IS_COUNTER true
#define WKD_RUNTIME_STAT_IS_GAUGE false
  WKD_STATS_MAP(WKD_RUNTIME_STAT_VISIT_)
#undef WKD_RUNTIME_STAT_IS_GAUGE
#undef WKD_RUNTIME_STAT_IS_COUNTER
#undef WKD_RUNTIME_STAT_VISIT_
}

}  // namespace wkd::runtime
