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
  return std::find(identity.groups.begin(), identity.groups.end(), g) != identity.groups.end();
}

std::string MemberView::tag(std::string_view key) const {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return "";
}

bool MemberView::has_tag(std::string_view key) const {
  return std::any_of(tags.begin(), tags.end(), [&](const auto& kv) { return kv.first == key; });
}

bool MemberView::same_content(const MemberView& o) const {
  return state == o.state && tags == o.tags && address == o.address && port == o.port;
}

void View::finish() {
  for (MemberView& m : members) {
    m.c_groups.clear();
    for (const auto& g : m.identity.groups) m.c_groups.push_back(g.c_str());
    m.c_caps.clear();
    for (const auto& c : m.identity.capabilities) m.c_caps.push_back(c.c_str());
    m.c_tags.clear();
    for (const auto& [k, v] : m.tags) m.c_tags.emplace_back(k.c_str(), v.c_str());
  }
}

const MemberView* View::find(std::string_view name) const {
  auto it = std::lower_bound(members.begin(), members.end(), name,
                             [](const MemberView& m, std::string_view n) { return m.name < n; });
  return it != members.end() && it->name == name ? &*it : nullptr;
}

std::shared_ptr<View> build_view(const serf::Serf& serf, TimePoint mono_now, std::int64_t unix_now_ms,
                                 std::uint64_t version) {
  auto view = std::make_shared<View>();
  view->version = version;
  const auto members = serf.members();
  const std::string& self = serf.config().memberlist.name;
  view->members.reserve(members.size());
  for (const serf::Member& m : members) {
    if (m.status == serf::MemberStatus::none) continue;
    MemberView v;
    v.name = m.name;
    v.address = m.addr.ip_string();
    v.port = m.addr.port;
    v.vsn = m.vsn;
    v.is_local = m.name == self;
    const swim::NodeInfo* node = serf.memberlist().find(m.name);
    if (node != nullptr) v.incarnation = node->incarnation;
    switch (m.status) {
      case serf::MemberStatus::alive:
        v.state = node != nullptr && node->state == swim::NodeState::suspect ? MemberState::suspect
                                                                            : MemberState::alive;
        break;
      case serf::MemberStatus::leaving:
        v.state = MemberState::leaving;
        break;
      case serf::MemberStatus::left:
        v.state = MemberState::left;
        break;
      case serf::MemberStatus::failed:
        v.state = MemberState::failed;
        break;
      case serf::MemberStatus::none:
        break;
    }
    for (const auto& [k, val] : m.tags) v.tags.emplace_back(k, val);
    std::sort(v.tags.begin(), v.tags.end());
    v.identity = serf::identity_from_tags(m.tags);
    TimePoint seen = m.last_seen;
    if (v.is_local) seen = mono_now;
    if (seen != TimePoint{}) {
      v.last_seen_unix_ms = unix_now_ms - to_ms(mono_now - seen);
    }
    view->members.push_back(std::move(v));
  }
  std::sort(view->members.begin(), view->members.end(),
            [](const MemberView& a, const MemberView& b) { return a.name < b.name; });
  for (const MemberView& m : view->members) {
    if (m.is_local) continue;
    switch (m.state) {
      case MemberState::alive:
      case MemberState::leaving:
        ++view->alive;
        break;
      case MemberState::suspect:
        ++view->suspect;
        break;
      case MemberState::failed:
        ++view->failed;
        break;
      case MemberState::left:
        ++view->left;
        break;
    }
  }
  view->finish();
  return view;
}

std::vector<Change> diff_views(const View* before, const View& after) {
  std::vector<Change> out;
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
  for (const MemberView& m : after.members) {
    const MemberView* old = before != nullptr ? before->find(m.name) : nullptr;
    if (old == nullptr) {
      // A member seen for the first time: joined, or straight into its
      // state when we learn of it already failed or left.
      out.push_back({m.state == MemberState::alive || m.state == MemberState::leaving ? MemberChange::joined
                                                                                        : change_for(m.state),
                     &m});
      continue;
    }
    if (old->state != m.state) {
      if (m.state == MemberState::leaving) {
        out.push_back({MemberChange::updated, &m});
      } else if (m.state == MemberState::alive && old->state == MemberState::suspect) {
        out.push_back({MemberChange::updated, &m});  // refuted its suspicion
      } else {
        out.push_back({change_for(m.state), &m});
      }
      continue;
    }
    if (!m.same_content(*old)) out.push_back({MemberChange::updated, &m});
  }
  if (before != nullptr) {
    for (const MemberView& m : before->members) {
      if (after.find(m.name) == nullptr) out.push_back({MemberChange::reaped, &m});
    }
  }
  return out;
}

}  // namespace wkd::runtime
