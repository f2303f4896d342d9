// The registry's aggregates over a hand-built ServicesView: which statuses
// a summary counts where, an unknown service, a service's aggregated
// health from its instances and its required and optional dependencies,
// the platform's health (empty, mixed, all down), and the graph's nodes
// and edges.
#include "runtime/aggregates.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "registry/dependency.hpp"

namespace wkd::runtime {
namespace {

using registry::InstanceStatus;

void add(ServicesView& v, const std::string& service, const std::string& id, InstanceStatus status,
         const std::string& version = "") {
  registry::Instance in;
  in.service = service;
  in.id = id;
  in.status = status;
  in.version = version;
  const registry::InstanceKey key = in.key();
  v.instances[key] = std::make_shared<const registry::Instance>(std::move(in));
}

void depend(ServicesView& v, const std::string& service, const std::string& on, bool required = true,
            const std::string& min_version = "") {
  registry::Dependency d;
  d.service = service;
  d.depends_on = on;
  d.required = required;
  d.min_version = min_version;
  if (!required) d.type = registry::DependencyType::optional;
  registry::Instance rec = registry::dependency_record(std::move(d));
  const registry::InstanceKey key = rec.key();
  v.dependencies[key] = std::make_shared<const registry::Instance>(std::move(rec));
}

TEST(RuntimeAggregates, ASummaryCountsEveryStatusButDeregistered) {
  ServicesView v;
  add(v, "orders", "o-1", InstanceStatus::starting);
  add(v, "orders", "o-2", InstanceStatus::healthy);
  add(v, "orders", "o-3", InstanceStatus::unhealthy);
  add(v, "orders", "o-4", InstanceStatus::draining);
  add(v, "orders", "o-5", InstanceStatus::down);
  add(v, "orders", "o-6", InstanceStatus::deregistered);
  add(v, "billing", "b-1", InstanceStatus::draining);
  add(v, "audit", "x-1", InstanceStatus::deregistered);
  const auto s = summarize(v, "orders");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->service, "orders");
  EXPECT_EQ(s->total, 5u);
  EXPECT_EQ(s->healthy, 1u);
  EXPECT_EQ(s->unhealthy, 4u);
  EXPECT_EQ(s->overall, Health::up);
  const auto b = summarize(v, "billing");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->total, 1u);
  EXPECT_EQ(b->overall, Health::down);
  // Only tombstones, or nothing: unknown.
  EXPECT_FALSE(summarize(v, "audit"));
  EXPECT_FALSE(summarize(v, "nosuch"));
  EXPECT_FALSE(summarize(v, "order"));  // a prefix of a service is another service
  const auto all = summarize_all(v);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].service, "billing");
  EXPECT_EQ(all[1].service, "orders");
  EXPECT_EQ(all[1].unhealthy, 4u);
}

TEST(RuntimeAggregates, AServiceIsDownWhenARequiredDependencyBlocksIt) {
  ServicesView v;
  add(v, "orders", "o-1", InstanceStatus::healthy);
  add(v, "billing", "b-1", InstanceStatus::healthy, "1.5.0");
  add(v, "payments", "p-1", InstanceStatus::unhealthy);
  depend(v, "orders", "billing", true, "1.0.0");
  auto h = service_health(v, "orders");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, Health::up);
  EXPECT_EQ(h->healthy_dependencies, 1u);
  // An optional dependency that is unhealthy degrades it.
  depend(v, "orders", "payments", false);
  h = service_health(v, "orders");
  EXPECT_EQ(h->status, Health::degraded);
  EXPECT_EQ(h->blocking_dependencies, 0u);
  // A required one blocks it.
  depend(v, "orders", "ledger");
  h = service_health(v, "orders");
  EXPECT_EQ(h->status, Health::down);
  EXPECT_EQ(h->instances.overall, Health::up);
  EXPECT_EQ(h->blocking_dependencies, 1u);
  EXPECT_EQ(h->dependencies.size(), 3u);
  // Known by its dependencies alone: DOWN, no instance.
  depend(v, "reports", "orders");
  h = service_health(v, "reports");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, Health::down);
  EXPECT_EQ(h->instances.total, 0u);
  EXPECT_EQ(h->healthy_dependencies, 1u);
  // Only depended on: unknown.
  EXPECT_FALSE(service_health(v, "ledger"));
}

TEST(RuntimeAggregates, ThePlatformIsUpOnlyWhenEveryServiceIs) {
  ServicesView v;
  EXPECT_EQ(platform_health(v).status, Health::up);  // empty
  add(v, "orders", "o-1", InstanceStatus::healthy);
  add(v, "billing", "b-1", InstanceStatus::healthy);
  auto p = platform_health(v);
  EXPECT_EQ(p.status, Health::up);
  EXPECT_EQ(p.services, 2u);
  depend(v, "orders", "payments", false);
  p = platform_health(v);
  EXPECT_EQ(p.status, Health::degraded);
  EXPECT_EQ(p.services_degraded, 1u);
  EXPECT_EQ(p.unhealthy_dependencies, 1u);
  EXPECT_EQ(p.blocking_dependencies, 0u);
  EXPECT_EQ(p.services, 2u);  // payments, only depended on, is not counted
  depend(v, "billing", "ledger");
  p = platform_health(v);
  EXPECT_EQ(p.status, Health::degraded);
  EXPECT_EQ(p.services_down, 1u);
  EXPECT_EQ(p.blocking_dependencies, 1u);
  EXPECT_EQ(p.dependencies, 2u);
  // Every service down: DOWN.
  ServicesView down;
  add(down, "orders", "o-1", InstanceStatus::unhealthy);
  add(down, "billing", "b-1", InstanceStatus::starting);
  p = platform_health(down);
  EXPECT_EQ(p.status, Health::down);
  EXPECT_EQ(p.services_down, 2u);
}

TEST(RuntimeAggregates, TheGraphHasEveryNamedServiceAndEveryDependency) {
  ServicesView v;
  add(v, "orders", "o-1", InstanceStatus::healthy);
  add(v, "billing", "b-1", InstanceStatus::healthy);
  add(v, "solo", "s-1", InstanceStatus::healthy);
  add(v, "gone", "g-1", InstanceStatus::deregistered);
  depend(v, "orders", "billing");
  depend(v, "orders", "payments", false);
  const DependencyGraph g = dependency_graph(v);
  EXPECT_EQ(g.services, (std::vector<std::string>{"billing", "orders", "payments", "solo"}));
  ASSERT_EQ(g.edges.size(), 2u);
  EXPECT_EQ(g.edges[0].from, 1u);
  EXPECT_EQ(g.edges[0].to, 0u);
  EXPECT_TRUE(g.edges[0].dependency.verdict.healthy);
  EXPECT_EQ(g.edges[1].from, 1u);
  EXPECT_EQ(g.edges[1].to, 2u);
  EXPECT_FALSE(g.edges[1].dependency.verdict.healthy);
  EXPECT_FALSE(g.edges[1].dependency.record->dependency->required);
  EXPECT_TRUE(dependency_graph(ServicesView{}).services.empty());
}

}  // namespace
}  // namespace wkd::runtime
