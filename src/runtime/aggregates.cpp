#include "runtime/aggregates.hpp"

#include <algorithm>
#include <set>

namespace wkd::runtime {

namespace {

using registry::InstanceStatus;

// Adds the instances of `view` from `it` on while they belong to its service.
template <class It>
It count_service(const ServicesView& view, It it, ServiceSummary* s) {
  for (; it != view.instances.end() && it->first.service == s->service; ++it) {
    const InstanceStatus st = it->second->status;
    if (st == InstanceStatus::deregistered) continue;
    ++s->total;
    if (st == InstanceStatus::healthy) ++s->healthy;
  }
  s->unhealthy = s->total - s->healthy;
  s->overall = s->healthy > 0 ? Health::up : Health::down;
  return it;
}

Health judge_service(const ServiceHealth& h, std::size_t unhealthy_optional) {
  if (h.instances.overall != Health::up || h.blocking_dependencies > 0) return Health::down;
  return unhealthy_optional > 0 ? Health::degraded : Health::up;
}

}  // namespace

std::optional<ServiceSummary> summarize(const ServicesView& view, const std::string& service) {
  ServiceSummary s;
  s.service = service;
  count_service(view, view.instances.lower_bound({service, {}}), &s);
  if (s.total == 0) return std::nullopt;
  return s;
}

std::vector<ServiceSummary> summarize_all(const ServicesView& view) {
  std::vector<ServiceSummary> out;
  auto it = view.instances.begin();
  while (it != view.instances.end()) {
    ServiceSummary s;
    s.service = it->first.service;
    it = count_service(view, it, &s);
    if (s.total > 0) out.push_back(std::move(s));
  }
  return out;
}

std::optional<ServiceHealth> service_health(const ServicesView& view, const std::string& service) {
  ServiceHealth h;
  h.instances.service = service;
  count_service(view, view.instances.lower_bound({service, {}}), &h.instances);
  h.dependencies = view.dependency_health(service);
  if (h.instances.total == 0 && h.dependencies.empty()) return std::nullopt;
  std::size_t unhealthy_optional = 0;
  for (const DependencyHealth& d : h.dependencies) {
    if (d.verdict.healthy) {
      ++h.healthy_dependencies;
    } else if (d.verdict.blocking) {
      ++h.blocking_dependencies;
    } else {
      ++unhealthy_optional;
    }
  }
  h.status = judge_service(h, unhealthy_optional);
  return h;
}

PlatformHealth platform_health(const ServicesView& view) {
  std::set<std::string> names;
  for (const std::string& s : view.services()) names.insert(s);
  for (const auto& [key, rec] : view.dependencies) names.insert(key.service);
  PlatformHealth p;
  for (const std::string& name : names) {
    const std::optional<ServiceHealth> h = service_health(view, name);
    if (!h) continue;  // cannot happen: each name has instances or dependencies
    ++p.services;
    switch (h->status) {
      case Health::up: ++p.services_up; break;
      case Health::degraded: ++p.services_degraded; break;
      case Health::down: ++p.services_down; break;
    }
    p.dependencies += h->dependencies.size();
    p.unhealthy_dependencies += h->dependencies.size() - h->healthy_dependencies;
    p.blocking_dependencies += h->blocking_dependencies;
  }
  if (p.services_up == p.services) {
    p.status = Health::up;
  } else if (p.services_up + p.services_degraded == 0) {
    p.status = Health::down;
  } else {
    p.status = Health::degraded;
  }
  return p;
}

DependencyGraph dependency_graph(const ServicesView& view) {
  std::set<std::string> names;
  for (const std::string& s : view.services()) names.insert(s);
  for (const auto& [key, rec] : view.dependencies) {
    names.insert(key.service);
    names.insert(key.id);
  }
  DependencyGraph g;
  g.services.assign(names.begin(), names.end());
  auto index = [&](const std::string& name) {
    return static_cast<std::size_t>(std::lower_bound(g.services.begin(), g.services.end(), name) - g.services.begin());
  };
  // dependency_health("") judges every dependency, in key order.
  for (DependencyHealth& d : view.dependency_health({})) {
    GraphEdge e;
    e.from = index(d.record->service);
    e.to = index(d.record->id);
    e.dependency = std::move(d);
    g.edges.push_back(std::move(e));
  }
  return g;
}

}  // namespace wkd::runtime
