// The store's other shards: records from peers (generations, versions,
// tombstones, collected keys, ownership moves), the owners' membership,
// force-deregister, the digest and the pull path.
#include "registry/store.hpp"

#include <gtest/gtest.h>

#include <optional>

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

const InstanceKey kOrders1{"orders", "orders-1"};

// A record as node-b's shard (generation `gen`) would send it.
Instance from_b(std::uint64_t version, InstanceStatus status = InstanceStatus::healthy, std::uint64_t gen = 1,
                const std::string& id = "orders-1") {
  Instance r = make_instance("orders", id);
  r.owner = "node-b";
  r.owner_generation = gen;
  r.record_version = version;
  r.owner_lamport = 1;
  r.status = status;
  r.check_state = status == InstanceStatus::healthy ? CheckState::passing : CheckState::critical;
  return r;
}

std::vector<ChangeKind> kinds(Node& n) {
  std::vector<ChangeKind> out;
  for (const auto& c : n.changes()) out.push_back(c.kind);
  return out;
}

TEST(RegistryStoreRemote, HigherVersionsWinWithinAShard) {
  Node a(testing::config("node-a"));
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::starting)), Applied::applied);
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::starting)), Applied::stale);
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy)), Applied::stale);
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::starting);
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(3, InstanceStatus::healthy)), Applied::applied);
  auto updated = from_b(4);
  updated.port = 9000;
  EXPECT_EQ(a.store.apply_remote(a.now(), updated), Applied::applied);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::added, ChangeKind::status_changed, ChangeKind::updated}));
  EXPECT_EQ(a.store.find(kOrders1)->port, 9000);
  auto bad = from_b(5);
  bad.port = 0;
  EXPECT_EQ(a.store.apply_remote(a.now(), bad), Applied::refused);
  bad = from_b(5);
  bad.owner.clear();
  EXPECT_EQ(a.store.apply_remote(a.now(), bad), Applied::refused);
  EXPECT_TRUE(a.changes().empty());
}

TEST(RegistryStoreRemote, ABatchCountsWhatItApplied) {
  Node a(testing::config("node-a"));
  const std::vector<Instance> batch = {from_b(1, InstanceStatus::healthy, 1, "o-1"),
                                       from_b(2, InstanceStatus::healthy, 1, "o-2"),
                                       from_b(1, InstanceStatus::healthy, 1, "o-1")};
  EXPECT_EQ(a.store.apply_remote(a.now(), batch), 2u);
  EXPECT_EQ(a.store.size(), 2u);
}

TEST(RegistryStoreRemote, AnOlderGenerationIsDropped) {
  Node a(testing::config("node-a"));
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy, 2)), Applied::applied);
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(9, InstanceStatus::healthy, 1)), Applied::refused);
  EXPECT_EQ(a.store.find(kOrders1)->owner_generation, 2u);
}

TEST(RegistryStoreRemote, ANewGenerationReplacesWhatItReannouncesAndDropsTheRest) {
  auto cfg = testing::config("node-a");
  cfg.down_drop_after = minutes(5);
  Node a(cfg);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy, 1, "o-1")), Applied::applied);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::healthy, 1, "o-2")), Applied::applied);
  a.changes();
  // node-b restarted without its state and re-announces o-1 only.
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::starting, 2, "o-1")), Applied::applied);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-1"})->owner_generation, 2u);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-2"})->status, InstanceStatus::down);
  a.advance(minutes(5));
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-2"}), nullptr);
  EXPECT_NE(a.store.find(InstanceKey{"orders", "o-1"}), nullptr);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::status_changed, ChangeKind::status_changed,
                                               ChangeKind::dropped}));
}

// A peer's digest or pull shows the owner in a newer generation with no
// record yet (it restarted without its state and registered nothing): the
// older life's records go DOWN, then away, and only a newer generation
// counts.
TEST(RegistryStoreRemote, ANewerGenerationSeenWithoutRecordsTakesTheOldDown) {
  auto cfg = testing::config("node-a");
  cfg.down_drop_after = minutes(5);
  Node a(cfg);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy, 1, "o-1")), Applied::applied);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::healthy, 1, "o-2")), Applied::applied);
  a.changes();
  EXPECT_FALSE(a.store.adopt_generation(a.mono(), "node-b", 1));  // the same life
  EXPECT_FALSE(a.store.adopt_generation(a.mono(), "node-c", 5));  // nothing of it here
  EXPECT_FALSE(a.store.adopt_generation(a.mono(), "node-a", 5));  // never the local shard
  EXPECT_TRUE(a.changes().empty());
  ASSERT_TRUE(a.store.adopt_generation(a.mono(), "node-b", 2));
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-1"})->status, InstanceStatus::down);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-2"})->status, InstanceStatus::down);
  EXPECT_EQ(a.store.shard("node-b"), (ShardDigest{"node-b", 2, 0, 0}));
  EXPECT_FALSE(a.store.adopt_generation(a.mono(), "node-b", 1));  // news of the older life
  // The new life re-announces o-1: it is back, o-2 is dropped in time.
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::starting, 2, "o-1")), Applied::applied);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-1"})->status, InstanceStatus::starting);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-1"})->owner_generation, 2u);
  a.advance(minutes(5));
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-2"}), nullptr);
  EXPECT_NE(a.store.find(InstanceKey{"orders", "o-1"}), nullptr);
}

TEST(RegistryStoreRemote, TombstonesWinOverOlderLiveRecords) {
  Node a(testing::config("node-a"));
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1)), Applied::applied);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::deregistered)), Applied::applied);
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(1)), Applied::stale);
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::deregistered);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::added, ChangeKind::deregistered}));
  EXPECT_TRUE(a.store.services().empty());
}

TEST(RegistryStoreRemote, ACollectedKeyIsNeverResurrected) {
  Node a(testing::config("node-a"));
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1)), Applied::applied);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::deregistered)), Applied::applied);
  a.advance(hours(24));
  ASSERT_EQ(a.store.find(kOrders1), nullptr);
  const auto d = a.store.digest();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[1], (ShardDigest{"node-b", 1, 2, 2}));
  // Old copies still travelling are refused, whichever they are.
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(1)), Applied::refused);
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::deregistered)), Applied::refused);
  auto other = from_b(1);  // an older claim by another owner
  other.owner = "node-c";
  other.owner_lamport = 0;
  EXPECT_EQ(a.store.apply_remote(a.now(), other), Applied::refused);
  EXPECT_EQ(a.store.find(kOrders1), nullptr);
  // A newer version of the owner (it registered the key again) is a change.
  EXPECT_EQ(a.store.apply_remote(a.now(), from_b(3)), Applied::applied);
}

TEST(RegistryStoreRemote, TheLocalShardIsWrittenOnlyHere) {
  Node a(testing::config("node-a", 5));
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "orders-1")).ok());
  Instance echo = *a.store.find(kOrders1);
  echo.record_version = 99;
  echo.port = 1234;
  EXPECT_EQ(a.store.apply_remote(a.now(), echo), Applied::stale);
  echo.owner_generation = 4;
  EXPECT_EQ(a.store.apply_remote(a.now(), echo), Applied::refused);
  EXPECT_EQ(a.store.find(kOrders1)->port, 8080);
}

TEST(RegistryStoreRemote, AKeyRegisteredElsewhereMovesThereAndBothSidesSeeIt) {
  Node a(testing::config("node-a"), 1);
  Node b(testing::config("node-b"), 2);
  const auto on_a = a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(on_a.ok());
  ASSERT_EQ(b.store.apply_remote(b.now(), *on_a), Applied::applied);
  a.changes();
  b.changes();
  // The pod moved: it registers through node-b.
  const auto on_b = b.store.register_instance(b.now(), make_instance("orders", "orders-1"));
  ASSERT_TRUE(on_b.ok());
  EXPECT_EQ(on_b->owner, "node-b");
  EXPECT_EQ(on_b->previous_owner, "node-a");
  EXPECT_GT(on_b->owner_lamport, on_a->owner_lamport);
  auto ch = b.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::moved);
  EXPECT_EQ(ch[0].previous_owner, "node-a");
  ASSERT_EQ(a.store.apply_remote(a.now(), *on_b), Applied::applied);
  EXPECT_EQ(a.store.find(kOrders1)->owner, "node-b");
  ch = a.changes();
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].kind, ChangeKind::moved);
  EXPECT_EQ(ch[0].previous_owner, "node-a");
  // The old owner's record, arriving late, does not take it back.
  EXPECT_EQ(b.store.apply_remote(b.now(), *on_a), Applied::stale);
  // node-a no longer writes it, and says who does.
  for (auto res : {a.store.deregister(a.now(), kOrders1), a.store.drain(a.now(), kOrders1),
                   a.store.apply_check(a.now(), kOrders1, CheckState::passing), a.store.renew(a.now(), kOrders1)}) {
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(testing::code_of(res), Err::not_owner);
    EXPECT_NE(res.message().find("node-b"), std::string::npos) << res.message();
  }
}

TEST(RegistryStoreRemote, BothOrdersOfArrivalConvergeOnOneOwner) {
  Node a(testing::config("node-a"), 1);
  Node b(testing::config("node-b"), 2);
  // Registered on both at once, neither knowing of the other: equal
  // Lamport times, the owner name decides.
  const Instance ra = *a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  const Instance rb = *b.store.register_instance(b.now(), make_instance("orders", "orders-1"));
  ASSERT_EQ(ra.owner_lamport, rb.owner_lamport);
  Node c1(testing::config("node-c")), c2(testing::config("node-d"));
  c1.store.apply_remote(c1.now(), ra);
  c1.store.apply_remote(c1.now(), rb);
  c2.store.apply_remote(c2.now(), rb);
  c2.store.apply_remote(c2.now(), ra);
  a.store.apply_remote(a.now(), rb);
  b.store.apply_remote(b.now(), ra);
  for (Node* n : {&a, &b, &c1, &c2}) EXPECT_EQ(n->store.find(kOrders1)->owner, "node-b");
  // Then node-a registers it again, after seeing node-b's: a higher time.
  const Instance ra2 = *a.store.register_instance(a.now(), make_instance("orders", "orders-1"));
  EXPECT_GT(ra2.owner_lamport, rb.owner_lamport);
  c1.store.apply_remote(c1.now(), ra2);
  c2.store.apply_remote(c2.now(), rb);  // a duplicate late copy first
  c2.store.apply_remote(c2.now(), ra2);
  b.store.apply_remote(b.now(), ra2);
  for (Node* n : {&a, &b, &c1, &c2}) EXPECT_EQ(n->store.find(kOrders1)->owner, "node-a");
}

TEST(RegistryStoreRemote, AFailedOwnersInstancesAreDownAtOnceThenDropped) {
  auto cfg = testing::config("node-a");
  cfg.down_drop_after = minutes(30);
  Node a(cfg);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy, 1, "o-1")), Applied::applied);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(2, InstanceStatus::deregistered, 1, "o-2")), Applied::applied);
  a.changes();
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-b"));
  EXPECT_EQ(a.store.owner_state("node-b"), OwnerState::failed);
  const Instance* o1 = a.store.find(InstanceKey{"orders", "o-1"});
  EXPECT_EQ(o1->status, InstanceStatus::down);
  EXPECT_EQ(o1->record_version, 1u);  // a view, not a write by the owner
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-2"})->status, InstanceStatus::deregistered);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::status_changed}));
  // Pulled from here, the record is as its owner wrote it.
  const auto pulled = a.store.records_since("node-b", 0);
  ASSERT_EQ(pulled.size(), 2u);
  EXPECT_EQ(pulled[0].status, InstanceStatus::healthy);
  a.advance(minutes(30) - seconds(1));
  EXPECT_NE(a.store.find(InstanceKey{"orders", "o-1"}), nullptr);
  a.advance(seconds(1));
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-1"}), nullptr);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::dropped}));
  // A copy arriving while the owner is still failed is DOWN again.
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy, 1, "o-1")), Applied::applied);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-1"})->status, InstanceStatus::down);
}

TEST(RegistryStoreRemote, AnOwnerHeardFailedBeforeItsRecordsStillShowsThemDown) {
  Node a(testing::config("node-a"));
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-b"));
  a.store.on_member_event(a.mono(), member_event(MemberEventType::leave, "node-c"));
  EXPECT_EQ(a.store.owner_state("node-b"), OwnerState::failed);
  EXPECT_EQ(a.store.digest().size(), 1u);  // no shard of theirs yet
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy, 4)), Applied::applied);
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::down);
  ASSERT_EQ(a.store.digest().size(), 2u);
  EXPECT_EQ(a.store.digest()[1], (ShardDigest{"node-b", 4, 1, 0}));
  auto late = from_b(1, InstanceStatus::healthy, 1, "o-9");
  late.owner = "node-c";
  ASSERT_EQ(a.store.apply_remote(a.now(), late), Applied::applied);
  EXPECT_EQ(a.store.find(InstanceKey{"orders", "o-9"})->status, InstanceStatus::deregistered);
  // Reaped or back before any record: forgotten.
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-d"));
  a.store.on_member_event(a.mono(), member_event(MemberEventType::join, "node-d"));
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-e"));
  a.store.on_member_event(a.mono(), member_event(MemberEventType::reap, "node-e"));
  EXPECT_EQ(a.store.owner_state("node-d"), OwnerState::gone);
  EXPECT_EQ(a.store.owner_state("node-e"), OwnerState::gone);
  EXPECT_EQ(a.store.digest().size(), 3u);
}

TEST(RegistryStoreRemote, AnOwnerBackAliveGetsItsInstancesBack) {
  auto cfg = testing::config("node-a");
  cfg.down_drop_after = minutes(30);
  Node a(cfg);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy)), Applied::applied);
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-b"));
  a.changes();
  a.advance(minutes(10));
  a.store.on_member_event(a.mono(), member_event(MemberEventType::join, "node-b"));
  EXPECT_EQ(a.store.owner_state("node-b"), OwnerState::alive);
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::healthy);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::status_changed}));
  a.advance(hours(1));
  EXPECT_NE(a.store.find(kOrders1), nullptr);  // no drop left behind
  a.store.on_member_event(a.mono(), member_event(MemberEventType::update, "node-b"));
  EXPECT_TRUE(a.changes().empty());
  a.store.set_owner_suspect("node-b", true);
  EXPECT_EQ(a.store.owner_state("node-b"), OwnerState::suspect);
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::healthy);
  a.store.set_owner_suspect("node-b", false);
  EXPECT_EQ(a.store.owner_state("node-b"), OwnerState::alive);
}

TEST(RegistryStoreRemote, AnOwnerBackInANewGenerationDoesNotRestoreTheOld) {
  auto cfg = testing::config("node-a");
  cfg.generation_of = [](const serf::Member&) { return std::optional<std::uint64_t>(2); };
  Node a(cfg);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1, InstanceStatus::healthy, 1)), Applied::applied);
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-b"));
  a.store.on_member_event(a.mono(), member_event(MemberEventType::join, "node-b"));
  EXPECT_EQ(a.store.find(kOrders1)->status, InstanceStatus::down);
  EXPECT_EQ(a.store.digest()[1].generation, 2u);
}

TEST(RegistryStoreRemote, AGracefulLeaveDeregistersAtOnce) {
  Node a(testing::config("node-a"));
  a.at = seconds(4);
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1)), Applied::applied);
  a.changes();
  a.store.on_member_event(a.mono(), member_event(MemberEventType::leave, "node-b"));
  const Instance* in = a.store.find(kOrders1);
  EXPECT_EQ(in->status, InstanceStatus::deregistered);
  EXPECT_EQ(in->deregistered_ms, testing::kWall0 + 4000);
  EXPECT_EQ(a.store.owner_state("node-b"), OwnerState::left);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::deregistered}));
  EXPECT_TRUE(a.store.services().empty());
}

TEST(RegistryStoreRemote, AReapedOwnersLiveInstancesGo) {
  Node a(testing::config("node-a"));
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1)), Applied::applied);
  a.changes();
  a.store.on_member_event(a.mono(), member_event(MemberEventType::reap, "node-b"));
  EXPECT_EQ(a.store.find(kOrders1), nullptr);
  EXPECT_EQ(a.store.owner_state("node-b"), OwnerState::gone);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::dropped}));
}

TEST(RegistryStoreRemote, ForceDeregisterOnlyForAFailedOrGoneOwner) {
  Node a(testing::config("node-a"));
  ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", "mine")).ok());
  ASSERT_EQ(a.store.apply_remote(a.now(), from_b(1)), Applied::applied);
  a.changes();
  auto r = a.store.force_deregister(a.now(), kOrders1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::code_of(r), Err::failed_precondition);
  EXPECT_NE(r.message().find("node-b, which is alive"), std::string::npos) << r.message();
  r = a.store.force_deregister(a.now(), InstanceKey{"orders", "mine"});
  EXPECT_EQ(testing::code_of(r), Err::failed_precondition);
  EXPECT_EQ(testing::code_of(a.store.force_deregister(a.now(), InstanceKey{"orders", "none"})), Err::not_found);
  a.store.set_owner_suspect("node-b", true);
  EXPECT_EQ(testing::code_of(a.store.force_deregister(a.now(), kOrders1)), Err::failed_precondition);
  EXPECT_TRUE(a.changes().empty());
  a.store.on_member_event(a.mono(), member_event(MemberEventType::failed, "node-b"));
  a.changes();
  r = a.store.force_deregister(a.now(), kOrders1);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->status, InstanceStatus::deregistered);
  EXPECT_EQ(kinds(a), (std::vector<ChangeKind>{ChangeKind::deregistered}));
  EXPECT_TRUE(a.store.force_deregister(a.now(), kOrders1).ok());  // already gone: nothing changes
  EXPECT_TRUE(a.changes().empty());
}

TEST(RegistryStoreRemote, DigestAndPullSinceAVersion) {
  Node a(testing::config("node-a", 7));
  Node b(testing::config("node-b", 3));
  for (const char* id : {"o-1", "o-2", "o-3"}) {
    ASSERT_TRUE(a.store.register_instance(a.now(), make_instance("orders", id)).ok());
  }
  ASSERT_TRUE(a.store.apply_check(a.now(), InstanceKey{"orders", "o-1"}, CheckState::passing).ok());
  ASSERT_EQ(a.store.digest().size(), 1u);
  EXPECT_EQ(a.store.digest()[0], (ShardDigest{"node-a", 7, 4, 0}));
  const auto since2 = a.store.records_since("node-a", 2);
  ASSERT_EQ(since2.size(), 2u);
  EXPECT_EQ(since2[0].id, "o-3");
  EXPECT_EQ(since2[0].record_version, 3u);
  EXPECT_EQ(since2[1].id, "o-1");
  EXPECT_EQ(since2[1].record_version, 4u);
  const auto page = a.store.records_since("node-a", 0, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[1].record_version, 3u);  // o-1 moved on to version 4
  EXPECT_TRUE(a.store.records_since("node-x", 0).empty());
  EXPECT_TRUE(a.store.records_since("node-a", 4).empty());
  // A peer that pulls everything holds what the owner's digest says.
  EXPECT_EQ(b.store.apply_remote(b.now(), a.store.records_since("node-a", 0)), 3u);
  const auto bd = b.store.digest();
  ASSERT_EQ(bd.size(), 2u);
  EXPECT_EQ(bd[0], a.store.digest()[0]);
  EXPECT_EQ(bd[1], (ShardDigest{"node-b", 3, 0, 0}));
}

}  // namespace
}  // namespace wkd::registry
