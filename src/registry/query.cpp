#include "registry/query.hpp"

#include <algorithm>

namespace wkd::registry {

bool matches(const Query& q, const Instance& in) {
  if (!q.service.empty() && in.service != q.service) return false;
  if (!q.include_deregistered && in.status == InstanceStatus::deregistered) return false;
  if (q.healthy_only && !is_selectable(in.status)) return false;
  if (!q.region.empty() && in.region != q.region) return false;
  if (!q.zone.empty() && in.zone != q.zone) return false;
  for (const auto& t : q.tags) {
    if (in.tags.count(t) == 0) return false;
  }
  for (const auto& [k, v] : q.metadata) {
    const auto it = in.metadata.find(k);
    if (it == in.metadata.end() || it->second != v) return false;
  }
  if (q.version) {
    auto v = semver::parse(in.version);
    if (!v || !q.version->contains(*v)) return false;
  }
  return true;
}

std::vector<const Instance*> select(const Query& q, std::span<const Instance> instances) {
  std::vector<const Instance*> out;
  for (const auto& in : instances) {
    if (matches(q, in)) out.push_back(&in);
  }
  return out;
}

int selection_rank(const Instance& in) noexcept {
  if (!is_selectable(in.status)) return 2;
  return in.check_state == CheckState::passing ? 0 : 1;
}

void order_for_selection(std::vector<const Instance*>& instances) {
  std::stable_sort(instances.begin(), instances.end(),
                   [](const Instance* a, const Instance* b) { return selection_rank(*a) < selection_rank(*b); });
}

}  // namespace wkd::registry
