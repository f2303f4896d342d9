#include "swim/broadcast_queue.hpp"

#include <gtest/gtest.h>

#include <string>

#include "swim/node_state.hpp"

namespace wkd::swim {
namespace {

Bytes msg(std::size_t n, std::uint8_t fill) { return Bytes(n, fill); }

std::vector<Bytes> bytes_of(const std::vector<SharedBytes>& v) {
  std::vector<Bytes> out;
  for (const SharedBytes& b : v) out.push_back(*b);
  return out;
}

TEST(RetransmitLimit, GrowsWithLogN) {
  EXPECT_EQ(retransmit_limit(4, 1), 4);    // ceil(log10 2) = 1
  EXPECT_EQ(retransmit_limit(4, 9), 4);    // ceil(log10 10) = 1
  EXPECT_EQ(retransmit_limit(4, 10), 8);   // ceil(log10 11) = 2
  EXPECT_EQ(retransmit_limit(4, 99), 8);
  EXPECT_EQ(retransmit_limit(4, 100), 12);
  EXPECT_EQ(retransmit_limit(2, 1000), 8);
}

TEST(BroadcastQueue, SendsEachMessageUpToTheLimitThenFinishes) {
  int finished = 0;
  BroadcastQueue q(2);
  q.push("a", msg(10, 1), [&](bool f) { finished += f ? 1 : 100; });
  for (int i = 0; i < 2; ++i) {  // limit 2 * ceil(log10(3 + 1)) = 2
    std::vector<SharedBytes> out;
    q.take(2, 1400, 3, out);
    ASSERT_EQ(out.size(), 1u);
  }
  EXPECT_EQ(finished, 1);
  EXPECT_TRUE(q.empty());
  std::vector<SharedBytes> out;
  q.take(2, 1400, 3, out);
  EXPECT_TRUE(out.empty());
}

TEST(BroadcastQueue, UncountedTakesLeaveTheAllowanceWhole) {
  int finished = 0;
  BroadcastQueue q(2);
  q.push("a", msg(10, 1), [&](bool f) { finished += f ? 1 : 100; });
  q.push("b", msg(20, 2));
  // Any number of datagrams to dead members: every one carries both
  // messages, none uses a transmission up.
  for (int i = 0; i < 5; ++i) {
    std::vector<SharedBytes> out;
    q.take(2, 1400, 3, out, BroadcastQueue::Tally::uncounted);
    ASSERT_EQ(bytes_of(out), (std::vector<Bytes>{msg(20, 2), msg(10, 1)}));
  }
  EXPECT_EQ(finished, 0);
  EXPECT_EQ(q.size(), 2u);
  // The limit (2) is still there in full for live members.
  for (int i = 0; i < 2; ++i) {
    std::vector<SharedBytes> out;
    q.take(2, 1400, 3, out);
    ASSERT_EQ(out.size(), 2u);
  }
  EXPECT_EQ(finished, 1);
  EXPECT_TRUE(q.empty());
}

TEST(BroadcastQueue, DatagramsToDeadOrDepartedMembersAreUncounted) {
  EXPECT_EQ(tally_for(nullptr), BroadcastQueue::Tally::counted);
  NodeInfo n;
  for (NodeState st : {NodeState::alive, NodeState::suspect}) {
    n.state = st;
    EXPECT_EQ(tally_for(&n), BroadcastQueue::Tally::counted);
  }
  for (NodeState st : {NodeState::dead, NodeState::left}) {
    n.state = st;
    EXPECT_EQ(tally_for(&n), BroadcastQueue::Tally::uncounted);
  }
}

TEST(BroadcastQueue, SameKeyInvalidatesOlderMessage) {
  bool old_finished = true;
  BroadcastQueue q(4);
  q.push("node-x", msg(5, 1), [&](bool f) { old_finished = f; });
  q.push("node-x", msg(5, 2));
  q.push("", msg(5, 3));
  q.push("", msg(5, 4));  // empty keys never invalidate
  EXPECT_FALSE(old_finished);
  EXPECT_EQ(q.size(), 3u);
}

TEST(BroadcastQueue, FewestTransmitsFirstThenLargestThatFits) {
  BroadcastQueue q(10);
  q.push("a", msg(100, 'a'));
  q.push("b", msg(300, 'b'));
  q.push("c", msg(200, 'c'));
  std::vector<SharedBytes> out;
  // Room for 300 + 2 and 100 + 2 but not 200 as well.
  q.take(2, 410, 5, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ((*out[0])[0], 'b');
  EXPECT_EQ((*out[1])[0], 'a');
  // Next round: c has 0 transmits, a and b have 1: c comes first.
  out.clear();
  q.take(2, 1400, 5, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ((*out[0])[0], 'c');
  EXPECT_EQ((*out[1])[0], 'b');
  EXPECT_EQ((*out[2])[0], 'a');
}

TEST(BroadcastQueue, NewestFirstAmongEqualSizes) {
  BroadcastQueue q(10);
  q.push("", msg(10, 1));
  q.push("", msg(10, 2));
  std::vector<SharedBytes> out;
  q.take(2, 13, 5, out);  // room for one
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ((*out[0])[0], 2);
}

TEST(BroadcastQueue, FilterSkipsMessagesWithoutSpendingThem) {
  BroadcastQueue q(10);
  q.push("", msg(10, 1));
  q.push("", msg(10, 2));
  std::vector<SharedBytes> out;
  q.take_if(2, 1400, 5, out, [](const Bytes& b) { return b[0] == 1; });
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ((*out[0])[0], 1);
  out.clear();
  q.take(2, 13, 5, out);  // message 2 still has 0 transmits: it goes first
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ((*out[0])[0], 2);
}

TEST(BroadcastQueue, FillsADatagramPastMessagesThatDoNotFit) {
  BroadcastQueue q(10);
  for (std::size_t size : {300u, 200u, 120u, 40u, 30u, 30u, 8u}) q.push("", msg(size, static_cast<std::uint8_t>(size)));
  std::vector<SharedBytes> out;
  // 2 bytes of overhead each, 100 bytes in all: 40 (42), 30 (74), 8 (84);
  // the second 30 no longer fits, nor does anything bigger.
  q.take(2, 100, 10, out);
  EXPECT_EQ(bytes_of(out), (std::vector<Bytes>{msg(40, 40), msg(30, 30), msg(8, 8)}));
  // Sent once, they now come after the rest.
  out.clear();
  q.take(2, 1000, 10, out);
  EXPECT_EQ(bytes_of(out), (std::vector<Bytes>{msg(300, 44), msg(200, 200), msg(120, 120), msg(30, 30), msg(40, 40),
                                     msg(30, 30), msg(8, 8)}));
}

TEST(BroadcastQueue, PruneDropsOldestAmongEquals) {
  std::vector<int> dropped;  // outlives q, whose destructor reports the rest
  BroadcastQueue q(10);
  for (int i = 0; i < 5; ++i) q.push("", msg(4, static_cast<std::uint8_t>(i)), [&, i](bool) { dropped.push_back(i); });
  q.prune(2);
  EXPECT_EQ(dropped, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(q.size(), 2u);
}

TEST(BroadcastQueue, PruneDropsTheMostTransmittedFirst) {
  std::vector<int> dropped;
  BroadcastQueue q(10);
  q.push("", msg(4, 0), [&](bool) { dropped.push_back(0); });
  q.push("", msg(4, 1), [&](bool) { dropped.push_back(1); });
  std::vector<SharedBytes> out;
  q.take(2, 7, 10, out);  // room for one: the newest, 1, goes out once
  ASSERT_EQ(bytes_of(out), (std::vector<Bytes>{msg(4, 1)}));
  q.push("", msg(4, 2), [&](bool) { dropped.push_back(2); });
  q.prune(2);
  // 1 was transmitted already; 0 is older but was never sent.
  EXPECT_EQ(dropped, (std::vector<int>{1}));
  out.clear();
  q.take(2, 1000, 10, out);
  EXPECT_EQ(bytes_of(out), (std::vector<Bytes>{msg(4, 2), msg(4, 0)}));
}

TEST(BroadcastQueue, AReportThatPushesRunsAfterTheTakeIsSettled) {
  // Limit 1: both messages finish in this take. a's report queues news about
  // b; it must not run while b is still listed as taken (b would be freed
  // under the take's feet), and the news must survive the take.
  BroadcastQueue q(1);
  std::vector<std::string> reports;
  q.push("b", msg(10, 'b'), [&](bool f) { reports.push_back(f ? "b finished" : "b dropped"); });
  q.push("a", msg(20, 'a'), [&](bool f) {
    reports.push_back(f ? "a finished" : "a dropped");
    q.push("b", msg(5, 'n'));
  });
  std::vector<SharedBytes> out;
  q.take(2, 1400, 1, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(reports, (std::vector<std::string>{"a finished", "b finished"}));
  ASSERT_EQ(q.size(), 1u);
  out.clear();
  q.take(2, 1400, 1, out);
  EXPECT_EQ(bytes_of(out), (std::vector<Bytes>{msg(5, 'n')}));
}

}  // namespace
}  // namespace wkd::swim
