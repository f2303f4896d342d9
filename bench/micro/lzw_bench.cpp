// LZW micro-benchmarks (wire/lzw.hpp): compressing and inflating a typical
// push/pull payload, the whole message memberlist compresses on a stream:
// header, range(0) node states with wkd tags, and serf's user state.
//
// bytes_per_second counts the uncompressed bytes in both directions; the
// "ratio" counter is compressed / uncompressed size.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>

#include "alloc_counter.hpp"
#include "samples.hpp"
#include "wire/lzw.hpp"
#include "wire/memberlist_codec.hpp"

namespace wkd::bench {
namespace {

Bytes push_pull_payload(std::size_t nodes) { return *wire::encode_message(sample_push_pull(nodes)); }

void finish(benchmark::State& state, const AllocMark& mark, std::size_t plain, std::size_t packed) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * plain));
  state.counters["plain_bytes"] = static_cast<double>(plain);
  state.counters["ratio"] = static_cast<double>(packed) / static_cast<double>(plain);
  mark.report(state);
}

void BM_LzwCompress(benchmark::State& state) {
  const Bytes plain = push_pull_payload(static_cast<std::size_t>(state.range(0)));
  const std::size_t packed = wire::lzw_compress(plain).size();
  const AllocMark mark;
  for (auto _ : state) {
    auto out = wire::lzw_compress(plain);
    benchmark::DoNotOptimize(out);
  }
  finish(state, mark, plain.size(), packed);
}
BENCHMARK(BM_LzwCompress)->Arg(10)->Arg(100);

void BM_LzwDecompress(benchmark::State& state) {
  const Bytes plain = push_pull_payload(static_cast<std::size_t>(state.range(0)));
  const Bytes packed = wire::lzw_compress(plain);
  const AllocMark mark;
  for (auto _ : state) {
    auto out = wire::lzw_decompress(packed);
    if (!out.ok() || out->size() != plain.size()) state.SkipWithError("decompress failed");
    benchmark::DoNotOptimize(out);
  }
  finish(state, mark, plain.size(), packed.size());
}
BENCHMARK(BM_LzwDecompress)->Arg(10)->Arg(100);

}  // namespace
}  // namespace wkd::bench
