#include "runtime/selector.hpp"

#include <vector>

#include "transport/clock.hpp"

namespace wkd::runtime {

namespace {

// Every instance of `service` in the snapshot, in key order.
std::vector<const registry::Instance*> instances_of(const ServicesView& view, const std::string& service) {
  std::vector<const registry::Instance*> out;
  for (auto it = view.instances.lower_bound(registry::InstanceKey{service, {}});
       it != view.instances.end() && it->first.service == service; ++it) {
    out.push_back(it->second.get());
  }
  return out;
}

}  // namespace

InstanceSelector::InstanceSelector(std::uint64_t seed, registry::Locality locality, registry::OutlierConfig outlier)
    : locality_(std::move(locality)), sel_(outlier), rng_(seed) {
  sel_.set_locality(locality_);
}

std::int64_t InstanceSelector::now_ms() { return to_ms(transport::mono_now().time_since_epoch()); }

std::optional<Selection> InstanceSelector::select(const ServicesView& view, const std::string& service,
                                                  const registry::SelectRequest& req) {
  const auto all = instances_of(view, service);
  std::optional<registry::Lease> lease;
  {
    std::lock_guard<std::mutex> lock(mu_);
    lease = sel_.select(service, all, req, now_ms(), rng_);
  }
  if (!lease) return std::nullopt;
  const InstanceRecord* rec = view.find(lease->key);
  return Selection{std::move(*lease), rec != nullptr ? *rec : nullptr};
}

bool InstanceSelector::release(const ServicesView& view, const registry::Lease& lease,
                               registry::CallOutcome outcome) {
  const auto all = instances_of(view, lease.key.service);
  std::lock_guard<std::mutex> lock(mu_);
  return sel_.release(lease.id, outcome, all, now_ms());
}

bool InstanceSelector::report(const ServicesView& view, const registry::InstanceKey& key,
                              registry::CallOutcome outcome) {
  const auto all = instances_of(view, key.service);
  std::lock_guard<std::mutex> lock(mu_);
  return sel_.report(key, outcome, all, now_ms());
}

std::string InstanceSelector::set_outlier_config(const registry::OutlierConfig& cfg) {
  if (auto why = registry::check_outlier_config(cfg); !why.empty()) return why;
  std::lock_guard<std::mutex> lock(mu_);
  sel_.outlier().set_config(cfg);
  return "";
}

registry::OutlierConfig InstanceSelector::outlier_config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sel_.outlier().config();
}

std::uint32_t InstanceSelector::in_flight(const registry::InstanceKey& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  return sel_.in_flight(key);
}

bool InstanceSelector::ejected(const registry::InstanceKey& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  return sel_.outlier().ejected(key, now_ms());
}

}  // namespace wkd::runtime
