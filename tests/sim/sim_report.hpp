// Printing the measured virtual times of scenarios, so they can be quoted.
// Each line goes to stdout as "[sim] <what> seed=<seed>: <ms> ms virtual"
// and into the GoogleTest XML report as a test property.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <string>

#include "common/time.hpp"

namespace wkd::sim {

inline void report_time(const std::string& what, std::uint64_t seed, Duration d) {
  const double ms = static_cast<double>(d.count()) / 1e6;
  std::cout << "[sim] " << what << " seed=" << seed << ": " << ms << " ms virtual" << std::endl;
  ::testing::Test::RecordProperty(what + ".seed" + std::to_string(seed) + ".ms", std::to_string(ms));
}

inline void report_value(const std::string& what, std::uint64_t seed, std::uint64_t v) {
  std::cout << "[sim] " << what << " seed=" << seed << ": " << v << std::endl;
}

}  // namespace wkd::sim
