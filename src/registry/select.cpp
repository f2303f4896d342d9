#include "registry/select.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace wkd::registry {

const char* strategy_name(Strategy s) noexcept {
  switch (s) {
    case Strategy::weighted_random: return "weighted_random";
    case Strategy::round_robin: return "round_robin";
    case Strategy::random: return "random";
    case Strategy::least_connections: return "least_connections";
    case Strategy::nearest: return "nearest";
  }
  return "unknown";
}

const Instance* weighted_pick(const std::vector<const Instance*>& c, Rng& rng) {
  std::uint64_t total = 0;
  for (const Instance* in : c) total += static_cast<std::uint64_t>(std::max<std::int64_t>(in->weight, 0));
  if (total == 0) return c[rng.below(c.size())];
  std::uint64_t at = rng.below(total);
  for (const Instance* in : c) {
    const auto w = static_cast<std::uint64_t>(std::max<std::int64_t>(in->weight, 0));
    if (at < w) return in;
    at -= w;
  }
  return c.back();  // unreachable: at < total
}

std::vector<const Instance*> Selector::candidates(std::span<const Instance* const> instances, const Query* filter,
                                                  std::int64_t now_ms) const {
  std::vector<const Instance*> out;
  int best = 2;  // selection_rank: 0 passing, 1 warning
  for (const Instance* in : instances) {
    if (in == nullptr || in->kind != RecordKind::instance || !is_selectable(in->status)) continue;
    if (filter != nullptr) {
      Query q = *filter;
      q.service.clear();
      if (!matches(q, *in)) continue;
    }
    if (outlier_.ejected(in->key(), now_ms)) continue;
    const int rank = selection_rank(*in);
    if (rank > best) continue;
    if (rank < best) {
      out.clear();
      best = rank;
    }
    out.push_back(in);
  }
  return out;
}

void Selector::apply_affinity(std::vector<const Instance*>& c) const {
  auto narrow = [&c](auto&& pred) {
    std::vector<const Instance*> in;
    for (const Instance* i : c) {
      if (pred(*i)) in.push_back(i);
    }
    if (in.empty()) return false;
    c = std::move(in);
    return true;
  };
  const Locality& l = locality_;
  if (!l.zone.empty() && narrow([&l](const Instance& i) {
        return i.zone == l.zone && (l.region.empty() || i.region.empty() || i.region == l.region);
      })) {
    return;
  }
  if (!l.region.empty()) narrow([&l](const Instance& i) { return i.region == l.region; });
}

const Instance* Selector::pick(const std::string& service, const std::vector<const Instance*>& c,
                               const SelectRequest& req, Rng& rng) {
  switch (req.strategy) {
    case Strategy::weighted_random: break;
    case Strategy::round_robin: {
      std::uint64_t& cursor = cursors_[service];
      return c[cursor++ % c.size()];
    }
    case Strategy::random: return c[rng.below(c.size())];
    case Strategy::least_connections: {
      std::vector<const Instance*> least;
      std::uint32_t fewest = std::numeric_limits<std::uint32_t>::max();
      for (const Instance* in : c) {
        const std::uint32_t n = in_flight(in->key());
        if (n < fewest) {
          fewest = n;
          least.clear();
        }
        if (n == fewest) least.push_back(in);
      }
      return least[rng.below(least.size())];
    }
    case Strategy::nearest: {
      if (!req.rtt) break;
      std::vector<const Instance*> nearest;
      double best = std::numeric_limits<double>::infinity();
      std::map<std::string, std::optional<double>> by_owner;  // one estimate per owner
      for (const Instance* in : c) {
        auto [it, fresh] = by_owner.try_emplace(in->owner);
        if (fresh) it->second = req.rtt(in->owner);
        const std::optional<double>& rtt = it->second;
        if (!rtt || !(*rtt >= 0)) continue;  // unknown (or NaN): not a candidate for nearest
        if (*rtt < best) {
          best = *rtt;
          nearest.clear();
        }
        if (*rtt == best) nearest.push_back(in);
      }
      if (!nearest.empty()) return weighted_pick(nearest, rng);
      break;
    }
  }
  return weighted_pick(c, rng);
}

std::size_t Selector::selectable_count(std::span<const Instance* const> instances) {
  std::size_t n = 0;
  for (const Instance* in : instances) {
    if (in != nullptr && in->kind == RecordKind::instance && is_selectable(in->status)) ++n;
  }
  return n;
}

void Selector::prune(const std::string& service, std::span<const Instance* const> instances) {
  std::set<InstanceKey> live;
  for (const Instance* in : instances) {
    if (in != nullptr && in->service == service && in->status != InstanceStatus::deregistered) live.insert(in->key());
  }
  outlier_.retain(service, live);
}

std::optional<Lease> Selector::select(const std::string& service, std::span<const Instance* const> instances,
                                      const SelectRequest& req, std::int64_t now_ms, Rng& rng) {
  prune(service, instances);
  std::vector<const Instance*> c = candidates(instances, req.filter, now_ms);
  if (c.empty()) return std::nullopt;
  if (req.zone_affinity) apply_affinity(c);
  const Instance* chosen = pick(service, c, req, rng);
  Lease lease{next_lease_++, chosen->key()};
  ++in_flight_[lease.key];
  leases_.emplace(lease.id, lease.key);
  return lease;
}

bool Selector::release(std::uint64_t lease_id, CallOutcome outcome, std::span<const Instance* const> instances,
                       std::int64_t now_ms) {
  const auto it = leases_.find(lease_id);
  if (it == leases_.end()) return false;
  const InstanceKey key = std::move(it->second);
  leases_.erase(it);
  if (auto f = in_flight_.find(key); f != in_flight_.end() && --f->second == 0) in_flight_.erase(f);
  return report(key, outcome, instances, now_ms);
}

bool Selector::report(const InstanceKey& key, CallOutcome outcome, std::span<const Instance* const> instances,
                      std::int64_t now_ms) {
  prune(key.service, instances);
  bool known = false;
  for (const Instance* in : instances) {
    if (in != nullptr && in->key() == key && in->status != InstanceStatus::deregistered) known = true;
  }
  // An instance that vanished keeps no state.
  if (!known) return false;
  return outlier_.report(key, outcome, now_ms, selectable_count(instances));
}

std::uint32_t Selector::in_flight(const InstanceKey& key) const {
  const auto it = in_flight_.find(key);
  return it == in_flight_.end() ? 0 : it->second;
}

}  // namespace wkd::registry
