// Memberlist::request, the TCP request/response exchange, between two
// memberlist engines on the simulator: the peer's Delegate answers on the
// same stream and the reply reaches the caller; a peer that does not
// answer (as a Go memberlist would) takes the message as one-way and
// closes, which ends the request with an error; a peer that never writes
// back ends it with "i/o timeout". The callback runs exactly once.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "support/memberlist_node.hpp"
#include "support/sim_cluster.hpp"
#include "swim/memberlist.hpp"

namespace wkd::sim {
namespace {

using Reply = swim::Memberlist::Reply;

Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

struct Done {
  int calls = 0;
  Reply reply;
  TimePoint at{};
};

class MemberlistRequest : public ::testing::Test {
 protected:
  MemberlistRequest() : c(2, 11) { c.start_converged(); }

  MemberlistNode& node(std::size_t i) { return static_cast<MemberlistNode&>(c.member(i)); }

  // n0 asks n1; the callback records into `done`.
  void ask(const Bytes& msg, Duration timeout, Done& done) {
    ASSERT_TRUE(c.net().call(0, [&](SimNode&, TimePoint now) {
      node(0).memberlist().request(now, c.address(1), msg, timeout, [&done](TimePoint t, Reply r) {
        ++done.calls;
        done.reply = std::move(r);
        done.at = t;
      });
    }));
    EXPECT_EQ(done.calls, 0) << "called from inside request";
  }

  SimCluster c;
};

TEST_F(MemberlistRequest, TheAnswerComesBackOnTheSameStream) {
  std::vector<Bytes> asked;
  node(1).answer = [&](ByteView msg) -> std::optional<Bytes> {
    asked.emplace_back(msg.begin(), msg.end());
    Bytes out = bytes("pong:");
    out.insert(out.end(), msg.begin(), msg.end());
    return out;
  };
  int one_way = 0;
  node(1).on_user_message = [&](ByteView) { ++one_way; };
  Done done;
  ask(bytes("ping"), seconds(5), done);
  ASSERT_TRUE(c.wait_until([&] { return done.calls > 0; }, seconds(25)));
  EXPECT_TRUE(done.reply.ok) << done.reply.error;
  EXPECT_EQ(done.reply.body, bytes("pong:ping"));
  EXPECT_EQ(asked, std::vector<Bytes>{bytes("ping")});
  EXPECT_EQ(one_way, 0) << "an answered message is not also a one-way one";
  c.run_for(seconds(10));  // past the timeout: no second call
  EXPECT_EQ(done.calls, 1);
}

TEST_F(MemberlistRequest, AnEmptyAnswerIsAReply) {
  node(1).answer = [](ByteView) -> std::optional<Bytes> { return Bytes{}; };
  Done done;
  ask(bytes("x"), seconds(5), done);
  ASSERT_TRUE(c.wait_until([&] { return done.calls > 0; }, seconds(25)));
  EXPECT_TRUE(done.reply.ok) << done.reply.error;
  EXPECT_TRUE(done.reply.body.empty());
}

TEST_F(MemberlistRequest, APeerThatDoesNotAnswerTakesItAsOneWayAndTheRequestFails) {
  std::vector<Bytes> one_way;
  node(1).on_user_message = [&](ByteView msg) { one_way.emplace_back(msg.begin(), msg.end()); };
  Done done;
  ask(bytes("hello"), seconds(5), done);
  ASSERT_TRUE(c.wait_until([&] { return done.calls > 0; }, seconds(25)));
  EXPECT_FALSE(done.reply.ok);
  EXPECT_FALSE(done.reply.error.empty());
  EXPECT_NE(done.reply.error, "i/o timeout") << "the close, not the timeout, ends it";
  EXPECT_TRUE(done.reply.body.empty());
  EXPECT_EQ(one_way, std::vector<Bytes>{bytes("hello")});
  c.run_for(seconds(10));
  EXPECT_EQ(done.calls, 1);
}

TEST_F(MemberlistRequest, APeerThatNeverWritesBackTimesOut) {
  node(1).answer = [](ByteView) -> std::optional<Bytes> { return bytes("late"); };
  c.pause(1);  // accepts nothing, answers nothing
  Done done;
  const TimePoint start = c.now();
  ask(bytes("anyone?"), seconds(2), done);
  ASSERT_TRUE(c.wait_until([&] { return done.calls > 0; }, seconds(10)));
  EXPECT_FALSE(done.reply.ok);
  EXPECT_EQ(done.reply.error, "i/o timeout");
  EXPECT_GE(done.at - start, seconds(2)) << "not before the timeout";
  c.resume(1);
  c.run_for(seconds(10));
  EXPECT_EQ(done.calls, 1);
}

TEST_F(MemberlistRequest, ConcurrentRequestsGetTheirOwnReplies) {
  node(1).answer = [](ByteView msg) -> std::optional<Bytes> { return Bytes(msg.rbegin(), msg.rend()); };
  Done a, b;
  ask(bytes("abc"), seconds(5), a);
  ask(bytes("xyz"), seconds(5), b);
  ASSERT_TRUE(c.wait_until([&] { return a.calls > 0 && b.calls > 0; }, seconds(25)));
  EXPECT_EQ(a.reply.body, bytes("cba"));
  EXPECT_EQ(b.reply.body, bytes("zyx"));
  c.run_for(seconds(10));
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(b.calls, 1);
}

}  // namespace
}  // namespace wkd::sim
