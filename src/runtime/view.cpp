#include "runtime/view.hpp"

#include <algorithm>

namespace wkd::runtime {

const char* member_state_name(MemberState s) noexcept {
  switch (s) {
    case MemberState::alive:
      return "alive";
    case MemberState::suspect:
      return "suspect";
    case MemberState::failed:
      return "failed";
    case MemberState::left:
      return "left";
    case MemberState::leaving:
      return "leaving";
  }
  return "unknown";
}

bool MemberView::in_group(std::string_view g) const {
  return std::any_of(c_groups(), c_groups() + n_groups(), [&](const char* x) { return g == x; });
}

std::string MemberView::tag(std::string_view key) const {
  auto it = tags.find(key);
  return it != tags.end() ? std::string((*it).second) : std::string();
}

bool MemberView::has_tag(std::string_view key) const { return tags.count(key) != 0; }

bool MemberView::same_content(const MemberView& o) const {
  return state == o.state && tags == o.tags && addr == o.addr;
}

void MemberView::finish() {
  // serf::identity_from_tags holds the rules (which keys, a peer without
  // `wkd` has no identity); the record keeps views into its own tags.
  const serf::Identity id = serf::identity_from_tags(tags.to_map());
  health = id.health;
  auto value_of = [&](std::string_view key, const std::string& parsed) -> std::string_view {
    if (parsed.empty()) return {};
    auto it = tags.find(key);
    return it != tags.end() ? (*it).second : std::string_view();
  };
  wkd_version = value_of(serf::kTagWkd, id.wkd_version);
  database_type = value_of(serf::kTagDb, id.database_type);
  wire_protocol = value_of(serf::kTagWire, id.wire_protocol);
  endpoint = value_of(serf::kTagEndpoint, id.endpoint);
  const std::string ip = addr.ip_string();
  const std::size_t n_items = id.groups.size() + id.capabilities.size();
  std::size_t text = ip.size() + 1;
  for (const auto& g : id.groups) text += g.size() + 1;
  for (const auto& c : id.capabilities) text += c.size() + 1;
  block_ = std::make_unique<std::byte[]>(n_items * sizeof(const char*) + text);
  auto** ptrs = reinterpret_cast<const char**>(block_.get());
  char* out = reinterpret_cast<char*>(block_.get() + n_items * sizeof(const char*));
  auto put = [&](std::string_view item) {
    const char* at = out;
    out = std::copy(item.begin(), item.end(), out);
    *out++ = '\0';
    return at;
  };
  address = std::string_view(put(ip), ip.size());
  std::size_t i = 0;
  for (const auto& g : id.groups) ptrs[i++] = put(g);
  for (const auto& c : id.capabilities) ptrs[i++] = put(c);
  n_groups_ = static_cast<std::uint32_t>(id.groups.size());
  n_caps_ = static_cast<std::uint32_t>(id.capabilities.size());
}

const ViewEntry* View::find(std::string_view name) const {
  auto it = std::lower_bound(members.begin(), members.end(), name,
                             [](const ViewEntry& e, std::string_view n) { return e.member->name < n; });
  return it != members.end() && it->member->name == name ? &*it : nullptr;
}

namespace {

MemberState state_of(const serf::Member& m, const swim::NodeInfo* node) {
  switch (m.status) {
    case serf::MemberStatus::leaving:
      return MemberState::leaving;
    case serf::MemberStatus::left:
      return MemberState::left;
    case serf::MemberStatus::failed:
      return MemberState::failed;
    case serf::MemberStatus::alive:
    case serf::MemberStatus::none:
      break;
  }
  return node != nullptr && node->state == swim::NodeState::suspect ? MemberState::suspect : MemberState::alive;
}

// Whether record `r` still describes `m` as the engine holds it: compared
// field by field, with no allocation.
bool still_matches(const MemberView& r, const serf::Member& m, MemberState state, std::uint32_t incarnation) {
  // The member table replaces its map only when the tags change: holding
  // the same map means the same tags (and a record never keeps an old map
  // alive beside the new one).
  return r.state == state && r.incarnation == incarnation && r.addr == m.addr && r.vsn == m.vsn &&
         r.tags.same_object(m.tags);
}

// Wall-clock last_seen of `m` (the local node is seen now).
std::int64_t seen_unix_ms(const serf::Member& m, const swim::NodeInfo* node, bool is_local, TimePoint mono_now,
                          std::int64_t unix_now_ms) {
  TimePoint seen = node != nullptr ? node->last_seen : m.last_seen;
  if (is_local) seen = mono_now;
  return seen != TimePoint{} ? unix_now_ms - to_ms(mono_now - seen) : 0;
}

MemberRecord make_record(const serf::Member& m, MemberState state, std::uint32_t incarnation, bool is_local) {
  auto v = std::make_shared<MemberView>();
  v->name = m.name;
  v->addr = m.addr;
  v->vsn = m.vsn;
  v->is_local = is_local;
  v->incarnation = incarnation;
  v->state = state;
  v->tags = m.tags;  // shared with the member table
  v->finish();
  return v;
}

std::vector<ViewEntry>::iterator entry_of(std::vector<ViewEntry>& members, std::string_view name) {
  return std::lower_bound(members.begin(), members.end(), name,
                          [](const ViewEntry& e, std::string_view n) { return e.member->name < n; });
}

void count_states(View& view) {
  view.alive = view.leaving = view.suspect = view.failed = view.left = 0;
  for (const ViewEntry& e : view.members) {
    if (e.member->is_local) continue;
    switch (e.member->state) {
      case MemberState::alive:
        ++view.alive;
        break;
      case MemberState::leaving:
        ++view.leaving;
        break;
      case MemberState::suspect:
        ++view.suspect;
        break;
      case MemberState::failed:
        ++view.failed;
        break;
      case MemberState::left:
        ++view.left;
        break;
    }
  }
}


}  // namespace

std::shared_ptr<View> build_view(const serf::Serf& serf, TimePoint mono_now, std::int64_t unix_now_ms,
                                 std::uint64_t version, const View* previous) {
  auto view = std::make_shared<View>();
  view->version = version;
  const std::string& self = serf.config().memberlist.name;
  view->members.reserve(previous != nullptr ? previous->members.size() + 1 : 16);
  std::size_t p = 0;  // cursor into previous->members; both are in name order
  serf.for_each_member([&](const serf::Member& m, const swim::NodeInfo* node) {
    if (m.status == serf::MemberStatus::none) return;
    const MemberState state = state_of(m, node);
    const std::uint32_t incarnation = node != nullptr ? node->incarnation : 0;
    const bool is_local = m.name == self;
    MemberRecord record;
    if (previous != nullptr) {
      const auto& prev = previous->members;
      while (p < prev.size() && prev[p].member->name < m.name) ++p;
      if (p < prev.size() && prev[p].member->name == m.name &&
          still_matches(*prev[p].member, m, state, incarnation)) {
        record = prev[p].member;
      }
    }
    if (!record) record = make_record(m, state, incarnation, is_local);
    view->members.emplace_back(std::move(record), seen_unix_ms(m, node, is_local, mono_now, unix_now_ms));
  });
  count_states(*view);
  return view;
}

void refresh_last_seen(const serf::Serf& serf, const View& view, TimePoint mono_now, std::int64_t unix_now_ms) {
  std::size_t p = 0;  // cursor into view.members; both are in name order
  serf.for_each_member([&](const serf::Member& m, const swim::NodeInfo* node) {
    while (p < view.members.size() && view.members[p].member->name < m.name) ++p;
    if (p == view.members.size() || view.members[p].member->name != m.name) return;
    const ViewEntry& e = view.members[p];
    e.set_last_seen_unix_ms(seen_unix_ms(m, node, e.member->is_local, mono_now, unix_now_ms));
  });
}

std::optional<MemberChange> classify(const MemberView* before, const MemberView& after) {
  auto change_for = [](MemberState s) {
    switch (s) {
      case MemberState::suspect:
        return MemberChange::suspect;
      case MemberState::failed:
        return MemberChange::failed;
      case MemberState::left:
        return MemberChange::left;
      default:
        return MemberChange::joined;
    }
  };
  if (before == nullptr) {
    // A member seen for the first time: joined, or straight into its state
    // when we learn of it already failed or left.
    return after.state == MemberState::alive || after.state == MemberState::leaving ? MemberChange::joined
                                                                                    : change_for(after.state);
  }
  if (before == &after) return std::nullopt;
  if (before->state != after.state) {
    if (after.state == MemberState::leaving) return MemberChange::updated;
    if (after.state == MemberState::alive && before->state == MemberState::suspect) {
      return MemberChange::updated;  // refuted its suspicion
    }
    return change_for(after.state);
  }
  if (!after.same_content(*before)) return MemberChange::updated;
  return std::nullopt;
}

std::vector<Change> diff_views(const View* before, const View& after) {
  std::vector<Change> out;
  static const std::vector<ViewEntry> kNone;
  const std::vector<ViewEntry>& old_members = before != nullptr ? before->members : kNone;
  std::vector<Change> reaped;
  // Both lists are in name order: one merge walk.
  std::size_t i = 0, j = 0;
  while (i < after.members.size() || j < old_members.size()) {
    const ViewEntry* now = i < after.members.size() ? &after.members[i] : nullptr;
    const ViewEntry* was = j < old_members.size() ? &old_members[j] : nullptr;
    if (now == nullptr || (was != nullptr && was->member->name < now->member->name)) {
      reaped.push_back({MemberChange::reaped, was, was});
      ++j;
      continue;
    }
    ++i;
    const bool known = was != nullptr && was->member->name == now->member->name;
    if (known) ++j;
    if (auto c = classify(known ? was->member.get() : nullptr, *now->member)) {
      out.push_back({*c, now, known ? was : nullptr});
    }
  }
  out.insert(out.end(), reaped.begin(), reaped.end());
  return out;
}


ViewUpdate update_view(const serf::Serf& serf, const View& previous, const std::vector<std::string>& touched,
                       TimePoint mono_now, std::int64_t unix_now_ms, std::uint64_t version) {
  ViewUpdate out;
  out.view = std::make_shared<View>();
  View& view = *out.view;
  view.version = version;
  view.members = previous.members;
  const std::string& self = serf.config().memberlist.name;
  // (name, change, was it known before): pointers are taken once the
  // member vector is final.
  struct Pending {
    std::string_view name;
    MemberChange change;
    bool known;
  };
  std::vector<Pending> pending;
  for (const std::string& name : touched) {
    auto it = entry_of(view.members, name);
    const bool known = it != view.members.end() && it->member->name == name;
    const MemberView* before = known ? it->member.get() : nullptr;
    bool present = false;
    serf.visit_member(name, [&](const serf::Member& m, const swim::NodeInfo* node) {
      if (m.status == serf::MemberStatus::none) return;
      present = true;
      const MemberState state = state_of(m, node);
      const std::uint32_t incarnation = node != nullptr ? node->incarnation : 0;
      if (before != nullptr && still_matches(*before, m, state, incarnation)) return;
      const bool is_local = m.name == self;
      MemberRecord record = make_record(m, state, incarnation, is_local);
      const std::int64_t seen = seen_unix_ms(m, node, is_local, mono_now, unix_now_ms);
      if (auto c = classify(before, *record)) pending.push_back({name, *c, known});
      if (known) {
        *it = ViewEntry(std::move(record), seen);
      } else {
        view.members.emplace(it, std::move(record), seen);
      }
    });
    if (!present && known) {
      pending.push_back({name, MemberChange::reaped, true});
      view.members.erase(it);
    }
  }
  count_states(view);
  for (const Pending& p : pending) {
    const ViewEntry* was = p.known ? previous.find(p.name) : nullptr;
    const ViewEntry* now = p.change == MemberChange::reaped ? was : view.find(p.name);
    out.changes.push_back({p.change, now, was});
  }
  return out;
}

std::string compare_views(const View& a, const View& b) {
  if (a.members.size() != b.members.size()) {
    return std::to_string(a.members.size()) + " members against " + std::to_string(b.members.size());
  }
  for (std::size_t i = 0; i < a.members.size(); ++i) {
    const MemberView& x = *a.members[i].member;
    const MemberView& y = *b.members[i].member;
    if (x.name != y.name) return "member " + std::to_string(i) + ": " + x.name + " against " + y.name;
    if (!x.same_content(y) || x.incarnation != y.incarnation || x.vsn != y.vsn || x.is_local != y.is_local) {
      return "member " + x.name + " differs (state " + member_state_name(x.state) + " against " +
             member_state_name(y.state) + ", incarnation " + std::to_string(x.incarnation) + " against " +
             std::to_string(y.incarnation) + ")";
    }
  }
  if (a.alive != b.alive || a.leaving != b.leaving || a.suspect != b.suspect || a.failed != b.failed ||
      a.left != b.left) {
    return "the state counts differ";
  }
  return "";
}

}  // namespace wkd::runtime
