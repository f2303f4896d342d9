// The injected random source of the protocol core.
//
// The pure layers never create randomness: they draw from an Rng that the
// runtime hands them. Rng is xoshiro256** seeded through splitmix64, so a
// seed fixes every choice an engine makes (probe order, gossip targets,
// nonces in tests). The transport seeds it from the OS; tests and the
// simulator seed it from WKD_SIM_SEED.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace wkd {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept { reseed(seed); }

  void reseed(std::uint64_t seed) noexcept;

  // Uniform 64-bit value.
  std::uint64_t next() noexcept;

  // Uniform in [0, bound); bound 0 returns 0. Unbiased (Lemire's method).
  std::uint64_t below(std::uint64_t bound) noexcept;

  // Uniform double in [0, 1).
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  void fill(std::span<std::uint8_t> out) noexcept;

 private:
  std::uint64_t s_[4];
};

}  // namespace wkd
