// Seeds of simulated tests, and printing the one that failed.
//
// Every simulated run is a function of its seed. Tests take their seeds from
// here: WKD_SIM_SEED (decimal or 0x-hex) when set, which replays one run,
// else a fixed default, so CI is reproducible. When a test fails, a
// GoogleTest listener prints "WKD_SIM_SEED=<seed>" for the seed that was
// active at the first failure (noted by SimCluster, or by SeedScope for
// tests without a cluster).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wkd::sim {

inline constexpr std::uint64_t kDefaultSimSeed = 20240611;

// WKD_SIM_SEED if set, else kDefaultSimSeed.
std::uint64_t sim_seed();
bool sim_seed_from_env();

// `count` seeds for a multi-seed test: the seed from WKD_SIM_SEED alone when
// it is set, else the default and the ones after it.
std::vector<std::uint64_t> sim_seeds(std::size_t count);

// The seed the running test is using; printed if it fails.
void note_seed(std::uint64_t seed);

// Notes a seed for its lifetime (restoring the previous one afterwards).
class SeedScope {
 public:
  explicit SeedScope(std::uint64_t seed);
  ~SeedScope();
  SeedScope(const SeedScope&) = delete;
  SeedScope& operator=(const SeedScope&) = delete;

 private:
  bool had_previous_;
  std::uint64_t previous_;
};

}  // namespace wkd::sim
