// Serf queries: filters, outstanding-query bookkeeping and the internal
// query names (serf query.go, internal_query.go; docs/wire.md §11.3, §11.6).
//
// A query is gossiped like an event but asks for answers: every node whose
// filters match may send a response (and, if asked, an ack first) straight
// back to the querier's Addr:Port by UDP, before the deadline (receive time
// + the query's timeout). Filters must all match: a node-name list must name
// this node, a tag filter's regex must match (unanchored, as Go's
// regexp.MatchString) this node's value of that tag; a filter of unknown
// type or that fails to compile means "not for me".
//
// The querier keeps one PendingQuery per query LTime until its deadline,
// accepting one ack and one response per responder, then reports it done.
// Names starting "_serf_" are serf's internal queries: ping (reachability,
// no answer), conflict (name conflict resolution) and the key-management
// queries, which wkd never acts on (key rotation over gossip is disabled).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/log.hpp"
#include "common/time.hpp"
#include "serf/lamport.hpp"
#include "wire/serf_messages.hpp"
#include "wire/tags.hpp"

namespace wkd::serf {

inline constexpr std::string_view kInternalQueryPrefix = "_serf_";
inline constexpr std::string_view kQueryPing = "_serf_ping";
inline constexpr std::string_view kQueryConflict = "_serf_conflict";
inline constexpr std::string_view kQueryInstallKey = "_serf_install-key";
inline constexpr std::string_view kQueryUseKey = "_serf_use-key";
inline constexpr std::string_view kQueryRemoveKey = "_serf_remove-key";
inline constexpr std::string_view kQueryListKeys = "_serf_list-keys";

// The Message of the key response wkd sends to key-management queries.
inline constexpr std::string_view kKeyManagementDisabled =
    "key management over gossip is disabled on this wkd node";

bool is_internal_query(std::string_view name) noexcept;
bool is_key_query(std::string_view name) noexcept;

struct QueryParams {
  std::vector<std::string> filter_nodes;
  std::map<std::string, std::string> filter_tags;  // tag -> regex
  bool request_ack = false;
  std::uint8_t relay_factor = 0;
  Duration timeout = Duration::zero();  // zero: the default timeout
};

// What the querier is told. Callbacks may be empty.
struct QueryHandlers {
  std::function<void(const std::string& from)> on_ack;
  std::function<void(const std::string& from, ByteView payload)> on_response;
  std::function<void()> on_done;  // at the deadline
};

// Filters in serf's order: the node list first, then one per tag.
std::vector<wire::QueryFilter> encode_filters(const QueryParams& p);

// True when every filter matches this node. Problems (bad regex, unknown
// filter type) are logged and make it false.
bool should_process(const std::vector<wire::QueryFilter>& filters, std::string_view self_name,
                    const wire::Tags& self_tags, LogSink& log);

// The querier's side: outstanding queries by LTime.
class QueryTracker {
 public:
  void add(LamportTime ltime, std::uint32_t id, TimePoint deadline, bool want_acks, QueryHandlers h);

  // Routes a response or ack; false (with *why) when it belongs to no
  // running query or is a duplicate.
  bool on_response(TimePoint now, const wire::SerfQueryResponse& r, std::string* why = nullptr);

  // Finishes queries whose deadline has passed (on_done runs after removal).
  void expire(TimePoint now);

  TimePoint next_deadline() const noexcept;
  std::size_t size() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    std::uint32_t id = 0;
    TimePoint deadline{};
    bool want_acks = false;
    std::set<std::string> acks;
    std::set<std::string> responses;
    QueryHandlers handlers;
  };
  std::map<LamportTime, Pending> pending_;
};

}  // namespace wkd::serf
