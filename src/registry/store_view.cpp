// What the store shows: the queries, the anti-entropy digest and the pull
// path's "records of a shard newer than a version".
#include <algorithm>
#include <set>

#include "registry/store.hpp"

namespace wkd::registry {

const Instance* Store::find(const InstanceKey& key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second.rec;
}

std::vector<std::string> Store::services() const {
  std::vector<std::string> out;
  for (const auto& [key, e] : entries_) {
    if (key.kind != RecordKind::instance || e.rec.status == InstanceStatus::deregistered) continue;
    if (out.empty() || out.back() != key.service) out.push_back(key.service);  // keys are in service order
  }
  return out;
}

std::vector<const Instance*> Store::instances(const Query& q) const {
  std::vector<const Instance*> out;
  auto it = q.service.empty() ? entries_.begin() : entries_.lower_bound(InstanceKey{q.service, {}});
  for (; it != entries_.end(); ++it) {
    if (!q.service.empty() && it->first.service != q.service) break;
    if (it->first.kind == RecordKind::instance && matches(q, it->second.rec)) out.push_back(&it->second.rec);
  }
  return out;
}

std::vector<const Instance*> Store::dependencies(const std::string& service, bool include_removed) const {
  std::vector<const Instance*> out;
  auto it = service.empty() ? entries_.begin() : entries_.lower_bound(InstanceKey{service, {}});
  for (; it != entries_.end(); ++it) {
    if (!service.empty() && it->first.service != service) break;
    const Instance& r = it->second.rec;
    if (it->first.kind != RecordKind::dependency) continue;
    if (include_removed || r.status != InstanceStatus::deregistered) out.push_back(&r);
  }
  return out;
}

std::vector<const Instance*> Store::dependents(const std::string& service) const {
  std::vector<const Instance*> out;
  for (const auto& [key, e] : entries_) {
    if (key.kind == RecordKind::dependency && key.id == service && e.rec.status != InstanceStatus::deregistered) {
      out.push_back(&e.rec);
    }
  }
  return out;
}

std::array<std::size_t, 6> Store::counts(const std::string& service) const {
  std::array<std::size_t, 6> out{};
  for (const auto& [key, e] : entries_) {
    if (key.kind != RecordKind::instance) continue;
    if (service.empty() || key.service == service) ++out[static_cast<std::size_t>(e.rec.status)];
  }
  return out;
}

std::vector<ShardDigest> Store::digest() const {
  std::vector<ShardDigest> out;
  out.reserve(shards_.size());
  for (const auto& [owner, s] : shards_) {
    if (s.known) out.push_back(ShardDigest{owner, s.generation, s.version, s.gc_version});
  }
  return out;
}

std::optional<ShardDigest> Store::shard(const std::string& owner) const {
  const auto s = shards_.find(owner);
  if (s == shards_.end() || !s->second.known) return std::nullopt;
  return ShardDigest{owner, s->second.generation, s->second.version, s->second.gc_version};
}

std::vector<Instance> Store::records_since(const std::string& owner, std::uint64_t after, std::size_t limit) const {
  const auto s = shards_.find(owner);
  if (s == shards_.end() || !s->second.known) return {};
  std::vector<const Entry*> picked;
  for (const auto& [key, e] : entries_) {
    if (e.rec.owner == owner && e.rec.owner_generation == s->second.generation && e.rec.record_version > after) {
      picked.push_back(&e);
    }
  }
  std::sort(picked.begin(), picked.end(),
            [](const Entry* a, const Entry* b) { return a->rec.record_version < b->rec.record_version; });
  if (picked.size() > limit) picked.resize(limit);
  std::vector<Instance> out;
  out.reserve(picked.size());
  for (const Entry* e : picked) {
    out.push_back(e->rec);
    if (e->down_view) out.back().status = e->before_down;  // as the owner wrote it
  }
  return out;
}

}  // namespace wkd::registry
