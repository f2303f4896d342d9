// What the runtime tests with real nodes share: a started node on its own
// loop thread (the local preset, errors only in the log) and a wait with a
// deadline.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "runtime/node.hpp"

namespace wkd::runtime::testing {

inline std::shared_ptr<Node> make_node(const std::string& name, const std::string& ip) {
  NodeOptions o;
  o.serf = serf::Config::preset(options::Preset::local);
  o.serf.memberlist.name = name;
  o.bind = *parse_address(ip + ":0");
  o.identity.wkd_version = "0.1.0";
  o.log_level = LogLevel::error;
  o.log = [](LogLevel, const std::string&, const std::string&) {};
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

}  // namespace wkd::runtime::testing
