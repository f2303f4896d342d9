// Push/pull user state: encoding (with and without WkdState), what a serf
// decoder sees, what the engine sends, and the merge rules (witness LTime-1,
// left members as leave intents, others as join intents, events replayed).
#include "serf/push_pull.hpp"

#include <gtest/gtest.h>

#include "serf_fixture.hpp"
#include "wire/serf_codec.hpp"

namespace wkd::serf {
namespace {

using namespace testing;

wire::SerfPushPull sample_state() {
  wire::SerfPushPull pp;
  pp.ltime = 50;
  pp.status_ltimes = {{"a", 3}, {"b", 7}, {"gone", 9}};
  pp.left_members = {"gone"};
  pp.event_ltime = 20;
  pp.events = {wire::SerfEventSlot{12, {{"deploy", to_bytes("v1")}}}};
  pp.query_ltime = 30;
  return pp;
}

TEST(SerfPushPull, WithoutWkdStateItIsExactlySerfsEncoding) {
  PushPullState s{sample_state(), std::nullopt};
  auto ours = encode_push_pull_state(s);
  auto serfs = wire::encode_serf_message(s.serf);
  ASSERT_TRUE(ours.ok() && serfs.ok());
  EXPECT_EQ(*ours, *serfs);
  EXPECT_EQ((*ours)[0], 0x02);
}

TEST(SerfPushPull, WkdStateIsASeventhKeyThatSerfDecodersSkip) {
  PushPullState s{sample_state(), to_bytes("registry-state")};
  auto raw = encode_push_pull_state(s);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ((*raw)[1], 0x87);  // fixmap of 7
  // The key sorts after StatusLTimes, as go-msgpack orders struct fields.
  const std::string text(raw->begin(), raw->end());
  EXPECT_LT(text.find("StatusLTimes"), text.find("WkdState"));
  // A serf-only decoder (the wire codec, which skips unknown keys like Go)
  // reads the serf part unchanged.
  auto serf_view = wire::decode_serf_push_pull(ByteView(*raw).subspan(1));
  ASSERT_TRUE(serf_view.ok()) << serf_view.message();
  EXPECT_EQ(*serf_view, s.serf);
  // And wkd reads both.
  auto back = decode_push_pull_state(*raw);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->serf, s.serf);
  ASSERT_TRUE(back->wkd_state.has_value());
  EXPECT_EQ(to_string(*back->wkd_state), "registry-state");
}

TEST(SerfPushPull, DecodeChecksThePrefix) {
  EXPECT_EQ(decode_push_pull_state({}).code(), wire::Err::truncated);
  auto raw = encode_push_pull_state(PushPullState{sample_state(), std::nullopt});
  ASSERT_TRUE(raw.ok());
  (*raw)[0] = 0x03;
  EXPECT_EQ(decode_push_pull_state(*raw).code(), wire::Err::unknown_type);
  (*raw)[0] = 0x02;
  auto ok = decode_push_pull_state(*raw);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->wkd_state.has_value());
}

struct FakeWkd final : WkdHandler {
  std::vector<Bytes> messages;
  std::vector<Bytes> merged;
  bool rebroadcast = true;
  bool on_wkd_message(ByteView msg) override {
    messages.emplace_back(msg.begin(), msg.end());
    return rebroadcast;
  }
  Bytes wkd_local_state(bool) override { return to_bytes("my-registry"); }
  void merge_wkd_state(ByteView state, bool) override { merged.emplace_back(state.begin(), state.end()); }
};

class SerfPushPullEngine : public EngineFixture {};

TEST_F(SerfPushPullEngine, LocalStateCarriesClocksMembersAndEvents) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  engine->notify_msg(at(seconds(1)), encode(wire::SerfJoin{4, "b"}));
  engine->notify_join(at(seconds(1)), node("c", 3));
  engine->notify_msg(at(seconds(1)), encode(wire::SerfLeave{6, "c", false}));
  engine->notify_leave(at(seconds(2)), node("c", 3));
  ASSERT_TRUE(engine->user_event(at(seconds(2)), "deploy", as_bytes("v1"), false).ok());

  auto st = decode_push_pull_state(engine->local_state(at(seconds(3)), false, nullptr));
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(st->serf.ltime, engine->clock().time());
  EXPECT_EQ(st->serf.status_ltimes, (std::map<std::string, LamportTime>{{"a", 0}, {"b", 4}, {"c", 6}}));
  EXPECT_EQ(st->serf.left_members, std::vector<std::string>{"c"});
  EXPECT_EQ(st->serf.event_ltime, 2u);
  EXPECT_EQ(st->serf.query_ltime, 1u);
  ASSERT_EQ(st->serf.events.size(), 1u);  // only occupied slots
  EXPECT_EQ(st->serf.events[0]->ltime, 1u);
  EXPECT_EQ(st->serf.events[0]->events[0].name, "deploy");
  EXPECT_FALSE(st->wkd_state.has_value());
}

TEST_F(SerfPushPullEngine, EmptyEventRingEncodesAsAnEmptyArray) {
  auto st = decode_push_pull_state(engine->local_state(at(seconds(1)), false, nullptr));
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->serf.events.empty());
}

TEST_F(SerfPushPullEngine, MergeWitnessesClocksMinusOne) {
  PushPullState s{sample_state(), std::nullopt};
  engine->merge_remote_state(at(seconds(1)), *encode_push_pull_state(s), false, nullptr);
  EXPECT_EQ(engine->clock().time(), 50u);        // witnessed 49
  EXPECT_EQ(engine->query_clock().time(), 30u);  // witnessed 29
  // witnessed 19 (-> 20), then the replayed event at 12 changes nothing.
  EXPECT_EQ(engine->event_clock().time(), 20u);
}

TEST_F(SerfPushPullEngine, MergeReplaysIntentsAndEvents) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  engine->notify_join(at(seconds(1)), node("gone", 9));
  PushPullState s{sample_state(), std::nullopt};
  const Bytes raw = *encode_push_pull_state(s);
  engine->merge_remote_state(at(seconds(1)), raw, false, nullptr);

  // b: join intent at 7 -> status time 7, still alive.
  EXPECT_EQ(engine->find("b")->status, MemberStatus::alive);
  EXPECT_EQ(engine->find("b")->status_ltime, 7u);
  // gone: left remotely -> leave intent at 9 + 1 -> leaving here.
  EXPECT_EQ(engine->find("gone")->status, MemberStatus::leaving);
  EXPECT_EQ(engine->find("gone")->status_ltime, 10u);
  // The event at 12 is delivered, once even if merged twice.
  engine->merge_remote_state(at(seconds(2)), raw, false, nullptr);
  ASSERT_EQ(sink.user_events.size(), 1u);
  EXPECT_EQ(sink.user_events[0].name, "deploy");
  EXPECT_EQ(sink.user_events[0].ltime, 12u);
  // Merged state is not re-gossiped (serf ignores the rebroadcast flag here).
  EXPECT_EQ(engine->stats().event_queue, 0u);
}

// A member that is leaving still lists itself as a plain member, stamped
// with its leave's time. When that push/pull lands before the leave intent,
// the intent must still count, or the member ends failed instead of left.
TEST_F(SerfPushPullEngine, APushPullFromALeavingMemberDoesNotHideItsLeave) {
  engine->notify_join(at(seconds(1)), node("b", 2));
  wire::SerfPushPull from_b;
  from_b.ltime = 9;
  from_b.status_ltimes = {{"a", 0}, {"b", 8}, {"c", 5}};
  engine->merge_remote_state(at(seconds(2)), *encode_push_pull_state(PushPullState{from_b, std::nullopt}), false,
                             nullptr);
  ASSERT_EQ(engine->find("b")->status, MemberStatus::alive);
  ASSERT_EQ(engine->find("b")->status_ltime, 8u);
  // c is not known here yet: its artificial join is buffered.
  engine->notify_msg(at(seconds(2)), encode(wire::SerfLeave{8, "b", false}));
  engine->notify_msg(at(seconds(2)), encode(wire::SerfLeave{5, "c", false}));
  EXPECT_EQ(engine->find("b")->status, MemberStatus::leaving);
  engine->notify_leave(at(seconds(3)), node("b", 2));
  EXPECT_EQ(engine->find("b")->status, MemberStatus::left);
  engine->notify_join(at(seconds(3)), node("c", 3));
  EXPECT_EQ(engine->find("c")->status, MemberStatus::leaving);
}

TEST_F(SerfPushPullEngine, JoinWithIgnoreOldSkipsHistoricEvents) {
  engine->join(at(seconds(1)), {addr_of(2)}, {}, /*ignore_old=*/true);
  ASSERT_EQ(host.joins.size(), 1u);
  PushPullState s{sample_state(), std::nullopt};
  engine->merge_remote_state(at(seconds(1)), *encode_push_pull_state(s), true, nullptr);
  EXPECT_TRUE(sink.user_events.empty());
  host.joins[0].done(at(seconds(1)), 1, "");
  // A join intent about us went out once the join succeeded.
  auto out = drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0][0], static_cast<std::uint8_t>(wire::SerfType::join));
}

TEST_F(SerfPushPullEngine, BadStatesAreLoggedAndIgnored) {
  engine->merge_remote_state(at(seconds(1)), {}, false, nullptr);
  EXPECT_TRUE(log.contains("Remote state is zero bytes"));
  const Bytes bad{0x05, 0x80};
  engine->merge_remote_state(at(seconds(1)), bad, false, nullptr);
  EXPECT_TRUE(log.contains("bad type prefix"));
  EXPECT_EQ(engine->clock().time(), 1u);
}

TEST_F(SerfPushPullEngine, WkdStateGoesOnlyToWkdPeers) {
  FakeWkd wkd;
  engine->set_wkd_handler(&wkd);
  const auto serf_peer = node("s", 5, {{"role", "web"}});
  const auto wkd_peer = node("w", 6, {{"wkd", "0.1.0"}});

  auto to_serf = decode_push_pull_state(engine->local_state(at(seconds(1)), false, &serf_peer));
  ASSERT_TRUE(to_serf.ok());
  EXPECT_FALSE(to_serf->wkd_state.has_value());
  auto to_unknown = decode_push_pull_state(engine->local_state(at(seconds(1)), true, nullptr));
  ASSERT_TRUE(to_unknown.ok());
  EXPECT_FALSE(to_unknown->wkd_state.has_value());
  auto to_wkd = decode_push_pull_state(engine->local_state(at(seconds(1)), false, &wkd_peer));
  ASSERT_TRUE(to_wkd.ok());
  ASSERT_TRUE(to_wkd->wkd_state.has_value());
  EXPECT_EQ(to_string(*to_wkd->wkd_state), "my-registry");
}

TEST_F(SerfPushPullEngine, ReceivedWkdStateIsHandedToTheHandler) {
  FakeWkd wkd;
  engine->set_wkd_handler(&wkd);
  PushPullState s{sample_state(), to_bytes("their-registry")};
  engine->merge_remote_state(at(seconds(1)), *encode_push_pull_state(s), false, nullptr);
  ASSERT_EQ(wkd.merged.size(), 1u);
  EXPECT_EQ(to_string(wkd.merged[0]), "their-registry");
}

}  // namespace
}  // namespace wkd::serf
