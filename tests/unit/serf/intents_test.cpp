// Member status transitions: memberlist events plus gossiped join/leave
// intents make a graceful leave `left` and a crash `failed` (docs/wire.md
// §11.5); intents about unknown nodes are buffered; stale intents change
// nothing; a leave intent about ourselves is refuted; failed and left
// members are reaped.
#include <gtest/gtest.h>

#include "serf_fixture.hpp"

namespace wkd::serf {
namespace {

using namespace testing;
using E = MemberEventType;

class SerfIntents : public EngineFixture {
 protected:
  MemberStatus status(const std::string& n) const {
    const Member* m = engine->find(n);
    return m == nullptr ? MemberStatus::none : m->status;
  }
  void leave_intent(const std::string& n, LamportTime t, bool prune = false, Duration when = seconds(1)) {
    engine->notify_msg(at(when), encode(wire::SerfLeave{t, n, prune}));
  }
  void join_intent(const std::string& n, LamportTime t) {
    engine->notify_msg(at(seconds(1)), encode(wire::SerfJoin{t, n}));
  }
  std::size_t intents_queued() const { return engine->stats().intent_queue; }
};

TEST_F(SerfIntents, GracefulLeaveEndsLeft) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  EXPECT_EQ(status("b"), MemberStatus::alive);
  leave_intent("b", 5);
  EXPECT_EQ(status("b"), MemberStatus::leaving);
  EXPECT_EQ(engine->find("b")->status_ltime, 5u);
  EXPECT_EQ(intents_queued(), 1u);  // news: gossiped further
  engine->notify_leave(at(seconds(2)), node("b", 2));
  EXPECT_EQ(status("b"), MemberStatus::left);
  EXPECT_EQ(sink.types_for("b"), (std::vector<E>{E::join, E::leave}));
  EXPECT_EQ(engine->member_table().left_names(), std::vector<std::string>{"b"});
}

TEST_F(SerfIntents, CrashEndsFailed) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  engine->notify_leave(at(seconds(2)), node("b", 2));
  EXPECT_EQ(status("b"), MemberStatus::failed);
  EXPECT_EQ(sink.types_for("b"), (std::vector<E>{E::join, E::failed}));
  EXPECT_EQ(engine->member_table().failed_names(), std::vector<std::string>{"b"});
}

TEST_F(SerfIntents, LeaveIntentForUnknownNodeIsBuffered) {
  leave_intent("c", 3);
  EXPECT_EQ(status("c"), MemberStatus::none);
  EXPECT_EQ(intents_queued(), 1u);
  // Its alive arrives after the intent overtook it.
  engine->notify_join(at(seconds(2)), node("c", 3));
  EXPECT_EQ(status("c"), MemberStatus::leaving);
  EXPECT_EQ(engine->find("c")->status_ltime, 3u);
  engine->notify_leave(at(seconds(3)), node("c", 3));
  EXPECT_EQ(status("c"), MemberStatus::left);
}

TEST_F(SerfIntents, BufferedJoinIntentSetsStatusTime) {
  join_intent("c", 7);
  engine->notify_join(at(seconds(2)), node("c", 3));
  EXPECT_EQ(status("c"), MemberStatus::alive);
  EXPECT_EQ(engine->find("c")->status_ltime, 7u);
}

TEST_F(SerfIntents, OnlyNewerBufferedIntentsAreRebroadcast) {
  leave_intent("c", 5);
  EXPECT_EQ(intents_queued(), 1u);
  leave_intent("c", 4);  // older than the buffered one
  leave_intent("c", 5);  // same
  EXPECT_EQ(intents_queued(), 1u);
  join_intent("c", 6);  // newer replaces it
  EXPECT_EQ(intents_queued(), 2u);
  engine->notify_join(at(seconds(2)), node("c", 3));
  EXPECT_EQ(status("c"), MemberStatus::alive);  // the newest intent was a join
}

TEST_F(SerfIntents, StaleLeaveIntentIsIgnored) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  join_intent("b", 10);
  const auto queued = intents_queued();
  leave_intent("b", 9);
  EXPECT_EQ(status("b"), MemberStatus::alive);
  EXPECT_EQ(engine->find("b")->status_ltime, 10u);
  EXPECT_EQ(intents_queued(), queued);
}

// A join and a leave at the same Lamport time: the leave wins, whichever
// came first, and a repeat of either changes nothing.
TEST_F(SerfIntents, ALeaveWinsATieWithAJoin) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  join_intent("b", 10);
  leave_intent("b", 10);
  EXPECT_EQ(status("b"), MemberStatus::leaving);
  const auto queued = intents_queued();
  join_intent("b", 10);
  leave_intent("b", 10);
  EXPECT_EQ(status("b"), MemberStatus::leaving);
  EXPECT_EQ(intents_queued(), queued);
  engine->notify_leave(at(seconds(2)), node("b", 2));
  EXPECT_EQ(status("b"), MemberStatus::left);

  // The same for intents buffered before the member is known.
  join_intent("c", 4);
  leave_intent("c", 4);
  join_intent("c", 4);
  engine->notify_join(at(seconds(3)), node("c", 3));
  EXPECT_EQ(status("c"), MemberStatus::leaving);
}

TEST_F(SerfIntents, NewerJoinIntentRevivesALeavingMember) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  leave_intent("b", 5);
  join_intent("b", 6);
  EXPECT_EQ(status("b"), MemberStatus::alive);
  engine->notify_leave(at(seconds(2)), node("b", 2));
  EXPECT_EQ(status("b"), MemberStatus::failed);
}

// Going to leaving and back raises no member event, but readers of the
// table (the runtime's snapshots) must still hear that the member changed.
TEST_F(SerfIntents, SilentStatusChangesAreStillReported) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  sink.changed.clear();
  const std::size_t events = sink.member_events.size();
  leave_intent("b", 5);
  EXPECT_EQ(status("b"), MemberStatus::leaving);
  EXPECT_EQ(sink.member_events.size(), events);
  EXPECT_EQ(sink.changed, (std::vector<std::string>{"b"}));
  join_intent("b", 6);
  EXPECT_EQ(status("b"), MemberStatus::alive);
  EXPECT_EQ(sink.changed, (std::vector<std::string>{"b", "b"}));
  leave_intent("b", 5);  // stale: nothing changes
  EXPECT_EQ(sink.changed, (std::vector<std::string>{"b", "b"}));
}

TEST_F(SerfIntents, LeaveIntentAfterFailureMakesItLeft) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  engine->notify_leave(at(seconds(2)), node("b", 2));
  leave_intent("b", 5, false, seconds(3));
  EXPECT_EQ(status("b"), MemberStatus::left);
  EXPECT_EQ(sink.types_for("b"), (std::vector<E>{E::join, E::failed, E::leave}));
  EXPECT_TRUE(engine->member_table().failed_names().empty());
  EXPECT_EQ(engine->member_table().left_names(), std::vector<std::string>{"b"});
}

TEST_F(SerfIntents, LeaveIntentAboutOurselvesIsRefuted) {
  leave_intent("a", 5);
  EXPECT_EQ(status("a"), MemberStatus::alive);
  // The intent is not passed on; a fresh join intent about us is.
  auto out = drain();
  ASSERT_EQ(out.size(), 1u);
  auto join = wire::decode_serf_message(out[0]);
  ASSERT_TRUE(join.ok());
  const auto* j = std::get_if<wire::SerfJoin>(&*join);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->node, "a");
  EXPECT_GT(j->ltime, 5u);
  EXPECT_EQ(engine->find("a")->status_ltime, j->ltime);
}

TEST_F(SerfIntents, PrunedFailedMemberIsErasedAtOnce) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  engine->notify_leave(at(seconds(2)), node("b", 2));
  leave_intent("b", 5, /*prune=*/true, seconds(3));
  EXPECT_EQ(engine->find("b"), nullptr);
  EXPECT_EQ(sink.types_for("b").back(), E::reap);
  EXPECT_EQ(host.removed, std::vector<std::string>{"b"});
}

TEST_F(SerfIntents, FailedAndLeftMembersAreReapedAfterTheirTimeouts) {
  Config cfg = config_for("a");
  cfg.reconnect_timeout = seconds(60);
  cfg.tombstone_timeout = seconds(120);
  make(cfg);
  engine->notify_join(at(seconds(1)), node("b", 2));
  engine->notify_join(at(seconds(1)), node("c", 3));
  engine->notify_leave(at(seconds(1)), node("b", 2));  // failed at t=1
  leave_intent("c", 5);
  engine->notify_leave(at(seconds(1)), node("c", 3));  // left at t=1

  // Reap ticks every 15 s; nothing is due before 61 s.
  for (TimePoint t = at(seconds(0)); t <= at(seconds(60)); t = engine->next_deadline()) engine->on_timer(t);
  EXPECT_NE(engine->find("b"), nullptr);
  for (TimePoint t = engine->next_deadline(); t <= at(seconds(75)); t = engine->next_deadline()) engine->on_timer(t);
  EXPECT_EQ(engine->find("b"), nullptr);
  EXPECT_NE(engine->find("c"), nullptr);
  EXPECT_EQ(host.removed, std::vector<std::string>{"b"});
  for (TimePoint t = engine->next_deadline(); t <= at(seconds(135)); t = engine->next_deadline()) engine->on_timer(t);
  EXPECT_EQ(engine->find("c"), nullptr);
  EXPECT_EQ(host.removed, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(sink.types_for("b").back(), E::reap);
  EXPECT_EQ(sink.types_for("c").back(), E::reap);
  EXPECT_NE(engine->find("a"), nullptr);
}

TEST_F(SerfIntents, BufferedIntentsExpire) {
  leave_intent("c", 3, false, seconds(0));
  EXPECT_EQ(engine->stats().recent_intents, 1u);
  for (TimePoint t = engine->next_deadline(); t <= at(std::chrono::minutes(6)); t = engine->next_deadline()) {
    engine->on_timer(t);
  }
  EXPECT_EQ(engine->stats().recent_intents, 0u);
  engine->notify_join(at(std::chrono::minutes(6)), node("c", 3));
  EXPECT_EQ(status("c"), MemberStatus::alive);
}

TEST_F(SerfIntents, FailedMemberRejoinsAsAlive) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  engine->notify_leave(at(seconds(2)), node("b", 2));
  engine->notify_join(at(seconds(3)), node("b", 2));
  EXPECT_EQ(status("b"), MemberStatus::alive);
  EXPECT_TRUE(engine->member_table().failed_names().empty());
  EXPECT_EQ(engine->stats().flaps, 1u);
}

TEST_F(SerfIntents, UpdateCarriesNewTags) {
  engine->notify_join(at(seconds(1)), node("b", 2, {{"role", "web"}}));
  engine->notify_update(at(seconds(2)), node("b", 2, {{"role", "db"}}));
  EXPECT_EQ(engine->find("b")->tags.at("role"), "db");
  EXPECT_EQ(sink.types_for("b"), (std::vector<E>{E::join, E::update}));
}

}  // namespace
}  // namespace wkd::serf
