// Immutable snapshots of the cluster view, and the member events between
// two of them.
//
// The loop thread builds a View after every engine call that changed the
// member table and publishes it; any thread reads the latest one without
// waiting for the loop. A View keeps each member in the form the C API
// hands out (NUL-terminated strings, arrays of pointers), so reading a
// member costs no allocation and stays valid while the View is held.
//
// Member records are immutable and shared: a new View takes the previous
// View's record of every member that did not change, so publishing a view
// of N members where one changed builds one record and copies N pointers.
// last_seen, which moves all the time, is kept beside the records, not in
// them.
//
// Member events are computed by comparing the new View with the previous
// one, so an event always agrees with the snapshot published with it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/time.hpp"
#include "serf/identity.hpp"
#include "serf/serf.hpp"
#include "serf/shared_tags.hpp"

namespace wkd::runtime {

enum class MemberState : std::uint8_t { alive = 0, suspect = 1, failed = 2, left = 3, leaving = 4 };
const char* member_state_name(MemberState s) noexcept;

struct MemberView {
  std::string name;
  // IP as text (of addr), NUL-terminated, held by the record. Filled by
  // finish().
  std::string_view address;
  MemberState state = MemberState::alive;
  std::uint32_t incarnation = 0;
  // Every tag, in key order: the block the member table decoded, shared,
  // not copied.
  serf::SharedTags tags;
  wire::Vsn vsn{};
  Address addr;  // IP and port as the engine holds them
  bool is_local = false;
  serf::Health health = serf::Health::unknown;  // unknown for non-wkd peers

  // The identity read from the tags (serf/identity.hpp; all empty for a
  // peer without the `wkd` tag). Each views a whole tag value held by
  // `tags`, so data() is NUL-terminated; absent, it is empty with a null
  // data().
  std::string_view wkd_version, database_type, wire_protocol, endpoint;
  bool is_wkd() const noexcept { return !wkd_version.empty(); }

  // Groups, then capabilities, as C strings: the C API hands these arrays
  // out as they are. Filled by finish().
  const char* const* c_groups() const noexcept { return lists(); }
  std::size_t n_groups() const noexcept { return n_groups_; }
  const char* const* c_caps() const noexcept { return lists() + n_groups_; }
  std::size_t n_caps() const noexcept { return n_caps_; }

  bool in_group(std::string_view g) const;
  std::string tag(std::string_view key) const;  // "" if absent
  bool has_tag(std::string_view key) const;
  // Same identity, tags and state (last_seen and incarnation ignored).
  bool same_content(const MemberView& o) const;
  // Reads the identity from `tags`, writes the address text and fills the
  // C arrays; called once, before the record is shared.
  void finish();

 private:
  const char* const* lists() const noexcept { return reinterpret_cast<const char* const*>(block_.get()); }
  // One allocation: the C-string pointers (n_groups_ groups, then n_caps_
  // capabilities), then the address and each group and capability,
  // NUL-terminated.
  std::unique_ptr<std::byte[]> block_;
  std::uint32_t n_groups_ = 0, n_caps_ = 0;
};

using MemberRecord = std::shared_ptr<const MemberView>;

// One member of a View: its shared record and when it was last seen.
//
// last_seen is the one live value of a View: refresh_last_seen() moves it
// forward in place on the loop thread while readers on other threads hold
// the View, so an idle cluster costs no new View to keep it current.
struct ViewEntry {
  MemberRecord member;

  ViewEntry(MemberRecord m, std::int64_t seen_ms) : member(std::move(m)), seen_(seen_ms) {}
  // Copies and moves take last_seen's value as it is at that moment.
  ViewEntry(const ViewEntry& o) : member(o.member), seen_(o.last_seen_unix_ms()) {}
  ViewEntry(ViewEntry&& o) noexcept : member(std::move(o.member)), seen_(o.last_seen_unix_ms()) {}
  ViewEntry& operator=(const ViewEntry& o) {
    member = o.member;
    seen_.store(o.last_seen_unix_ms(), std::memory_order_relaxed);
    return *this;
  }
  ViewEntry& operator=(ViewEntry&& o) noexcept {
    member = std::move(o.member);
    seen_.store(o.last_seen_unix_ms(), std::memory_order_relaxed);
    return *this;
  }

  // Wall clock milliseconds; 0 = never.
  std::int64_t last_seen_unix_ms() const noexcept { return seen_.load(std::memory_order_relaxed); }
  void set_last_seen_unix_ms(std::int64_t ms) const noexcept { seen_.store(ms, std::memory_order_relaxed); }

 private:
  mutable std::atomic<std::int64_t> seen_;
};

struct ServicesView;

struct View {
  std::vector<ViewEntry> members;  // sorted by name
  // The registry's instances as of this version (never null once
  // published; empty without a registry).
  std::shared_ptr<const ServicesView> services;
  std::uint64_t version = 0;
  // Other members by state (the local node not counted); a member that
  // announced its leave and has not gone yet counts as leaving only.
  std::uint32_t alive = 0, leaving = 0, suspect = 0, failed = 0, left = 0;
  const ViewEntry* find(std::string_view name) const;
};

// Builds a View from the engine. `mono_now` and `unix_now_ms` convert
// last_seen from the engine's monotonic time to wall-clock milliseconds.
// Records of `previous` (may be null) are reused for unchanged members.
std::shared_ptr<View> build_view(const serf::Serf& serf, TimePoint mono_now, std::int64_t unix_now_ms,
                                 std::uint64_t version, const View* previous);

// Moves every entry's last_seen of `view` to what the engine holds now,
// in place: no allocation, records untouched. For a View built from the
// same member table (the caller checks that nothing changed since); a
// member the engine no longer has keeps its value.
void refresh_last_seen(const serf::Serf& serf, const View& view, TimePoint mono_now, std::int64_t unix_now_ms);

enum class MemberChange : std::uint8_t { joined, updated, suspect, failed, left, reaped };

// What a member's change from `before` (null: not known before) to `after`
// is to a watch; nullopt when nothing a watch sees changed (last_seen or
// the incarnation alone).
std::optional<MemberChange> classify(const MemberView* before, const MemberView& after);

struct Change {
  MemberChange type;
  const ViewEntry* entry;     // in the new View, or in the old one for reaped
  const ViewEntry* previous;  // in the old View; null when the member is new
};

// What changed from `before` (may be null: everything is new) to `after`,
// in name order, the reaped last.
std::vector<Change> diff_views(const View* before, const View& after);

// The next View after `previous`, given the members whose records changed
// since, in the order they changed (`touched`, each name once): only their
// records are rebuilt, every other entry shares the previous record. The
// changes come in `touched` order; a reaped member's entry points into
// `previous`, which must outlive them. last_seen of the new View is as in
// `previous` for untouched members (refresh_last_seen brings it up).
struct ViewUpdate {
  std::shared_ptr<View> view;
  std::vector<Change> changes;
};
ViewUpdate update_view(const serf::Serf& serf, const View& previous, const std::vector<std::string>& touched,
                       TimePoint mono_now, std::int64_t unix_now_ms, std::uint64_t version);

// Whether two Views hold the same members with the same content, state and
// incarnation (records compared by value; last_seen ignored). "" or the
// first difference.
std::string compare_views(const View& a, const View& b);

}  // namespace wkd::runtime
