// What the runtime tests with real nodes share: a started node on its own
// loop thread (the local preset, errors only in the log) and a wait with a
// deadline.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "runtime/node.hpp"

namespace wkd::runtime::testing {

// `tweak` adjusts the options before the node is made.
inline std::shared_ptr<Node> make_node(const std::string& name, const std::string& ip,
                                       const std::function<void(NodeOptions&)>& tweak = {}) {
  NodeOptions o;
  o.serf = serf::Config::preset(options::Preset::local);
  o.serf.memberlist.name = name;
  o.bind = *parse_address(ip + ":0");
  o.identity.wkd_version = "0.1.0";
  o.log_level = LogLevel::error;
  o.log = [](LogLevel, const std::string&, const std::string&) {};
  if (tweak) tweak(o);
  auto n = Node::create(std::move(o));
  EXPECT_TRUE(n.ok()) << n.message();
  EXPECT_TRUE((*n)->start().ok());
  return *n;
}

// Polls `pred` every 10 ms until it holds or `limit` passes.
template <class F>
bool eventually(F&& pred, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

// Two started nodes, the second joined to the first; closed after the
// test. Each test binary gives its own names and addresses.
class TwoNodes : public ::testing::Test {
 protected:
  TwoNodes(std::string a_name, std::string a_ip, std::string b_name, std::string b_ip)
      : names_{std::move(a_name), std::move(b_name)}, ips_{std::move(a_ip), std::move(b_ip)} {}
  void SetUp() override {
    a_ = make_node(names_[0], ips_[0]);
    b_ = make_node(names_[1], ips_[1]);
    int joined = 0;
    ASSERT_TRUE(b_->join({a_->local_address().to_string()}, std::chrono::seconds(10), &joined).ok());
    ASSERT_EQ(joined, 1);
  }
  void TearDown() override {
    for (auto& n : {a_, b_}) {
      if (n) n->close();
    }
  }
  std::string names_[2], ips_[2];
  std::shared_ptr<Node> a_, b_;
};

}  // namespace wkd::runtime::testing
