// Selection through runtime::Node: real nodes on loopback (127.0.6.21-23),
// each on its own loop thread. The round-trip estimates `nearest` uses
// come from the Vivaldi coordinates (none when coordinates are off); the
// node's locality reaches its selector; the selector chooses among the
// instances of the node's current View.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "real_node.hpp"
#include "runtime/node.hpp"
#include "runtime/selector.hpp"

namespace wkd::runtime {
namespace {

using testing::eventually;
using testing::make_node;

class NodeSelect : public testing::TwoNodes {
 protected:
  NodeSelect() : TwoNodes("sel-ra", "127.0.6.21", "sel-rb", "127.0.6.22") {}
};

registry::Instance healthy_instance(const std::string& id) {
  registry::Instance in;
  in.service = "orders";
  in.id = id;
  in.host = "192.0.2.1";
  in.port = 80;
  return in;
}

TEST_F(NodeSelect, RoundTripEstimatesComeFromTheCoordinates) {
  // Probes carry coordinates: b learns a's, and has its own.
  ASSERT_TRUE(eventually([&] { return b_->rtt_estimates({"sel-ra", "sel-rb"}).size() == 2; }));
  const auto rtt = b_->rtt_estimates({"sel-ra", "sel-rb", "nobody"});
  EXPECT_EQ(rtt.size(), 2u);  // nothing for a node it does not know
  for (const auto& [node, seconds] : rtt) EXPECT_GE(seconds, 0.0) << node;
  EXPECT_TRUE(b_->rtt_estimates({}).empty());
}

TEST_F(NodeSelect, NearestChoosesAmongTheViewsInstances) {
  for (const char* id : {"o-1", "o-2"}) {
    ASSERT_TRUE(a_->register_instance(healthy_instance(id), std::chrono::minutes(10)).ok());
    ASSERT_TRUE(a_->update_ttl({"orders", id}, registry::CheckState::passing, "").ok());
  }
  ASSERT_TRUE(eventually([&] {
    auto v = b_->view();
    const InstanceRecord* r = v->services->find({"orders", "o-2"});
    return r != nullptr && (*r)->status == registry::InstanceStatus::healthy;
  }));
  const auto view = b_->view();
  registry::SelectRequest req;
  req.strategy = registry::Strategy::nearest;
  const auto rtt = b_->rtt_estimates({"sel-ra"});
  req.rtt = [rtt](const std::string& n) -> std::optional<double> {
    const auto it = rtt.find(n);
    return it == rtt.end() ? std::nullopt : std::optional<double>(it->second);
  };
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto s = b_->selector().select(*view->services, "orders", req);
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(s->record);
    EXPECT_EQ(s->record->owner, "sel-ra");
    seen.insert(s->lease.key.id);
    b_->selector().release(*view->services, s->lease, registry::CallOutcome::none);
  }
  // One owner, one estimate: a tie, broken by weight (both 100).
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_FALSE(b_->selector().select(*view->services, "billing", req).has_value());
}

TEST(NodeSelectOptions, NoCoordinatesNoEstimatesAndTheLocalityReachesTheSelector) {
  auto n = make_node("sel-rc", "127.0.6.23", [](NodeOptions& o) {
    o.serf.disable_coordinates = true;
    o.locality = registry::Locality{"eu", "eu-1a"};
  });
  EXPECT_TRUE(n->rtt_estimates({"sel-rc"}).empty());
  EXPECT_EQ(n->selector().locality().zone, "eu-1a");
  EXPECT_EQ(n->selector().locality().region, "eu");
  n->close();
}

}  // namespace
}  // namespace wkd::runtime
