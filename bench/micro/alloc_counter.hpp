// Heap allocation counting for the micro-benchmarks.
//
// alloc_counter.cpp replaces the global operator new/delete of the
// benchmark executable with versions that count every allocation and then
// call malloc/free. A benchmark reads the count around its timing loop and
// publishes the difference per iteration as the user counter "allocs/op":
//
//   const AllocMark mark;
//   for (auto _ : state) { ... }
//   mark.report(state);
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace wkd::bench {

// Allocations (operator new of any form) since the process started.
std::uint64_t alloc_count() noexcept;

// Remembers the count when made; report() sets "allocs/op".
class AllocMark {
 public:
  AllocMark() noexcept : start_(alloc_count()) {}
  void report(benchmark::State& state) const {
    state.counters["allocs/op"] = benchmark::Counter(static_cast<double>(alloc_count() - start_),
                                                     benchmark::Counter::kAvgIterations);
  }

 private:
  std::uint64_t start_;
};

}  // namespace wkd::bench
