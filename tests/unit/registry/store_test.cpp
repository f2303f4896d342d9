// The store's local shard: upserts, no-ops, deregistration, tombstones,
// drain, checks, TTLs, the change list and the queries.
#include "registry/store.hpp"

#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace wkd::registry {
namespace {

using testing::make_instance;
using testing::Node;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

const InstanceKey kOrders1{"orders", "orders-1"};

std::uint64_t shard_version(const Store& s, const std::string& owner) {
  for (const auto& d : s.digest()) {
    if (d.owner == owner) return d.version;
  }
  return 0;
}

TEST(RegistryStore, ANewInstanceStartsStarting) {
  Node a(testing::config("node-a", 42));
  a.at = seconds(5);
  auto r = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->status, InstanceStatus::starting);
  EXPECT_EQ(r->consecutive_failures, 0u);
  EXPECT_FALSE(r->uuid.is_nil());
  EXPECT_EQ(r->registered_ms, testing::kWall0 + 5000);
  EXPECT_EQ(r->updated_ms, testing::kWall0 + 5000);
  EXPECT_EQ(r->owner, "node-a");
  EXPECT_EQ(r->owner_generation, 42u);
  EXPECT_EQ(r->record_version, 1u);
  const auto ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::added);
  EXPECT_EQ(ch[0].record.uuid, r->uuid);
}

TEST(RegistryStore, TheSameKeyAgainUpdatesAndNeverDuplicates) {
  Node a(testing::config("node-a"));
  const auto first = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(first.ok());
  a.changes();
  a.at = seconds(3);
  const auto second = a.store.register_instance(a.now(), make_instance("orders", "orders-1", 9090));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(a.store.size(), 1u);
  EXPECT_EQ(second->port, 9090);
  EXPECT_EQ(second->uuid, first->uuid);
  EXPECT_EQ(second->registered_ms, first->registered_ms);
  EXPECT_EQ(second->updated_ms, testing::kWall0 + 3000);
  EXPECT_EQ(second->record_version, 2u);
  const auto ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::updated);
  EXPECT_EQ(a.store.find(kOrders1)->port, 9090);
}

TEST(RegistryStore, ANoOpReRegistrationChangesNothing) {
  Node a(testing::config("node-a"));
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1")).ok());
  ASSERT_TRUE(a.store.apply_check(a.now(), kOrders1, CheckState::passing).ok());
  a.changes();
  const std::uint64_t before = shard_version(a.store, "node-a");
  a.at = seconds(10);
  const auto again = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, InstanceStatus::healthy);  // the status survives
  EXPECT_EQ(again->record_version, before);
  EXPECT_EQ(again->updated_ms, testing::kWall0);
  EXPECT_EQ(shard_version(a.store, "node-a"), before);
  EXPECT_TRUE(a.changes().empty());
}

TEST(RegistryStore, RefusalsSayWhatWasWrong) {
  Node a(testing::config("node-a"));
  auto bad = make_instance("orders", "orders-1", 0);
  const auto r = a.store.register_instance(a.now(), bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::code_of(r), Err::invalid_argument);
  EXPECT_NE(r.message().find("port"), std::string::npos) << r.message();
  const auto neg = a.store.register_instance(a.now(), make_instance("orders", "o"), RegisterOptions{seconds(-1)});
  EXPECT_EQ(testing::code_of(neg), Err::invalid_argument);
  for (auto res : {a.store.deregister(a.now(), kOrders1), a.store.drain(a.now(), kOrders1),
                   a.store.apply_check(a.now(), kOrders1, CheckState::passing), a.store.renew(a.now(), kOrders1)}) {
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(testing::code_of(res), Err::not_found);
    EXPECT_NE(res.message().find("orders/orders-1"), std::string::npos) << res.message();
  }
  EXPECT_EQ(a.store.size(), 0u);
  EXPECT_TRUE(a.changes().empty());
}

TEST(RegistryStore, DeregisterLeavesATombstoneOutOfDiscovery) {
  Node a(testing::config("node-a"));
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1")).ok());
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-2")).ok());
  a.changes();
  a.at = seconds(7);
  const auto d = a.store.deregister(a.now(), kOrders1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->status, InstanceStatus::deregistered);
  EXPECT_EQ(d->deregistered_ms, testing::kWall0 + 7000);
  EXPECT_EQ(d->record_version, 3u);
  auto ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::deregistered);
  // Again: nothing changes.
  ASSERT_TRUE(a.store.deregister(a.now(), kOrders1).ok());
  EXPECT_TRUE(a.changes().empty());
  EXPECT_EQ(shard_version(a.store, "node-a"), 3u);
  Query q;
  q.service = "orders";
  EXPECT_EQ(a.store.instances(q).size(), 1u);
  q.include_deregistered = true;
  EXPECT_EQ(a.store.instances(q).size(), 2u);
  EXPECT_EQ(testing::code_of(a.store.drain(a.now(), kOrders1)), Err::not_found);
  ASSERT_TRUE(a.store.deregister(a.now(), InstanceKey{"orders", "orders-2"}).ok());
  EXPECT_TRUE(a.store.services().empty());
}

TEST(RegistryStore, RegisteringATombstonedKeyIsANewRecord) {
  Node a(testing::config("node-a"));
  const auto first = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(a.store.apply_check(a.now(), kOrders1, CheckState::passing).ok());
  ASSERT_TRUE(a.store.deregister(a.now(), kOrders1).ok());
  a.changes();
  a.at = seconds(9);
  const auto again = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->uuid, first->uuid);
  EXPECT_EQ(again->status, InstanceStatus::starting);
  EXPECT_EQ(again->deregistered_ms, 0);
  EXPECT_EQ(again->registered_ms, testing::kWall0 + 9000);
  EXPECT_EQ(a.store.size(), 1u);
  const auto ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::added);
}

TEST(RegistryStore, DrainAndChecksChangeOnlyWhenSomethingMoves) {
  Node a(testing::config("node-a"));
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1")).ok());
  a.changes();
  auto h = a.store.apply_check(a.now(), kOrders1, CheckState::passing);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->status, InstanceStatus::healthy);
  EXPECT_EQ(h->record_version, 2u);
  ASSERT_EQ(a.changes().size(), 1u);
  a.at = seconds(1);
  h = a.store.apply_check(a.now(), kOrders1, CheckState::passing);  // repeats itself
  EXPECT_EQ(h->record_version, 2u);
  EXPECT_EQ(h->last_check_ms, testing::kWall0 + 1000);
  EXPECT_TRUE(a.changes().empty());
  h = a.store.apply_check(a.now(), kOrders1, CheckState::critical);
  EXPECT_EQ(h->status, InstanceStatus::unhealthy);
  EXPECT_EQ(h->record_version, 3u);
  h = a.store.apply_check(a.now(), kOrders1, CheckState::critical);
  EXPECT_EQ(h->consecutive_failures, 2u);
  EXPECT_EQ(h->record_version, 3u);  // the count alone is not replicated
  auto ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::status_changed);
  const auto d = a.store.drain(a.now(), kOrders1);
  EXPECT_EQ(d->status, InstanceStatus::draining);
  EXPECT_EQ(d->record_version, 4u);
  ASSERT_TRUE(a.store.drain(a.now(), kOrders1).ok());
  ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::status_changed);
  EXPECT_EQ(ch[0].record.status, InstanceStatus::draining);
}

TEST(RegistryStore, ATtlNotRenewedTurnsCriticalThenDeregisters) {
  auto cfg = testing::config("node-a");
  cfg.deregister_critical_after = seconds(60);
  Node a(cfg);
  const RegisterOptions ttl{seconds(10)};
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1"), ttl).ok());
  EXPECT_EQ(a.store.next_deadline(), TimePoint{} + seconds(10));
  EXPECT_EQ(testing::code_of(a.store.renew(a.now(), InstanceKey{"orders", "nope"})), Err::not_found);
  a.advance(seconds(9));
  EXPECT_EQ(a.store.renew(a.now(), kOrders1)->status, InstanceStatus::healthy);
  a.changes();
  a.advance(seconds(5));
  ASSERT_TRUE(a.store.renew(a.now(), kOrders1).ok());  // renewed, nothing moved
  EXPECT_TRUE(a.changes().empty());
  EXPECT_EQ(a.store.find(kOrders1)->record_version, 2u);
  a.advance(seconds(9));
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::healthy);
  a.advance(seconds(2));  // 11 s after the last renewal
  const Instance* in = a.store.find(kOrders1);
  EXPECT_EQ(in->status, InstanceStatus::unhealthy);
  EXPECT_EQ(in->check_state, CheckState::critical);
  EXPECT_EQ(in->record_version, 3u);
  EXPECT_EQ(in->updated_ms, testing::kWall0 + to_ms(a.at));  // when the store saw it lapse
  auto ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::status_changed);
  a.advance(seconds(59));
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::unhealthy);
  a.advance(seconds(2));
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::deregistered);
  ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::deregistered);
}

TEST(RegistryStore, ARenewalInTimeStopsTheCriticalCountdown) {
  auto cfg = testing::config("node-a");
  cfg.deregister_critical_after = seconds(60);
  Node a(cfg);
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1"), {seconds(10)}).ok());
  a.advance(seconds(11));
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::unhealthy);
  a.advance(seconds(30));
  EXPECT_EQ(a.store.renew(a.now(), kOrders1)->status, InstanceStatus::healthy);
  for (int i = 0; i < 20; ++i) {
    a.advance(seconds(5));
    ASSERT_TRUE(a.store.renew(a.now(), kOrders1).ok());
  }
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::healthy);
  // Without a TTL nothing is due and renewing is refused.
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1")).ok());
  EXPECT_EQ(a.store.next_deadline(), TimePoint::max());
  EXPECT_EQ(testing::code_of(a.store.renew(a.now(), kOrders1)), Err::failed_precondition);
}

TEST(RegistryStore, ARenewalCarriesTheCheckStateItReports) {
  auto cfg = testing::config("node-a");
  cfg.deregister_critical_after = seconds(60);
  Node a(cfg);
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1"), {seconds(10)}).ok());
  a.changes();
  // Warning: HEALTHY with the check state warning, one change, TTL restarted.
  auto r = a.store.renew(a.now(), kOrders1, CheckState::warning);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, InstanceStatus::healthy);
  EXPECT_EQ(r->check_state, CheckState::warning);
  EXPECT_EQ(a.changes().size(), 1u);
  // The same report again changes nothing, but restarts the TTL.
  a.advance(seconds(8));
  ASSERT_TRUE(a.store.renew(a.now(), kOrders1, CheckState::warning).ok());
  EXPECT_TRUE(a.changes().empty());
  a.advance(seconds(8));
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::healthy);
  // Critical reports count failures in a row and start the countdown.
  for (std::uint32_t i = 1; i <= 3; ++i) {
    a.advance(seconds(i == 1 ? 1 : 5));  // each within the TTL of the last report
    r = a.store.renew(a.now(), kOrders1, CheckState::critical);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, InstanceStatus::unhealthy);
    EXPECT_EQ(r->consecutive_failures, i);
  }
  a.advance(seconds(49));  // 59 s after the first critical report
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::unhealthy);
  a.advance(seconds(2));
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::deregistered);
  // Without a TTL a report is refused whatever its state.
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-2")).ok());
  EXPECT_EQ(testing::code_of(a.store.renew(a.now(), InstanceKey{"orders", "orders-2"}, CheckState::warning)),
            Err::failed_precondition);
}

TEST(RegistryStore, TombstonesAreCollectedAfterTheirRetention) {
  auto cfg = testing::config("node-a");
  cfg.tombstone_retention = hours(24);
  Node a(cfg);
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1")).ok());
  ASSERT_TRUE(a.store.deregister(a.now(), kOrders1).ok());
  a.changes();
  a.advance(hours(24) - milliseconds(1));
  ASSERT_NE(a.store.find(kOrders1), nullptr);
  a.advance(milliseconds(1));
  EXPECT_EQ(a.store.find(kOrders1), nullptr);
  EXPECT_EQ(a.store.size(), 0u);
  const auto d = a.store.digest();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], (ShardDigest{"node-a", 1, 2, 2}));
  EXPECT_TRUE(a.changes().empty());  // housekeeping, not a change
  // A new registration of the key comes after everything collected.
  const auto again = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  EXPECT_EQ(again->record_version, 3u);
}

TEST(RegistryStore, QueriesServicesAndCounts) {
  Node a(testing::config("node-a"));
  auto pay = make_instance("payments", "p-1");
  pay.tags = {"primary"};
  pay.region = "eu";
  ASSERT_TRUE(a.store.register_instance(a.now(), pay).ok());
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("payments", "p-2")).ok());
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "o-1")).ok());
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("audit", "a-1")).ok());
  ASSERT_TRUE(a.store.deregister(a.now(), InstanceKey{"audit", "a-1"}).ok());
  ASSERT_TRUE(a.store.apply_check(a.now(), InstanceKey{"payments", "p-1"}, CheckState::passing).ok());
  EXPECT_EQ(a.store.services(), (std::vector<std::string>{"orders", "payments"}));
  Query q;
  q.service = "payments";
  EXPECT_EQ(a.store.instances(q).size(), 2u);
  q.healthy_only = true;
  ASSERT_EQ(a.store.instances(q).size(), 1u);
  EXPECT_EQ(a.store.instances(q)[0]->id, "p-1");
  Query tagged;
  tagged.tags = {"primary"};
  tagged.region = "eu";
  ASSERT_EQ(a.store.instances(tagged).size(), 1u);
  EXPECT_EQ(a.store.instances(Query{}).size(), 3u);
  const auto all = a.store.counts();
  EXPECT_EQ(all[static_cast<std::size_t>(InstanceStatus::starting)], 2u);
  EXPECT_EQ(all[static_cast<std::size_t>(InstanceStatus::healthy)], 1u);
  EXPECT_EQ(all[static_cast<std::size_t>(InstanceStatus::deregistered)], 1u);
  const auto pays = a.store.counts("payments");
  EXPECT_EQ(pays[static_cast<std::size_t>(InstanceStatus::starting)], 1u);
  EXPECT_EQ(pays[static_cast<std::size_t>(InstanceStatus::deregistered)], 0u);
}

TEST(RegistryStore, AFullChangeListAsksForAResync) {
  auto cfg = testing::config("node-a");
  cfg.max_changes = 2;
  Node a(cfg);
  for (const char* id : {"o-1", "o-2", "o-3"}) {
    ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", id)).ok());
  }
  auto c = a.store.drain_changes();
  EXPECT_TRUE(c.overflowed);
  ASSERT_EQ(c.changes.size(), 2u);
  EXPECT_EQ(c.changes[0].record.id, "o-2");
  EXPECT_EQ(c.changes[1].record.id, "o-3");
  c = a.store.drain_changes();
  EXPECT_FALSE(c.overflowed);
  EXPECT_TRUE(c.changes.empty());
}

}  // namespace
}  // namespace wkd::registry

namespace wkd::registry {
namespace {

TEST(RegistryStore, AConfigIsCheckedBeforeUse) {
  EXPECT_TRUE(validate(testing::config("node-a")).ok());
  const auto unnamed = validate(testing::config(""));
  ASSERT_FALSE(unnamed.ok());
  EXPECT_NE(unnamed.message().find("node"), std::string::npos);
  auto cfg = testing::config("node-a");
  cfg.down_drop_after = std::chrono::seconds(-1);
  const auto neg = validate(cfg);
  ASSERT_FALSE(neg.ok());
  EXPECT_NE(neg.message().find("down_drop_after"), std::string::npos) << neg.message();
}

// A key registered here after another owner's tombstone is a new record
// here, not a move; after a live one it is a move, on both sides.
TEST(RegistryStore, ATombstoneElsewhereIsNotAMove) {
  Node a(testing::config("node-a"));
  Instance dead = make_instance("orders", "orders-1");
  dead.owner = "node-b";
  dead.owner_generation = 1;
  dead.record_version = 2;
  dead.owner_lamport = 5;
  dead.status = InstanceStatus::deregistered;
  ASSERT_EQ(a.store.apply_remote(a.now(), dead), Applied::applied);
  a.changes();
  const auto r = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->owner_lamport, 5u);
  EXPECT_TRUE(r->previous_owner.empty());
  const auto ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::added);
  Node c(testing::config("node-c"));
  ASSERT_EQ(c.store.apply_remote(c.now(), dead), Applied::applied);
  c.changes();
  ASSERT_EQ(c.store.apply_remote(c.now(), *r), Applied::applied);
  const auto cc = c.changes();
  ASSERT_EQ(cc.size(), 1u);
  EXPECT_EQ(cc[0].kind, ChangeKind::added);
}

}  // namespace
}  // namespace wkd::registry
