#include "support/sim_seed.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

namespace wkd::sim {

namespace {

std::optional<std::uint64_t> env_seed() {
  const char* text = std::getenv("WKD_SIM_SEED");
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 0);
  if (end == text || *end != '\0') {
    std::cerr << "WKD_SIM_SEED=" << text << " is not a number; using the default seed\n";
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(v);
}

struct SeedState {
  std::optional<std::uint64_t> current;  // the seed in use
  std::optional<std::uint64_t> failed;   // the seed at the test's first failure
};

SeedState& state() {
  static SeedState s;
  return s;
}

class SeedListener final : public testing::EmptyTestEventListener {
 public:
  void OnTestStart(const testing::TestInfo&) override {
    state().current.reset();
    state().failed.reset();
  }
  void OnTestPartResult(const testing::TestPartResult& r) override {
    if (r.failed() && !state().failed && state().current) state().failed = state().current;
  }
  void OnTestEnd(const testing::TestInfo& info) override {
    if (!info.result()->Failed()) return;
    const auto seed = state().failed ? state().failed : state().current;
    if (!seed) return;
    // A value-parameterised test's index changes when the seed list is
    // replaced by WKD_SIM_SEED, so the filter drops it.
    std::string name = info.name();
    if (info.value_param() != nullptr) {
      const auto slash = name.rfind('/');
      if (slash != std::string::npos) name = name.substr(0, slash) + "/*";
    }
    std::cout << "WKD_SIM_SEED=" << *seed << "  (replay: WKD_SIM_SEED=" << *seed
              << " <test binary> --gtest_filter='" << info.test_suite_name() << '.' << name << "')" << std::endl;
  }
};

// Installed when this file is linked in, which every user of note_seed()
// (SimCluster, SeedScope) causes.
const bool kListenerInstalled = [] {
  testing::UnitTest::GetInstance()->listeners().Append(new SeedListener);
  return true;
}();

}  // namespace

std::uint64_t sim_seed() { return env_seed().value_or(kDefaultSimSeed); }

bool sim_seed_from_env() { return env_seed().has_value(); }

std::vector<std::uint64_t> sim_seeds(std::size_t count) {
  if (auto s = env_seed()) return {*s};
  std::vector<std::uint64_t> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(kDefaultSimSeed + i);
  return out;
}

void note_seed(std::uint64_t seed) {
  (void)kListenerInstalled;
  state().current = seed;
}

SeedScope::SeedScope(std::uint64_t seed)
    : had_previous_(state().current.has_value()), previous_(state().current.value_or(0)) {
  note_seed(seed);
}

SeedScope::~SeedScope() {
  if (had_previous_) {
    state().current = previous_;
  } else {
    state().current.reset();
  }
}

}  // namespace wkd::sim
