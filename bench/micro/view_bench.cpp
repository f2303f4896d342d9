// Snapshot publication micro-benchmarks: runtime::build_view() over a
// serf::Serf that knows range(0) wkd members (8 tags each), from nothing
// (BuildView: every record built) and from the previous snapshot with
// nothing changed (RefreshView: the periodic last_seen refresh, every
// record shared), and the diff_views() the runtime runs against the
// previous snapshot before publishing (here: one member changed its tags).
//
// The Serf learns its members from alive messages as gossip brings them,
// with an EchoRuntime (fake_runtime.hpp); nothing is bound. items_per_second
// counts snapshots; "members" is the size of each.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "alloc_counter.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "fake_runtime.hpp"
#include "runtime/view.hpp"
#include "samples.hpp"
#include "serf/config.hpp"
#include "serf/events.hpp"
#include "serf/serf.hpp"
#include "wire/memberlist_codec.hpp"

namespace wkd::bench {
namespace {

class DropEvents final : public serf::EventSink {
 public:
  void on_member_event(const serf::MemberEvent&) override {}
  void on_user_event(const serf::UserEvent&) override {}
};

// node-0 (a Serf) knowing node-1 .. node-<n-1>.
struct SerfCluster {
  EchoRuntime rt;
  Rng rng{42};
  NullLog log;
  DropEvents events;
  std::unique_ptr<serf::Serf> serf;
  TimePoint now{};

  explicit SerfCluster(std::size_t n) {
    serf::Config cfg;
    cfg.memberlist.name = node_name(0);
    cfg.memberlist.advertise = node_addr(0);
    cfg.memberlist.push_pull_interval = Duration::zero();
    serf = std::make_unique<serf::Serf>(cfg, rt, rng, log, events);
    if (!serf->start(now).ok()) return;
    for (std::size_t i = 1; i < n; ++i) receive(sample_alive(i));
  }

  void receive(const wire::Alive& a) {
    const Bytes datagram = *wire::encode_message(a);
    serf->on_packet(now, node_addr(1), datagram);
  }
};

constexpr std::int64_t kUnixMs = 1'800'000'000'000;

void BM_BuildView(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const SerfCluster c(n);
  std::uint64_t version = 0;
  const std::size_t members = runtime::build_view(*c.serf, c.now, kUnixMs, 0, nullptr)->members.size();
  if (members != n) state.SkipWithError("the Serf does not know every member");
  const AllocMark mark;
  for (auto _ : state) {
    auto v = runtime::build_view(*c.serf, c.now, kUnixMs, ++version, nullptr);
    benchmark::DoNotOptimize(v);
  }
  mark.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["members"] = static_cast<double>(members);
}
BENCHMARK(BM_BuildView)->Arg(100)->Arg(1000);

void BM_RefreshView(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const SerfCluster c(n);
  std::uint64_t version = 0;
  const auto previous = runtime::build_view(*c.serf, c.now, kUnixMs, 0, nullptr);
  const auto check = runtime::build_view(*c.serf, c.now, kUnixMs, 1, previous.get());
  if (check->members.size() != n || check->members.back().member != previous->members.back().member) {
    state.SkipWithError("the refreshed view does not share the previous records");
  }
  const AllocMark mark;
  for (auto _ : state) {
    auto v = runtime::build_view(*c.serf, c.now, kUnixMs, ++version, previous.get());
    benchmark::DoNotOptimize(v);
  }
  mark.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["members"] = static_cast<double>(n);
}
BENCHMARK(BM_RefreshView)->Arg(100)->Arg(1000);

void BM_DiffViews(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  SerfCluster c(n);
  const auto before = runtime::build_view(*c.serf, c.now, kUnixMs, 1, nullptr);
  wire::Alive changed = sample_alive(n / 2, 2);
  auto tags = node_tags(n / 2);
  tags["health"] = "warning";
  changed.meta = *wire::encode_tags(tags);
  c.receive(changed);
  const auto after = runtime::build_view(*c.serf, c.now, kUnixMs, 2, before.get());
  if (runtime::diff_views(before.get(), *after).size() != 1) state.SkipWithError("expected one change");
  const AllocMark mark;
  for (auto _ : state) {
    auto changes = runtime::diff_views(before.get(), *after);
    benchmark::DoNotOptimize(changes);
  }
  mark.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["members"] = static_cast<double>(after->members.size());
}
BENCHMARK(BM_DiffViews)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace wkd::bench
