// Dependencies in the store: declared, updated, removed and collected like
// instances, in the same shard and versions; never mixed into the queries
// of instances; moved between owners by the Lamport clock; shown DOWN and
// dropped with a failed owner; judged from the instances the store holds.
#include <gtest/gtest.h>

#include "registry/dependency.hpp"
#include "registry/store.hpp"
#include "store_fixture.hpp"

namespace wkd::registry {
namespace {

using serf::MemberEventType;
using testing::make_instance;
using testing::member_event;
using testing::Node;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const InstanceKey kDepKey{"orders", "billing", RecordKind::dependency};

Dependency orders_on_billing(const std::string& min_version = "") {
  Dependency d;
  d.service = "orders";
  d.depends_on = "billing";
  d.min_version = min_version;
  return d;
}

std::uint64_t shard_version(const Store& s, const std::string& owner) {
  const auto d = s.shard(owner);
  return d ? d->version : 0;
}

TEST(RegistryStoreDependency, ADeclarationIsARecordOfTheLocalShard) {
  Node a(testing::config("node-a"));
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1")).ok());
  const auto d = a.store.declare_dependency(a.now(), orders_on_billing("1.0.0"));
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->kind, RecordKind::dependency);
  EXPECT_EQ(d->key(), kDepKey);
  EXPECT_EQ(d->owner, "node-a");
  EXPECT_EQ(d->record_version, 2u);  // the shard's versions, shared with its instances
  ASSERT_NE(d->dependency, nullptr);
  EXPECT_EQ(d->dependency->min_version, "1.0.0");
  const auto ch = a.changes();
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[1].kind, ChangeKind::added);
  EXPECT_EQ(ch[1].record.kind, RecordKind::dependency);
  // The same terms again: nothing changes, no version, no change event.
  ASSERT_TRUE(a.store.declare_dependency(a.now(), orders_on_billing("1.0.0")).ok());
  EXPECT_TRUE(a.changes().empty());
  EXPECT_EQ(shard_version(a.store, "node-a"), 2u);
  // Other terms: a duplicate, refused naming the owner; nothing changes.
  const auto dup = a.store.declare_dependency(a.now(), orders_on_billing("1.5.0"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.code(), Err::already_exists);
  EXPECT_NE(dup.message().find("dependency orders -> billing is declared already (by node node-a)"),
            std::string::npos)
      << dup.message();
  EXPECT_TRUE(a.changes().empty());
  EXPECT_EQ(a.store.dependencies("orders")[0]->dependency->min_version, "1.0.0");
  Dependency optional = orders_on_billing("1.0.0");
  optional.required = false;
  EXPECT_EQ(testing::code_of(a.store.declare_dependency(a.now(), optional)), Err::already_exists);
  // Removed first, the new terms are a new record.
  ASSERT_TRUE(a.store.remove_dependency(a.now(), "orders", "billing").ok());
  a.changes();
  const auto u = a.store.declare_dependency(a.now(), orders_on_billing("1.5.0"));
  ASSERT_TRUE(u.ok()) << u.message();
  EXPECT_NE(u->uuid, d->uuid);
  EXPECT_EQ(u->dependency->min_version, "1.5.0");
  EXPECT_EQ(u->status, InstanceStatus::starting);
  const auto ch2 = a.changes();
  ASSERT_EQ(ch2.size(), 1u);
  EXPECT_EQ(ch2[0].kind, ChangeKind::added);
}

TEST(RegistryStoreDependency, DependenciesNeverShowAsInstances) {
  Node a(testing::config("node-a"));
  ASSERT_TRUE(a.store.declare_dependency(a.now(), orders_on_billing()).ok());
  EXPECT_TRUE(a.store.services().empty());
  Query q;
  q.include_deregistered = true;
  EXPECT_TRUE(a.store.instances(q).empty());
  q.service = "orders";
  EXPECT_TRUE(a.store.instances(q).empty());
  EXPECT_EQ(a.store.counts(), (std::array<std::size_t, 6>{}));
  // An instance whose id is the dependsOn is another record.
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "billing")).ok());
  EXPECT_EQ(a.store.instances(q).size(), 1u);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "billing"})->kind, RecordKind::instance);
  EXPECT_EQ(a.store.find(kDepKey)->kind, RecordKind::dependency);
  ASSERT_EQ(a.store.dependencies("orders").size(), 1u);
  EXPECT_EQ(a.store.dependencies().size(), 1u);
  EXPECT_TRUE(a.store.dependencies("billing").empty());
  ASSERT_EQ(a.store.dependents("billing").size(), 1u);
  EXPECT_EQ(a.store.dependents("billing")[0]->service, "orders");
  // Instance calls never reach the dependency, nor the other way round.
  EXPECT_EQ(testing::code_of(a.store.drain(a.now(), InstanceKey{"orders", "nope"})), Err::not_found);
  ASSERT_TRUE(a.store.deregister(a.now(), InstanceKey{"orders", "billing"}).ok());
  EXPECT_EQ(a.store.dependencies("orders").size(), 1u);
}

TEST(RegistryStoreDependency, RefusalsNameTheField) {
  Node a(testing::config("node-a"));
  Dependency self = orders_on_billing();
  self.depends_on = "orders";
  const auto r1 = a.store.declare_dependency(a.now(), self);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.code(), Err::invalid_argument);
  EXPECT_NE(r1.message().find("dependsOn"), std::string::npos) << r1.message();
  Dependency bad = orders_on_billing("not-semver");
  const auto r2 = a.store.declare_dependency(a.now(), bad);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.message().find("minVersion"), std::string::npos) << r2.message();
  const auto r3 = a.store.remove_dependency(a.now(), "orders", "billing");
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.code(), Err::not_found);
  EXPECT_NE(r3.message().find("dependency orders -> billing"), std::string::npos) << r3.message();
  // register_instance takes instances only.
  Instance as_instance = dependency_record(orders_on_billing());
  EXPECT_EQ(testing::code_of(a.store.register_instance(a.now(), as_instance)), Err::invalid_argument);
  EXPECT_EQ(a.store.size(), 0u);
}

TEST(RegistryStoreDependency, RemovalLeavesATombstoneThatIsCollected) {
  auto cfg = testing::config("node-a");
  cfg.tombstone_retention = hours(1);
  Node a(cfg);
  ASSERT_TRUE(a.store.declare_dependency(a.now(), orders_on_billing()).ok());
  a.changes();
  a.at = seconds(5);
  const auto r = a.store.remove_dependency(a.now(), "orders", "billing");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->status, InstanceStatus::deregistered);
  EXPECT_EQ(r->deregistered_ms, testing::kWall0 + 5000);
  EXPECT_EQ(r->record_version, 2u);
  EXPECT_TRUE(a.store.dependencies("orders").empty());
  EXPECT_TRUE(a.store.dependents("billing").empty());
  ASSERT_EQ(a.changes().size(), 1u);
  // Removing it again changes nothing.
  ASSERT_TRUE(a.store.remove_dependency(a.now(), "orders", "billing").ok());
  EXPECT_TRUE(a.changes().empty());
  a.advance(hours(1));
  EXPECT_EQ(a.store.find(kDepKey), nullptr);
  EXPECT_EQ(a.store.digest()[0].gc_version, 2u);
}

TEST(RegistryStoreDependency, APeersDependencyFollowsItsOwner) {
  auto cfg = testing::config("node-a");
  cfg.down_drop_after = minutes(10);
  Node a(cfg);
  Instance r = dependency_record(orders_on_billing());
  r.owner = "node-b";
  r.owner_generation = 1;
  r.record_version = 1;
  r.owner_lamport = 1;
  EXPECT_EQ(a.store.apply_remote(a.now(), r), Applied::applied);
  EXPECT_EQ(a.store.apply_remote(a.now(), r), Applied::stale);
  ASSERT_EQ(a.store.dependencies("orders").size(), 1u);
  // A record of a dependency without its terms is refused.
  Instance no_terms = r;
  no_terms.dependency = nullptr;
  no_terms.record_version = 2;
  EXPECT_EQ(a.store.apply_remote(a.now(), no_terms), Applied::refused);
  a.changes();
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-b"));
  EXPECT_EQ(a.store.find(kDepKey)->status, InstanceStatus::down);
  a.advance(minutes(10));
  EXPECT_EQ(a.store.find(kDepKey), nullptr);
  // Declared here with other terms while node-b's live copy is held: a
  // duplicate, refused naming node-b. The same terms: it moves here.
  EXPECT_EQ(a.store.apply_remote(a.now(), r), Applied::applied);
  a.store.on_member_event(a.mono(), member_event(MemberEventType::join, "node-b"));
  const auto dup = a.store.declare_dependency(a.now(), orders_on_billing("2.0.0"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.code(), Err::already_exists);
  EXPECT_NE(dup.message().find("by node node-b"), std::string::npos) << dup.message();
  EXPECT_EQ(a.store.find(kDepKey)->owner, "node-b");
  const auto moved = a.store.declare_dependency(a.now(), orders_on_billing());
  ASSERT_TRUE(moved.ok()) << moved.message();
  EXPECT_EQ(moved->owner, "node-a");
  EXPECT_EQ(moved->previous_owner, "node-b");
  EXPECT_GT(moved->owner_lamport, r.owner_lamport);
  // node-b's older declaration does not take it back.
  Instance older = r;
  older.record_version = 3;
  EXPECT_EQ(a.store.apply_remote(a.now(), older), Applied::stale);
  EXPECT_EQ(a.store.find(kDepKey)->owner, "node-a");
  ASSERT_TRUE(a.store.remove_dependency(a.now(), "orders", "billing").ok());
  EXPECT_TRUE(a.store.dependencies("orders").empty());
}

TEST(RegistryStoreDependency, AFailedOwnersDependencyMayBeDeclaredAnew) {
  auto cfg = testing::config("node-a");
  cfg.down_drop_after = minutes(10);
  Node a(cfg);
  Instance r = dependency_record(orders_on_billing());
  r.owner = "node-b";
  r.owner_generation = 1;
  r.record_version = 1;
  r.owner_lamport = 1;
  ASSERT_EQ(a.store.apply_remote(a.now(), r), Applied::applied);
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-b"));
  ASSERT_EQ(a.store.find(kDepKey)->status, InstanceStatus::down);
  // DOWN is no live declaration: other terms take it over here.
  const auto d = a.store.declare_dependency(a.now(), orders_on_billing("3.0.0"));
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->owner, "node-a");
  EXPECT_EQ(d->dependency->min_version, "3.0.0");
  EXPECT_EQ(a.store.dependencies("orders").size(), 1u);
}

TEST(RegistryStoreDependency, HealthIsJudgedFromTheInstancesHeld) {
  Node a(testing::config("node-a"));
  ASSERT_TRUE(a.store.declare_dependency(a.now(), orders_on_billing("2.0.0")).ok());
  Instance b1 = make_instance("billing", "b-1");
  b1.version = "1.9.0";
  ASSERT_TRUE(a.store.register_instance(a.now(), b1).ok());
  ASSERT_TRUE(a.store.apply_check(a.now(), InstanceKey{"billing", "b-1"}, CheckState::passing).ok());
  Query all;
  all.include_deregistered = true;
  const auto held = a.store.instances(all);
  const Dependency& terms = *a.store.dependencies("orders")[0]->dependency;
  auto v = judge_dependency(terms, held);
  EXPECT_FALSE(v.healthy);
  EXPECT_TRUE(v.blocking);
  EXPECT_EQ(v.healthy_instances, 1u);
  EXPECT_EQ(v.matching, 0u);
  Instance b2 = make_instance("billing", "b-2");
  b2.version = "2.1.0";
  ASSERT_TRUE(a.store.register_instance(a.now(), b2).ok());
  ASSERT_TRUE(a.store.apply_check(a.now(), InstanceKey{"billing", "b-2"}, CheckState::passing).ok());
  v = judge_dependency(terms, a.store.instances(all));
  EXPECT_TRUE(v.healthy);
  EXPECT_EQ(v.matching, 1u);
  // The dependency record itself is never counted as an instance of anything.
  std::vector<const Instance*> with_dep = a.store.instances(all);
  with_dep.push_back(a.store.find(kDepKey));
  EXPECT_EQ(judge_dependency(terms, with_dep).instances, 2u);
}

}  // namespace
}  // namespace wkd::registry
