// Snapshots of the member table (runtime/view.hpp) built from a real Serf
// fed by alive and suspect messages: unchanged members keep their record
// from one View to the next, last_seen moves in place without a new View,
// a change builds a new record for that member only, and the diff between
// two Views names exactly what changed.
#include "runtime/view.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../serf/serf_fixture.hpp"
#include "wire/memberlist_codec.hpp"

namespace wkd::runtime {
namespace {

using serf::testing::addr_of;
using serf::testing::at;
using serf::testing::CaptureLog;
using serf::testing::config_for;
using serf::testing::RecordingSink;

struct NullRuntime final : swim::Runtime {
  void send_packet(const Address&, ByteView) override {}
  void stream_dial(swim::ConnId, const Address&) override {}
  void stream_write(swim::ConnId, ByteView) override {}
  void stream_close(swim::ConnId) override {}
};

constexpr std::int64_t kUnixMs = 1'800'000'000'000;

class ViewTest : public ::testing::Test {
 protected:
  NullRuntime rt;
  Rng rng{3};
  CaptureLog log;
  RecordingSink sink;
  std::unique_ptr<serf::Serf> serf;

  void SetUp() override {
    serf::Config cfg = config_for("a");
    cfg.memberlist.enable_compression = false;
    cfg.tags = {{"wkd", "0.1.0"}, {"db", "postgres"}, {"groups", "orders"}};
    serf = std::make_unique<serf::Serf>(cfg, rt, rng, log, sink);
    ASSERT_TRUE(serf->start(at(seconds(0))).ok());
    alive("b", 2, 1, {{"wkd", "0.1.0"}, {"db", "mysql"}, {"groups", "orders,users"}});
    alive("c", 3, 1, {{"role", "cache"}});
  }

  void alive(const std::string& name, std::uint8_t octet, std::uint32_t incarnation, const wire::Tags& tags,
             Duration when = seconds(1)) {
    wire::Alive a;
    a.incarnation = incarnation;
    a.node = name;
    const Address from = addr_of(octet);  // ip_bytes() views into it: keep it alive
    const ByteView ip = from.ip_bytes();
    a.addr.assign(ip.begin(), ip.end());
    a.port = 7946;
    a.meta = *wire::encode_tags(tags);
    a.vsn = wire::kWkdVsn;
    serf->on_packet(at(when), addr_of(octet), *wire::encode_message(a));
  }

  std::shared_ptr<View> build(const View* previous, Duration mono = seconds(2)) {
    return build_view(*serf, at(mono), kUnixMs, 1, previous);
  }
};

TEST_F(ViewTest, EveryMemberInNameOrderWithItsIdentity) {
  auto v = build(nullptr);
  ASSERT_EQ(v->members.size(), 3u);
  EXPECT_EQ(v->members[0].member->name, "a");
  EXPECT_EQ(v->members[1].member->name, "b");
  EXPECT_EQ(v->members[2].member->name, "c");
  EXPECT_TRUE(v->members[0].member->is_local);
  const MemberView& b = *v->find("b")->member;
  EXPECT_EQ(b.database_type, "mysql");
  EXPECT_EQ(b.wkd_version, "0.1.0");
  EXPECT_EQ(b.health, serf::Health::unknown);  // b advertises no health tag
  ASSERT_EQ(b.n_groups(), 2u);
  EXPECT_STREQ(b.c_groups()[0], "orders");
  EXPECT_STREQ(b.c_groups()[1], "users");
  EXPECT_EQ(b.n_caps(), 0u);
  EXPECT_EQ(b.address, addr_of(2).ip_string());
  EXPECT_EQ(b.address.data()[b.address.size()], '\0');  // the C API hands it out as a C string
  EXPECT_STREQ(b.c_groups()[1] + 5, "");                 // and so is each group
  EXPECT_EQ(b.tag("db"), "mysql");
  EXPECT_EQ(v->alive, 2u);
  EXPECT_EQ(v->find("nobody"), nullptr);
  // A peer without the `wkd` tag has no identity: its tags are all free.
  const MemberView& c = *v->find("c")->member;
  EXPECT_EQ(c.tags, (wire::Tags{{"role", "cache"}}));
  EXPECT_FALSE(c.is_wkd());
  EXPECT_TRUE(c.database_type.empty());
  EXPECT_EQ(c.health, serf::Health::unknown);
}

TEST_F(ViewTest, ARecordSharesTheTagsTheMemberTableDecoded) {
  auto v = build(nullptr);
  for (const char* name : {"a", "b", "c"}) {
    const std::optional<serf::Member> m = serf->find(name);
    ASSERT_TRUE(m.has_value()) << name;
    EXPECT_TRUE(v->find(name)->member->tags.same_object(m->tags)) << name << ": the record copied its tags";
  }
  // The identity strings view the shared values (no copy, NUL-terminated).
  const MemberView& b = *v->find("b")->member;
  EXPECT_EQ(b.database_type.data(), b.tags.at("db").data());
  EXPECT_EQ(b.wkd_version.data(), b.tags.at("wkd").data());
  // Capabilities follow groups in the one C array.
  alive("b", 2, 2, {{"wkd", "0.1.0"}, {"groups", "g1"}, {"caps", "read,write"}}, seconds(3));
  auto v2 = build(v.get(), seconds(4));
  const MemberView& b2 = *v2->find("b")->member;
  ASSERT_EQ(b2.n_groups(), 1u);
  ASSERT_EQ(b2.n_caps(), 2u);
  EXPECT_STREQ(b2.c_groups()[0], "g1");
  EXPECT_STREQ(b2.c_caps()[0], "read");
  EXPECT_STREQ(b2.c_caps()[1], "write");
  EXPECT_TRUE(b2.database_type.empty());
  // An update that keeps the tags (a new incarnation only) keeps the map.
  const serf::SharedTags before = serf->find("b")->tags;
  alive("b", 2, 3, {{"wkd", "0.1.0"}, {"groups", "g1"}, {"caps", "read,write"}}, seconds(5));
  EXPECT_TRUE(serf->find("b")->tags.same_object(before));
}

TEST_F(ViewTest, ARefreshSharesEveryRecordAndMovesOnlyLastSeen) {
  auto v1 = build(nullptr, seconds(2));
  auto v2 = build(v1.get(), seconds(7));
  ASSERT_EQ(v2->members.size(), v1->members.size());
  for (std::size_t i = 0; i < v1->members.size(); ++i) {
    EXPECT_EQ(v2->members[i].member, v1->members[i].member) << v1->members[i].member->name;
  }
  // The local node is seen now; a peer last seen at 1 s is 5 s older in v2.
  EXPECT_EQ(v2->find("a")->last_seen_unix_ms(), kUnixMs);
  EXPECT_EQ(v1->find("b")->last_seen_unix_ms() - v2->find("b")->last_seen_unix_ms(), 5000);
  EXPECT_TRUE(diff_views(v1.get(), *v2).empty());
}

TEST_F(ViewTest, LastSeenMovesInPlaceWithoutANewView) {
  auto v = build(nullptr, seconds(2));
  std::vector<MemberRecord> records;
  for (const ViewEntry& e : v->members) records.push_back(e.member);
  EXPECT_EQ(v->find("b")->last_seen_unix_ms(), kUnixMs - 1000);  // seen at 1 s, read at 2 s
  // b is heard from again at 6 s; the view is brought up to date at 7 s,
  // when the wall clock reads kUnixMs + 5000.
  alive("b", 2, 2, {{"wkd", "0.1.0"}, {"db", "mysql"}, {"groups", "orders,users"}}, seconds(6));
  refresh_last_seen(*serf, *v, at(seconds(7)), kUnixMs + 5000);
  EXPECT_EQ(v->find("a")->last_seen_unix_ms(), kUnixMs + 5000);  // the local node: now
  EXPECT_EQ(v->find("b")->last_seen_unix_ms(), kUnixMs + 4000);  // 1 s before
  EXPECT_EQ(v->find("c")->last_seen_unix_ms(), kUnixMs - 1000);  // still 1 s on the engine's clock
  // The records are those the view was built with (b's new incarnation
  // waits for the next View).
  ASSERT_EQ(v->members.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(v->members[i].member, records[i]);
  EXPECT_EQ(v->find("b")->member->incarnation, 1u);
}

TEST_F(ViewTest, ATagChangeRebuildsThatMemberOnly) {
  auto v1 = build(nullptr);
  alive("b", 2, 2, {{"wkd", "0.1.0"}, {"db", "mysql"}, {"groups", "orders"}}, seconds(3));
  auto v2 = build(v1.get(), seconds(4));
  EXPECT_EQ(v2->find("a")->member, v1->find("a")->member);
  EXPECT_EQ(v2->find("c")->member, v1->find("c")->member);
  ASSERT_NE(v2->find("b")->member, v1->find("b")->member);
  EXPECT_EQ(v2->find("b")->member->incarnation, 2u);
  EXPECT_FALSE(v2->find("b")->member->in_group("users"));
  EXPECT_TRUE(v1->find("b")->member->in_group("users"));  // the old View is unchanged
  const auto changes = diff_views(v1.get(), *v2);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, MemberChange::updated);
  EXPECT_EQ(changes[0].entry->member->name, "b");
  // The old entry comes with the change (group watches need what it was).
  EXPECT_EQ(changes[0].previous, v1->find("b"));
}

TEST_F(ViewTest, SuspicionIsANewStateAndRefutationAnUpdate) {
  auto v1 = build(nullptr);
  wire::Suspect s{1, "c", "b"};
  serf->on_packet(at(seconds(3)), addr_of(2), *wire::encode_message(s));
  auto v2 = build(v1.get(), seconds(3));
  ASSERT_EQ(v2->find("c")->member->state, MemberState::suspect);
  auto changes = diff_views(v1.get(), *v2);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, MemberChange::suspect);
  EXPECT_EQ(v2->suspect, 1u);

  alive("c", 3, 2, {{"role", "cache"}}, seconds(4));
  auto v3 = build(v2.get(), seconds(4));
  EXPECT_EQ(v3->find("c")->member->state, MemberState::alive);
  changes = diff_views(v2.get(), *v3);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, MemberChange::updated);
}

TEST_F(ViewTest, ALeavingMemberIsCountedAsLeavingNotAlive) {
  // b gossips its leave intent (a memberlist user message carrying Serf's
  // leave): it is leaving until memberlist hears it is gone.
  Bytes packet{static_cast<std::uint8_t>(wire::MsgType::user)};
  const Bytes leave = serf::testing::encode(wire::SerfLeave{10, "b", false});
  packet.insert(packet.end(), leave.begin(), leave.end());
  serf->on_packet(at(seconds(2)), addr_of(2), packet);
  auto v = build(nullptr, seconds(2));
  ASSERT_EQ(v->find("b")->member->state, MemberState::leaving);
  EXPECT_EQ(v->alive, 1u);  // c
  EXPECT_EQ(v->leaving, 1u);
  EXPECT_EQ(v->suspect + v->failed + v->left, 0u);
}

TEST_F(ViewTest, FromNothingEveryMemberJoinsAndAMissingOneIsReaped) {
  auto v1 = build(nullptr);
  auto changes = diff_views(nullptr, *v1);
  ASSERT_EQ(changes.size(), 3u);
  for (const Change& c : changes) {
    EXPECT_EQ(c.type, MemberChange::joined);
    EXPECT_EQ(c.previous, nullptr);
  }
  // A View without "b" (as after the reaper): b is reaped, last, from the
  // old View's entry.
  View without = *v1;
  without.members.erase(without.members.begin() + 1);
  changes = diff_views(v1.get(), without);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, MemberChange::reaped);
  EXPECT_EQ(changes[0].entry->member->name, "b");
  EXPECT_EQ(changes[0].previous, v1->find("b"));
}

}  // namespace
}  // namespace wkd::runtime

namespace wkd::runtime {
namespace {

// The changes the layers below report, in order, build the same View as the
// whole table does: each one where it happens (a tag change, a suspicion, a
// leave intent, a refutation), with only the changed members' records new.
class ReportedChanges : public ViewTest {
 protected:
  // update_view with every name reported since the last call, each once.
  ViewUpdate next(const View& previous, Duration mono) {
    std::vector<std::string> touched;
    for (const std::string& n : sink.changed) {
      if (std::find(touched.begin(), touched.end(), n) == touched.end()) touched.push_back(n);
    }
    sink.changed.clear();
    return update_view(*serf, previous, touched, at(mono), kUnixMs, 2);
  }
  void expect_same_as_table(const View& prev, const ViewUpdate& u, Duration mono) {
    auto full = build_view(*serf, at(mono), kUnixMs, 2, &prev);
    EXPECT_EQ(compare_views(*u.view, *full), "");
    auto want = diff_views(&prev, *full);
    ASSERT_EQ(u.changes.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(u.changes[i].entry->member->name, want[i].entry->member->name);
      EXPECT_EQ(u.changes[i].type, want[i].type);
    }
  }
};

TEST_F(ReportedChanges, ASuspicionIsReportedWhereItHappens) {
  auto v1 = build(nullptr);
  sink.changed.clear();
  wire::Suspect s{1, "c", "b"};
  Bytes packet = *wire::encode_message(s);
  serf->on_packet(at(seconds(3)), addr_of(2), packet);
  ASSERT_EQ(sink.changed, (std::vector<std::string>{"c"}));
  auto u = next(*v1, seconds(3));
  expect_same_as_table(*v1, u, seconds(3));
  ASSERT_EQ(u.changes.size(), 1u);
  EXPECT_EQ(u.changes[0].type, MemberChange::suspect);
  // Every other member keeps its record.
  EXPECT_EQ(u.view->find("a")->member, v1->find("a")->member);
  EXPECT_EQ(u.view->find("b")->member, v1->find("b")->member);
  EXPECT_EQ(u.view->suspect, 1u);
}

TEST_F(ReportedChanges, ChangesComeInTheOrderTheyHappened) {
  auto v1 = build(nullptr);
  sink.changed.clear();
  // c changes its tags, then b: the changes come c first, unlike name order.
  alive("c", 3, 2, {{"role", "db"}}, seconds(3));
  alive("b", 2, 2, {{"wkd", "0.1.0"}, {"db", "mysql"}, {"groups", "users"}}, seconds(3));
  auto u = next(*v1, seconds(4));
  EXPECT_EQ(compare_views(*u.view, *build_view(*serf, at(seconds(4)), kUnixMs, 2, v1.get())), "");
  ASSERT_EQ(u.changes.size(), 2u);
  EXPECT_EQ(u.changes[0].entry->member->name, "c");
  EXPECT_EQ(u.changes[1].entry->member->name, "b");
  EXPECT_EQ(u.changes[0].previous, v1->find("c"));
}

TEST_F(ReportedChanges, ALeaveIntentAndANewMemberAreReported) {
  auto v1 = build(nullptr);
  sink.changed.clear();
  Bytes packet{static_cast<std::uint8_t>(wire::MsgType::user)};
  const Bytes leave = serf::testing::encode(wire::SerfLeave{10, "b", false});
  packet.insert(packet.end(), leave.begin(), leave.end());
  serf->on_packet(at(seconds(3)), addr_of(2), packet);
  alive("d", 4, 1, {{"role", "new"}}, seconds(3));
  auto u = next(*v1, seconds(4));
  expect_same_as_table(*v1, u, seconds(4));
  ASSERT_NE(u.view->find("d"), nullptr);
  EXPECT_EQ(u.view->find("b")->member->state, MemberState::leaving);
  EXPECT_EQ(u.view->leaving, 1u);
}

TEST_F(ReportedChanges, NothingReportedMeansNothingChanged) {
  auto v1 = build(nullptr);
  sink.changed.clear();
  // The same alive again (no new incarnation) changes nothing.
  alive("b", 2, 1, {{"wkd", "0.1.0"}, {"db", "mysql"}, {"groups", "orders,users"}}, seconds(3));
  EXPECT_TRUE(sink.changed.empty());
  auto u = next(*v1, seconds(4));
  EXPECT_TRUE(u.changes.empty());
  for (std::size_t i = 0; i < v1->members.size(); ++i) EXPECT_EQ(u.view->members[i].member, v1->members[i].member);
}

}  // namespace
}  // namespace wkd::runtime
