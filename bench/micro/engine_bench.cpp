// SWIM engine micro-benchmarks: one probe round and one gossip tick of a
// swim::Memberlist that knows range(0) members, driven directly through
// on_timer / on_packet with an EchoRuntime (fake_runtime.hpp): pure engine
// work, plus (BM_ProbeRound only) the fake runtime decoding each ping to
// answer it.
//
//   BM_ProbeRound   timers fired until the next probe is sent, the ack
//                   delivered and processed (gossip and push/pull off);
//   BM_GossipTick   one alive update received (an incarnation bump of a
//                   member, so the broadcast queue never runs dry), then
//                   the gossip tick that sends it to 3 random members
//                   (probing every hour, push/pull off), with LZW
//                   compression on (the LAN default: datagrams of 256
//                   bytes or more are compressed) and off (range(1));
//   BM_AliveUpdate  the update alone, to subtract from BM_GossipTick.
//
// The updates are encoded inside the timed loop (BM_MemberlistEncode/alive
// in wire_bench.cpp gives that share).
//
// items_per_second counts rounds / ticks / updates.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "alloc_counter.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "fake_runtime.hpp"
#include "samples.hpp"
#include "swim/config.hpp"
#include "swim/delegate.hpp"
#include "swim/memberlist.hpp"
#include "wire/memberlist_codec.hpp"

namespace wkd::bench {
namespace {

// A delegate with nothing to say: no meta, no user broadcasts.
class QuietDelegate final : public swim::Delegate {
 public:
  Bytes node_meta(std::size_t) override { return {}; }
  void notify_msg(ByteView) override {}
  void get_broadcasts(const swim::NodeInfo*, std::size_t, std::size_t, std::vector<Bytes>&) override {}
  Bytes local_state(bool, const swim::NodeInfo*) override { return {}; }
  void merge_remote_state(ByteView, bool, const swim::NodeInfo*) override {}
  void notify_join(const swim::NodeInfo&) override {}
  void notify_leave(const swim::NodeInfo&) override {}
  void notify_update(const swim::NodeInfo&) override {}
  void notify_conflict(const swim::NodeInfo&, const swim::NodeInfo&) override {}
  wire::NilBytes ack_payload() override { return std::nullopt; }
  void notify_ping_complete(const swim::NodeInfo&, Duration, ByteView) override {}
};

// node-0 knowing node-1 .. node-<n-1>, all alive, learnt from alive
// messages as gossip would bring them.
struct Engine {
  QuietDelegate delegate;
  EchoRuntime rt;
  Rng rng{42};
  NullLog log;
  std::unique_ptr<swim::Memberlist> ml;
  TimePoint now{};

  Engine(std::size_t n, bool probe, bool gossip, bool compress = true) {
    swim::Config cfg = swim::Config::lan();
    cfg.enable_compression = compress;
    cfg.name = node_name(0);
    cfg.advertise = node_addr(0);
    cfg.push_pull_interval = Duration::zero();
    if (!gossip) cfg.gossip_nodes = 0;
    if (!probe) cfg.probe_interval = seconds(3600);
    ml = std::make_unique<swim::Memberlist>(cfg, delegate, rt, rng, log);
    ml->start(now);
    for (std::size_t i = 1; i < n; ++i) receive(sample_alive(i));
  }

  // An alive message gossiped by node-1.
  void receive(const wire::Alive& a) {
    const Bytes datagram = *wire::encode_message(a);
    ml->on_packet(now, node_addr(1), datagram);
  }

  // Fires the next timer and answers the pings it sent.
  void step() {
    now = ml->next_deadline();
    ml->on_timer(now);
    rt.deliver(*ml, now);
  }

  void probe_round() {
    const auto before = ml->stats().probes;
    while (ml->stats().probes == before) step();
  }
};

void BM_ProbeRound(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Engine e(n, true, false);
  // Let the join broadcasts drain (they ride on pings) so rounds are steady.
  for (std::size_t i = 0; i < 20000 && (i < 10 || e.rt.last_packet_size > 100); ++i) e.probe_round();
  const auto failures = e.ml->stats().probe_failures;
  const auto packets = e.rt.packets;
  const AllocMark mark;
  for (auto _ : state) e.probe_round();
  mark.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["packets/op"] = benchmark::Counter(static_cast<double>(e.rt.packets - packets),
                                                    benchmark::Counter::kAvgIterations);
  if (e.ml->stats().probe_failures != failures) state.SkipWithError("a probe failed");
  if (e.ml->num_alive() != n - 1) state.SkipWithError("members lost");
}
BENCHMARK(BM_ProbeRound)->Arg(10)->Arg(100)->Arg(1000);

void BM_GossipTick(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Engine e(n, false, true, state.range(1) != 0);
  e.rt.answer_pings = false;  // no probes here: don't pay for decoding gossip
  // Let the join broadcasts drain so ticks carry only the steady trickle.
  for (int i = 0; i < 100000; ++i) {
    const auto sent = e.rt.packets;
    e.step();
    if (e.rt.packets == sent) break;
  }
  std::vector<wire::Alive> members;
  for (std::size_t i = 0; i < n; ++i) members.push_back(sample_alive(i));
  std::size_t next = 1;
  const auto packets = e.rt.packets;
  const AllocMark mark;
  for (auto _ : state) {
    ++members[next].incarnation;
    e.receive(members[next]);
    next = next + 1 < n ? next + 1 : 1;
    e.step();
  }
  mark.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["packets/op"] = benchmark::Counter(static_cast<double>(e.rt.packets - packets),
                                                    benchmark::Counter::kAvgIterations);
  if (e.ml->num_alive() != n - 1) state.SkipWithError("members lost");
  state.SetLabel(state.range(1) != 0 ? "lzw" : "no compression");
}
BENCHMARK(BM_GossipTick)->ArgsProduct({{10, 100, 1000}, {1, 0}});

void BM_AliveUpdate(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Engine e(n, false, false);
  e.rt.answer_pings = false;
  std::vector<wire::Alive> members;
  for (std::size_t i = 0; i < n; ++i) members.push_back(sample_alive(i));
  std::size_t next = 1;
  const AllocMark mark;
  for (auto _ : state) {
    ++members[next].incarnation;
    e.receive(members[next]);
    next = next + 1 < n ? next + 1 : 1;
  }
  mark.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_AliveUpdate)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace wkd::bench
