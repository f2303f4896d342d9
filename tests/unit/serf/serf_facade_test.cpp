// The Serf facade over a real swim::Memberlist with a recording Runtime:
// tags reach memberlist's node meta (and oversized ones never do), the
// local member shows up, identities are validated, and a query answer made
// from inside a memberlist callback goes out once that call has returned.
#include "serf/serf.hpp"

#include <gtest/gtest.h>

#include "serf_fixture.hpp"
#include "wire/packet.hpp"

namespace wkd::serf {
namespace {

using namespace testing;

struct RecordingRuntime final : swim::Runtime {
  std::vector<std::pair<Address, Bytes>> packets;
  void send_packet(const Address& to, ByteView p) override { packets.emplace_back(to, Bytes(p.begin(), p.end())); }
  void stream_dial(swim::ConnId, const Address&) override {}
  void stream_write(swim::ConnId, ByteView) override {}
  void stream_close(swim::ConnId) override {}
};

class SerfFacade : public ::testing::Test {
 protected:
  RecordingRuntime rt;
  Rng rng{9};
  CaptureLog log;
  RecordingSink sink;
  std::unique_ptr<Serf> serf;

  void SetUp() override {
    Config cfg = config_for("a");
    cfg.memberlist.enable_compression = false;
    cfg.tags = {{"role", "web"}};
    serf = std::make_unique<Serf>(cfg, rt, rng, log, sink);
    ASSERT_TRUE(serf->start(at(seconds(0))).ok());
  }
  Bytes local_meta() const { return serf->memberlist().local_node().meta.value_or(Bytes{}); }
};

TEST_F(SerfFacade, StartAdvertisesTheTagsAndKnowsItself) {
  EXPECT_EQ(local_meta(), *wire::encode_tags({{"role", "web"}}));
  auto me = serf->local_member();
  ASSERT_TRUE(me.has_value());
  EXPECT_EQ(me->status, MemberStatus::alive);
  EXPECT_EQ(me->addr, addr_of(1));
  EXPECT_EQ(me->vsn, wire::kWkdVsn);
  EXPECT_EQ(serf->members().size(), 1u);
  EXPECT_EQ(serf->state(), SerfState::alive);
}

TEST_F(SerfFacade, TagChangeReachesMemberlistMeta) {
  ASSERT_TRUE(serf->set_tags(at(seconds(1)), {{"role", "db"}}).ok());
  EXPECT_EQ(local_meta(), *wire::encode_tags({{"role", "db"}}));
  EXPECT_GT(serf->memberlist().local_node().incarnation, 1u);  // re-announced
}

TEST_F(SerfFacade, OversizedTagsNeverReachMemberlist) {
  const Bytes before = local_meta();
  const auto inc = serf->memberlist().local_node().incarnation;
  auto st = serf->set_tags(at(seconds(1)), {{"k", std::string(600, 'v')}});
  EXPECT_EQ(st.code(), Err::too_large);
  EXPECT_EQ(local_meta(), before);
  EXPECT_EQ(serf->memberlist().local_node().incarnation, inc);
  EXPECT_EQ(serf->tags(), (wire::Tags{{"role", "web"}}));
}

TEST_F(SerfFacade, SetIdentityValidatesFirst) {
  Identity bad;
  bad.wkd_version = "0.1.0";
  bad.groups = {"Bad Group"};
  EXPECT_EQ(serf->set_identity(at(seconds(1)), bad).code(), Err::invalid_argument);
  EXPECT_EQ(serf->tags(), (wire::Tags{{"role", "web"}}));
  Identity good;
  good.wkd_version = "0.1.0";
  ASSERT_TRUE(serf->set_identity(at(seconds(1)), good).ok());
  auto tags = wire::decode_tags(local_meta());
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(identity_from_tags(*tags), good);
}

TEST_F(SerfFacade, QueryAckFromInsideAMemberlistCallbackIsSent) {
  // A query with the ack flag arrives as a UDP user message: the ack is
  // requested from inside memberlist's packet handling and must go out
  // (deferred) before on_packet returns.
  wire::SerfQuery q;
  q.ltime = 3;
  q.id = 77;
  q.addr = Bytes{127, 0, 0, 5};
  q.port = 7005;
  q.source_node = "e";
  q.flags = wire::kQueryFlagAck;
  q.timeout_ns = Duration(seconds(5)).count();
  q.name = "_serf_ping";
  const Bytes user = wire::to_user_message(encode(q));
  const std::vector<ByteView> parts{ByteView(user)};
  auto datagram = wire::encode_packet(parts, wire::PacketEncodeOptions{}, rng);
  ASSERT_TRUE(datagram.ok()) << datagram.message();
  rt.packets.clear();
  serf->on_packet(at(seconds(1)), Address::v4(127, 0, 0, 5, 7005), *datagram);
  bool acked = false;
  for (const auto& [to, bytes] : rt.packets) acked = acked || to == Address::v4(127, 0, 0, 5, 7005);
  EXPECT_TRUE(acked);
}

TEST_F(SerfFacade, NextDeadlineIncludesSerfTimers) {
  // memberlist probes/gossip are sooner; the serf reap tick is at 15 s.
  EXPECT_LE(serf->next_deadline(), at(seconds(15)));
  for (TimePoint t = serf->next_deadline(); t <= at(seconds(16)); t = serf->next_deadline()) serf->on_timer(t);
  EXPECT_GT(serf->next_deadline(), at(seconds(16)));
}

}  // namespace
}  // namespace wkd::serf
