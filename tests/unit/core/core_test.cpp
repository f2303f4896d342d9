// The pure core behind one machine, on the simulator: one settle per
// outermost entry with the earliest deadline of every part, parts woken at
// their deadlines and told of member changes, and the core's events
// reported in the order they happened.
#include "core/core.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/core_node.hpp"
#include "support/sim_cluster.hpp"

namespace wkd::sim {
namespace {

ClusterOptions core_options() {
  ClusterOptions o;
  o.engine = Engine::core;
  return o;
}

CoreNode& node(SimCluster& c, std::size_t i) { return static_cast<CoreNode&>(c.member(i)); }

// A part that wants to be woken once, at `due`, and records what it hears.
class OneShotPart final : public core::Part {
 public:
  explicit OneShotPart(TimePoint due) : due_(due) {}
  const char* part_name() const noexcept override { return "one-shot"; }
  TimePoint next_deadline() const override { return due_; }
  void on_timer(TimePoint now) override {
    if (now < due_) ++early;
    if (now >= due_) {
      fired_at.push_back(now);
      due_ = TimePoint::max();
    }
  }
  void on_member_event(TimePoint, const serf::MemberEvent& e) override {
    heard.push_back(std::string(serf::member_event_name(e.type)) + ":" + e.member.name);
  }

  std::vector<TimePoint> fired_at;
  std::vector<std::string> heard;
  int early = 0;

 private:
  TimePoint due_;
};

std::ptrdiff_t index_of(const std::vector<std::string>& v, const std::string& x) {
  auto it = std::find(v.begin(), v.end(), x);
  return it == v.end() ? -1 : it - v.begin();
}

TEST(Core, FormsAClusterAsSerfDoes) {
  SimCluster c(5, 1, core_options());
  c.start_all();
  c.join_all_to(0);
  ASSERT_TRUE(c.wait_converged(seconds(60))) << c.describe();
  for (std::size_t i = 1; i < c.size(); ++i) {
    EXPECT_GE(index_of(node(c, 0).events, "member-join:" + SimCluster::name_of(i)), 0) << i;
  }
}

TEST(Core, EverySettleReportsTheNextDeadlineOncePerEntry) {
  SimCluster c(2, 2, core_options());
  c.start_all();
  c.join_all_to(0);
  ASSERT_TRUE(c.wait_converged(seconds(60)));
  CoreNode& n = node(c, 1);
  const std::uint64_t before = n.settles;
  ASSERT_TRUE(c.net().call(1, [&](SimNode&, TimePoint now) {
    // An operation that queues gossip and reports its own event: one entry.
    ASSERT_TRUE(n.core().user_event(now, "deploy", ByteView(), false).ok());
  }));
  EXPECT_EQ(n.settles, before + 1);
  EXPECT_EQ(n.last_settled_deadline, n.core().next_deadline());
  // Whatever the network delivers next is one entry per delivery too, and
  // the deadline reported is always the core's own.
  c.run_for(seconds(2));
  EXPECT_GT(n.settles, before + 1);
  EXPECT_EQ(n.last_settled_deadline, n.core().next_deadline());
}

TEST(Core, APartIsWokenAtItsDeadlineAndHearsMemberChanges) {
  SimCluster c(3, 3, core_options());
  OneShotPart part(TimePoint{} + milliseconds(2500));
  node(c, 0).add_part(part);
  c.start_all();
  // The part's deadline is the core's earliest until it has fired.
  EXPECT_LE(node(c, 0).core().next_deadline(), TimePoint{} + milliseconds(2500));
  c.join_all_to(0);
  ASSERT_TRUE(c.wait_converged(seconds(60)));
  c.run_for(seconds(3));
  ASSERT_EQ(part.fired_at.size(), 1u);
  EXPECT_GE(part.fired_at[0], TimePoint{} + milliseconds(2500));
  EXPECT_EQ(part.early, 0);
  EXPECT_GE(index_of(part.heard, "member-join:" + SimCluster::name_of(1)), 0);
  EXPECT_GE(index_of(part.heard, "member-join:" + SimCluster::name_of(2)), 0);

  c.kill(2);
  ASSERT_TRUE(c.wait_until([&] { return index_of(part.heard, "member-failed:" + SimCluster::name_of(2)) >= 0; },
                           seconds(60)));
  // The part and the owner heard the same changes in the same order.
  std::vector<std::string> member_events;
  for (const auto& e : node(c, 0).events) {
    if (e.rfind("member-", 0) == 0) member_events.push_back(e);
  }
  EXPECT_EQ(member_events, part.heard);
}

TEST(Core, EventsReachTheOwnerInTheOrderTheyHappened) {
  SimCluster c(3, 4, core_options());
  c.start_all();
  c.join(1, 0);
  ASSERT_TRUE(c.wait_until([&] { return node(c, 0).num_alive() == 1 && node(c, 1).num_alive() == 1; }, seconds(60)));
  // Node 2 joins and fires an event right away: whoever hears the event
  // heard of node 2 first.
  c.join(2, 0);
  ASSERT_TRUE(c.wait_until([&] { return c.join_result(2).has_value(); }, seconds(30)));
  ASSERT_TRUE(c.net().call(2, [&](SimNode&, TimePoint now) {
    ASSERT_TRUE(node(c, 2).core().user_event(now, "ready", ByteView(), false).ok());
  }));
  ASSERT_TRUE(c.wait_until(
      [&] {
        return index_of(node(c, 0).events, "user:ready") >= 0 && index_of(node(c, 1).events, "user:ready") >= 0;
      },
      seconds(30)));
  for (std::size_t i : {0u, 1u}) {
    const auto& ev = node(c, i).events;
    const auto join = index_of(ev, "member-join:" + SimCluster::name_of(2));
    ASSERT_GE(join, 0) << i;
    EXPECT_LT(join, index_of(ev, "user:ready")) << i;
  }
}

}  // namespace
}  // namespace wkd::sim
