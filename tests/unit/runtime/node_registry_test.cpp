// The registry through runtime::Node: real nodes on loopback, each on its
// own loop thread. A registration on one node reaches the others' Views
// and service watches, under the View's version; calls for an instance
// another node owns are refused naming it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "real_node.hpp"
#include "runtime/node.hpp"
#include "runtime/services.hpp"

namespace wkd::runtime {
namespace {

using testing::eventually;
using testing::make_node;

registry::Instance instance(const std::string& service, const std::string& id) {
  registry::Instance in;
  in.service = service;
  in.id = id;
  in.host = "127.0.0.1";
  in.port = 9000;
  in.metadata["zone-hint"] = "a";
  return in;
}

class NodeRegistry : public testing::TwoNodes {
 protected:
  NodeRegistry() : TwoNodes("reg-a", "127.0.0.61", "reg-b", "127.0.0.62") {}
};

TEST_F(NodeRegistry, ARegistrationReachesTheOtherNodesViewAndWatches) {
  std::mutex mu;
  std::vector<Event> seen;
  auto w = b_->watch(WatchKind::service, "orders", 0, 64, [&](const Event& e) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(e);
  });
  ASSERT_TRUE(w.ok()) << w.message();
  auto reg = a_->register_instance(instance("orders", "o-1"));
  ASSERT_TRUE(reg.ok()) << reg.message();
  EXPECT_EQ(reg->owner, "reg-a");
  EXPECT_EQ(reg->status, registry::InstanceStatus::starting);
  ASSERT_TRUE(eventually([&] {
    auto v = b_->view();
    return v && v->services && v->services->find({"orders", "o-1"}) != nullptr;
  }));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return !seen.empty();
  }));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(seen.front().type, EventType::instance_registered);
    ASSERT_TRUE(seen.front().instance);
    EXPECT_EQ(seen.front().instance->id, "o-1");
    EXPECT_EQ(seen.front().instance->metadata.at("zone-hint"), "a");
    // The event's version is that of a View holding the change.
    EXPECT_LE(seen.front().version, b_->view()->version);
  }
  // A status flip on the owner reaches the watch too.
  ASSERT_TRUE(a_->check_instance({"orders", "o-1"}, registry::CheckState::passing).ok());
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.back().type == EventType::instance_status &&
           seen.back().instance->status == registry::InstanceStatus::healthy;
  }));
  const auto healthy = b_->view()->services->select([] {
    registry::Query q;
    q.service = "orders";
    q.healthy_only = true;
    return q;
  }());
  ASSERT_EQ(healthy.size(), 1u);
  EXPECT_EQ(b_->view()->services->services(), std::vector<std::string>{"orders"});
}

TEST_F(NodeRegistry, ANoOpReRegistrationFiresNoWatch) {
  ASSERT_TRUE(a_->register_instance(instance("billing", "b-1")).ok());
  ASSERT_TRUE(eventually([&] { return b_->view()->services->find({"billing", "b-1"}) != nullptr; }));
  std::atomic<int> events{0};
  auto w = b_->watch(WatchKind::service, "billing", 0, 64, [&](const Event&) { ++events; });
  ASSERT_TRUE(w.ok());
  const auto before = a_->view()->version;
  ASSERT_TRUE(a_->register_instance(instance("billing", "b-1")).ok());
  // A change made after the no-op proves the no-op would have arrived
  // first, had it sent anything.
  ASSERT_TRUE(a_->register_instance(instance("billing", "b-2")).ok());
  ASSERT_TRUE(eventually([&] { return b_->view()->services->find({"billing", "b-2"}) != nullptr; }));
  ASSERT_TRUE(eventually([&] { return events.load() >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(events.load(), 1) << "only b-2's registration is a change";
  EXPECT_GE(a_->view()->version, before);
}

TEST_F(NodeRegistry, WritesForAnInstanceAnotherNodeOwnsNameTheOwner) {
  ASSERT_TRUE(a_->register_instance(instance("search", "s-1")).ok());
  ASSERT_TRUE(eventually([&] { return b_->view()->services->find({"search", "s-1"}) != nullptr; }));
  auto r = b_->deregister_instance({"search", "s-1"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Err::state);
  EXPECT_NE(r.message().find("reg-a"), std::string::npos) << r.message();
  auto bad = a_->register_instance(instance("Bad_Name", "x"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), Err::invalid);
  EXPECT_NE(bad.message().find("service"), std::string::npos) << bad.message();
}

TEST_F(NodeRegistry, ADeregistrationIsSeenAsATombstone) {
  ASSERT_TRUE(a_->register_instance(instance("cache", "c-1")).ok());
  ASSERT_TRUE(eventually([&] { return b_->view()->services->find({"cache", "c-1"}) != nullptr; }));
  ASSERT_TRUE(a_->deregister_instance({"cache", "c-1"}).ok());
  ASSERT_TRUE(eventually([&] {
    const auto* rec = b_->view()->services->find({"cache", "c-1"});
    return rec != nullptr && (*rec)->status == registry::InstanceStatus::deregistered;
  }));
  EXPECT_TRUE(b_->view()->services->services().empty());
}

// A dependency declared on one node reaches the other's View, judged
// there from the instances of the same snapshot; it raises no instance
// event, and its removal leaves the View.
TEST_F(NodeRegistry, ADependencyReachesTheOtherNodesViewJudged) {
  std::mutex mu;
  std::vector<Event> seen;
  auto w = b_->watch(WatchKind::service, "", 0, 64, [&](const Event& e) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(e);
  });
  ASSERT_TRUE(w.ok()) << w.message();
  registry::Dependency d;
  d.service = "orders";
  d.depends_on = "billing";
  d.min_version = "2.0.0";
  auto dec = a_->declare_dependency(d);
  ASSERT_TRUE(dec.ok()) << dec.message();
  EXPECT_EQ(dec->owner, "reg-a");
  ASSERT_TRUE(dec->dependency);
  ASSERT_TRUE(eventually([&] { return b_->view()->services->dependencies_of("orders").size() == 1; }));
  auto health = b_->view()->services->dependency_health("orders");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_FALSE(health[0].verdict.healthy);
  EXPECT_EQ(health[0].record->dependency->min_version, "2.0.0");
  EXPECT_EQ(b_->view()->services->dependents_of("billing").size(), 1u);
  // A HEALTHY billing 2.1.0 on node b satisfies it, on both nodes.
  auto billing = instance("billing", "b-1");
  billing.version = "2.1.0";
  ASSERT_TRUE(b_->register_instance(billing).ok());
  ASSERT_TRUE(b_->check_instance({"billing", "b-1"}, registry::CheckState::passing).ok());
  for (auto* n : {a_.get(), b_.get()}) {
    ASSERT_TRUE(eventually([&] {
      auto h = n->view()->services->dependency_health("orders");
      return h.size() == 1 && h[0].verdict.healthy;
    }));
  }
  // Only the declaring node may remove it.
  auto refused = b_->remove_dependency("orders", "billing");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), Err::state);
  EXPECT_NE(refused.message().find("reg-a"), std::string::npos) << refused.message();
  ASSERT_TRUE(a_->remove_dependency("orders", "billing").ok());
  ASSERT_TRUE(eventually([&] { return b_->view()->services->dependencies_of("orders").empty(); }));
  std::lock_guard<std::mutex> lock(mu);
  for (const Event& e : seen) {
    ASSERT_TRUE(e.instance);
    EXPECT_EQ(e.instance->kind, registry::RecordKind::instance) << "a dependency raised an instance event";
  }
}

}  // namespace
}  // namespace wkd::runtime
