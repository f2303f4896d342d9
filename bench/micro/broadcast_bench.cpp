// The broadcast queue under the load heavy loss gives it: every member has a
// queued message about it (a suspicion or a refutation), and news keeps
// replacing them.
//
//   BM_BroadcastQueue  one keyed message pushed (it invalidates the queued
//                      one with the same key), then one datagram's worth
//                      taken (1400 bytes, memberlist's UDP buffer), with
//                      range(0) members' messages queued. Messages of 40 to
//                      100 bytes, the sizes of suspect and alive messages.
//
// items_per_second counts push-and-take rounds.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "swim/broadcast_queue.hpp"

namespace wkd::bench {
namespace {

constexpr std::size_t kDatagram = 1400;
constexpr std::size_t kOverhead = 2;  // compound length prefix per part
constexpr int kRetransmitMult = 4;

Bytes message_of(std::size_t i) { return Bytes(40 + (i * 7) % 61, static_cast<std::uint8_t>(i)); }

void BM_BroadcastQueue(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  swim::BroadcastQueue q(kRetransmitMult);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back("node-" + std::to_string(i));
  for (std::size_t i = 0; i < n; ++i) q.push(keys[i], message_of(i));
  std::vector<SharedBytes> out;
  std::size_t next = 0, taken = 0;
  const AllocMark mark;
  for (auto _ : state) {
    q.push(keys[next], message_of(next + taken));
    next = next + 1 < n ? next + 1 : 0;
    out.clear();
    q.take(kOverhead, kDatagram, n, out);
    taken += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  mark.report(state);
  state.counters["msgs/datagram"] =
      benchmark::Counter(static_cast<double>(taken), benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BroadcastQueue)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace wkd::bench
