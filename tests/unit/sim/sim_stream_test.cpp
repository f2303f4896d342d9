// Streams of the simulated network: connection set-up and failure, ordered
// delivery, and decoding through the production stream framing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/rng.hpp"
#include "support/sim_network.hpp"
#include "support/sim_seed.hpp"
#include "unit/sim/fake_node.hpp"
#include "wire/keyring.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/stream.hpp"

namespace wkd::sim {
namespace {

using fake::at_ms;
using fake::FakeNet;

constexpr swim::ConnId kConn = 5;

Bytes user_msg(std::string_view text) { return wire::encode_stream_user_message(as_bytes(text)); }

Bytes ping_msg(std::uint32_t seq) {
  wire::Ping p;
  p.seq_no = seq;
  return wire::encode_message(p).value();
}

// Frames messages the way an engine does before stream_write.
struct Framer {
  explicit Framer(wire::StreamRole role, wire::StreamEncodeOptions o = {}) : enc(role, std::move(o)) {}
  Bytes operator()(ByteView message) { return enc.encode(message, rng).value(); }
  wire::StreamEncoder enc;
  Rng rng{3};
};

void dial(FakeNet& f, std::size_t from, std::size_t to, swim::ConnId id = kConn) {
  f.net.call(static_cast<NodeId>(from), [&](SimNode&, TimePoint) { f[from].rt.stream_dial(id, FakeNet::addr(to)); });
}
void write(FakeNet& f, std::size_t from, swim::ConnId id, ByteView bytes) {
  f.net.call(static_cast<NodeId>(from), [&](SimNode&, TimePoint) { f[from].rt.stream_write(id, bytes); });
}
void close(FakeNet& f, std::size_t from, swim::ConnId id) {
  f.net.call(static_cast<NodeId>(from), [&](SimNode&, TimePoint) { f[from].rt.stream_close(id); });
}

TEST(SimStream, DeliversWholeMessagesInOrder) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  write(f, 0, kConn, out(user_msg("hello")));
  write(f, 0, kConn, out(ping_msg(2)));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].stream_msgs.size(), 3u);
  const auto& m = f[1].stream_msgs;
  EXPECT_EQ(m[0].bytes, ping_msg(1));
  EXPECT_EQ(m[1].bytes, user_msg("hello"));
  EXPECT_EQ(m[2].bytes, ping_msg(2));
  EXPECT_EQ(m[0].at, at_ms(1));
  EXPECT_NE(m[0].id & swim::kInboundConnBit, 0u);  // chosen by the runtime
  EXPECT_EQ(m[0].id, m[2].id);
  EXPECT_EQ(m[0].from, FakeNet::addr(0));
  EXPECT_TRUE(f[1].closed.empty());
  EXPECT_EQ(f.net.counters(0).streams_dialed, 1u);
  EXPECT_EQ(f.net.counters(1).streams_accepted, 1u);
  EXPECT_EQ(f.net.counters(1).stream_messages_in, 3u);
}

TEST(SimStream, ByteAtATimeWritesAreReassembled) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  const Bytes framed = out(user_msg(std::string(300, 'z')));
  dial(f, 0, 1);
  for (std::uint8_t b : framed) write(f, 0, kConn, Bytes{b});
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].stream_msgs.size(), 1u);
  EXPECT_EQ(f[1].stream_msgs[0].bytes, user_msg(std::string(300, 'z')));
}

TEST(SimStream, JitterAndLossNeverReorderOrLoseStreamBytes) {
  NetOptions o;
  o.link.jitter = milliseconds(20);
  o.link.loss = 0.3;
  FakeNet f(2, sim_seed(), o);
  Framer out(wire::StreamRole::dialer);
  dial(f, 0, 1);
  for (std::uint32_t i = 0; i < 100; ++i) write(f, 0, kConn, out(ping_msg(i)));
  f.clock.run_for(seconds(60));
  ASSERT_EQ(f[1].stream_msgs.size(), 100u);
  for (std::uint32_t i = 0; i < 100; ++i) EXPECT_EQ(f[1].stream_msgs[i].bytes, ping_msg(i));
  // Losses turned into retransmission delay.
  EXPECT_GT(f[1].stream_msgs.back().at, at_ms(200));
}

TEST(SimStream, ReplyThenCloseGivesTheDialerItsMessageAndNoError) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  Framer back(wire::StreamRole::acceptor);
  // The acceptor answers every message and closes, as memberlist does.
  f[1].on_stream_hook = [&](TimePoint, swim::ConnId id, ByteView) {
    f[1].rt.stream_write(id, back(ping_msg(99)));
    f[1].rt.stream_close(id);
  };
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[0].stream_msgs.size(), 1u);
  EXPECT_EQ(f[0].stream_msgs[0].id, kConn);
  EXPECT_EQ(f[0].stream_msgs[0].bytes, ping_msg(99));
  EXPECT_EQ(f[0].stream_msgs[0].at, at_ms(2));
  // The acceptor closed: the dialer, which has not, sees EOF after the reply.
  ASSERT_EQ(f[0].closed.size(), 1u);
  EXPECT_EQ(f[0].closed[0].reason, "EOF");
  close(f, 0, kConn);
  f.clock.run_for(seconds(1));
  EXPECT_TRUE(f[1].closed.empty());  // it closed first: no callback
  EXPECT_EQ(f.net.open_streams(), 0u);
}

TEST(SimStream, NoCallbacksAfterTheOwnerCloses) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  Framer back(wire::StreamRole::acceptor);
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  close(f, 0, kConn);  // one-way message
  f[1].on_stream_hook = [&](TimePoint, swim::ConnId id, ByteView) { f[1].rt.stream_write(id, back(ping_msg(2))); };
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f[1].stream_msgs.size(), 1u);
  ASSERT_EQ(f[1].closed.size(), 1u);  // EOF after the message
  EXPECT_EQ(f[1].closed[0].reason, "EOF");
  EXPECT_TRUE(f[0].stream_msgs.empty());
  EXPECT_TRUE(f[0].closed.empty());
  close(f, 1, f[1].closed[0].id);
  f.clock.run_for(seconds(1));
  EXPECT_EQ(f.net.open_streams(), 0u);
}

TEST(SimStream, EofInsideAMessageIsReportedAsTruncated) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  Bytes framed = out(user_msg("cut short"));
  framed.resize(framed.size() - 3);
  dial(f, 0, 1);
  write(f, 0, kConn, framed);
  close(f, 0, kConn);
  f.clock.run_for(seconds(1));
  EXPECT_TRUE(f[1].stream_msgs.empty());
  ASSERT_EQ(f[1].closed.size(), 1u);
  EXPECT_NE(f[1].closed[0].reason.find("unexpected EOF"), std::string::npos) << f[1].closed[0].reason;
}

TEST(SimStream, EncryptedLabelledStreamsDecodeWithTheReceiversOptions) {
  const Bytes key(32, 0x17);
  auto ring = wire::Keyring::make(std::vector<Bytes>{key}).value();
  FakeNet f(2, sim_seed());
  wire::StreamEncodeOptions eo;
  eo.compress = true;
  eo.keyring = &ring;
  eo.label = "blue";
  Framer out(wire::StreamRole::dialer, eo);
  f[1].decode_opts.keyring = &ring;
  f[1].decode_opts.label = "blue";
  dial(f, 0, 1);
  write(f, 0, kConn, out(user_msg(std::string(2000, 'q'))));
  write(f, 0, kConn, out(ping_msg(4)));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].stream_msgs.size(), 2u);
  EXPECT_EQ(f[1].stream_msgs[0].bytes, user_msg(std::string(2000, 'q')));
  EXPECT_EQ(f[1].stream_msgs[1].bytes, ping_msg(4));
}

TEST(SimStream, FramingErrorsCloseTheStream) {
  FakeNet f(2, sim_seed());
  wire::StreamEncodeOptions eo;
  eo.label = "red";
  Framer out(wire::StreamRole::dialer, eo);
  f[1].decode_opts.label = "blue";
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  f.clock.run_for(seconds(1));
  EXPECT_TRUE(f[1].stream_msgs.empty());
  ASSERT_EQ(f[1].closed.size(), 1u);
  EXPECT_EQ(f[1].closed[0].reason.rfind("stream: ", 0), 0u) << f[1].closed[0].reason;
}

TEST(SimStream, DialFailsAfterTheTimeoutWhenPartitioned) {
  NetOptions o;
  o.dial_timeout = seconds(3);
  FakeNet f(2, sim_seed(), o);
  f.net.partition({{0}, {1}});
  Framer out(wire::StreamRole::dialer);
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  f.clock.run_for(seconds(10));
  ASSERT_EQ(f[0].closed.size(), 1u);
  EXPECT_EQ(f[0].closed[0].id, kConn);
  EXPECT_EQ(f[0].closed[0].at, at_ms(3000));
  EXPECT_NE(f[0].closed[0].reason.find("timeout"), std::string::npos);
  EXPECT_TRUE(f[1].stream_msgs.empty());
  EXPECT_TRUE(f[1].closed.empty());
  EXPECT_EQ(f.net.counters(0).dials_failed, 1u);
  // The other direction is cut as well.
  dial(f, 1, 0, 8);
  f.clock.run_for(seconds(10));
  ASSERT_EQ(f[1].closed.size(), 1u);
  EXPECT_EQ(f[1].closed[0].id, 8u);
  close(f, 0, kConn);
  close(f, 1, 8);
  EXPECT_EQ(f.net.open_streams(), 0u);
}

TEST(SimStream, DialToAnUnknownAddressTimesOut) {
  FakeNet f(1, sim_seed());
  f.net.call(0, [&](SimNode&, TimePoint) { f[0].rt.stream_dial(kConn, Address::v4(127, 8, 8, 8, 7946)); });
  f.clock.run_for(seconds(20));
  ASSERT_EQ(f[0].closed.size(), 1u);
  EXPECT_EQ(f[0].closed[0].at, at_ms(10000));
}

TEST(SimStream, DialToAKilledNodeIsRefusedAfterARoundTrip) {
  FakeNet f(2, sim_seed());
  f.net.kill(1);
  dial(f, 0, 1);
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[0].closed.size(), 1u);
  EXPECT_EQ(f[0].closed[0].at, at_ms(2));
  EXPECT_NE(f[0].closed[0].reason.find("refused"), std::string::npos);
}

TEST(SimStream, KillingANodeResetsItsConnections) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[1].stream_msgs.size(), 1u);
  f.net.kill(1);
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[0].closed.size(), 1u);
  EXPECT_NE(f[0].closed[0].reason.find("reset"), std::string::npos);
  close(f, 0, kConn);
  EXPECT_EQ(f.net.open_streams(), 0u);
}

TEST(SimStream, AWriteAcrossANewPartitionBreaksTheConnection) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  f.clock.run_for(seconds(1));
  f.net.partition({{0}, {1}});
  write(f, 0, kConn, out(ping_msg(2)));
  f.clock.run_for(seconds(20));
  EXPECT_EQ(f[1].stream_msgs.size(), 1u);
  ASSERT_EQ(f[0].closed.size(), 1u);
  ASSERT_EQ(f[1].closed.size(), 1u);
  EXPECT_EQ(f[0].closed[0].at, at_ms(11000));
}

TEST(SimStream, APausedAcceptorGetsItsDataOnResume) {
  FakeNet f(2, sim_seed());
  Framer out(wire::StreamRole::dialer);
  f.net.pause(1);
  dial(f, 0, 1);
  write(f, 0, kConn, out(ping_msg(1)));
  write(f, 0, kConn, out(ping_msg(2)));
  f.clock.run_for(seconds(5));
  EXPECT_TRUE(f[1].stream_msgs.empty());
  f.net.resume(1);
  f.clock.run_for(Duration::zero());
  ASSERT_EQ(f[1].stream_msgs.size(), 2u);
  EXPECT_EQ(f[1].stream_msgs[0].at, at_ms(5000));
  EXPECT_EQ(f[1].stream_msgs[1].bytes, ping_msg(2));
}

TEST(SimStream, ADialerMayConnectToItself) {
  FakeNet f(1, sim_seed());
  Framer out(wire::StreamRole::dialer);
  dial(f, 0, 0);
  write(f, 0, kConn, out(ping_msg(1)));
  f.clock.run_for(seconds(1));
  ASSERT_EQ(f[0].stream_msgs.size(), 1u);
  EXPECT_NE(f[0].stream_msgs[0].id, kConn);
}

}  // namespace
}  // namespace wkd::sim
