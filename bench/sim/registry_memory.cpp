// The registry rows that are about volume rather than spread: the memory a
// node spends per instance it holds, and a late joiner's catch-up to a
// large registry.
#include <malloc.h>

#include <chrono>
#include <cstdio>

#include "common/rng.hpp"
#include "registry/store.hpp"
#include "registry_rows.hpp"
#include "swim/memberlist.hpp"

namespace wkd::bench {
namespace {

double secs(Duration d) { return std::chrono::duration<double>(d).count(); }

// Bytes the allocator has handed out (chunk overhead included) and not
// had back: the heap's in-use bytes plus its mmapped blocks.
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// Instance k of owner "p<o>" as a peer sends it: the store's fields set as
// the owner's store sets them.
registry::Instance remote_record(std::size_t o, std::size_t k, std::size_t meta_bytes, Rng& rng) {
  registry::Instance in = bench_instance(o, k, meta_bytes);
  in.owner = "p" + std::to_string(o);
  in.owner_generation = 1;
  in.record_version = k + 1;
  in.owner_lamport = 1;
  in.uuid = registry::Uuid::generate(rng);
  in.registered_ms = in.updated_ms = in.last_check_ms = kWallStart;
  in.status = registry::InstanceStatus::healthy;
  in.check_state = registry::CheckState::passing;
  return in;
}

}  // namespace

MemoryResult measure_memory(std::size_t records, std::size_t owners, std::size_t meta_bytes) {
  MemoryResult r;
  r.records = records;
  r.meta_bytes = meta_bytes;
  Rng rng(7);
  registry::StoreConfig cfg;
  cfg.node = "observer";
  cfg.generation = 1;
  const registry::Now now{TimePoint{}, kWallStart};
  // The records are made before the measurement; only what the store
  // keeps of them is counted. The change list is emptied as a consumer
  // would (it is bounded, 4096 changes, whatever the store holds).
  std::vector<registry::Instance> in;
  in.reserve(records);
  for (std::size_t i = 0; i < records; ++i) in.push_back(remote_record(i % owners, i / owners, meta_bytes, rng));
  auto store = std::make_unique<registry::Store>(cfg, rng);
  malloc_trim(0);
  const std::size_t before = heap_in_use();
  for (std::size_t i = 0; i < records; ++i) {
    (void)store->apply_remote(now, in[i]);
    if (i % 1024 == 1023) (void)store->drain_changes();
  }
  (void)store->drain_changes();
  const std::size_t after = heap_in_use();
  if (store->size() != records) std::fprintf(stderr, "memory: the store took %zu of %zu records\n", store->size(), records);
  r.bytes_per_record = static_cast<double>(after - before) / static_cast<double>(store->size());
  return r;
}

CatchupResult run_catchup(std::size_t owners, std::size_t per_owner, std::size_t meta_bytes, std::uint64_t seed) {
  const auto wall0 = std::chrono::steady_clock::now();
  CatchupResult r;
  r.owners = owners;
  r.records = owners * per_owner;
  r.meta_bytes = meta_bytes;
  RegCluster rc(owners, 1, seed);
  rc.run_for(seconds(5));
  for (std::size_t o = 0; o < owners; ++o) {
    rc.act(o, [&](registry::Replica& rep, const registry::Now& now) {
      for (std::size_t k = 0; k < per_owner; ++k) (void)rep.register_instance(now, bench_instance(o, k, meta_bytes));
    });
  }
  TimePoint from = rc.sim().now();
  std::size_t next = 0;
  if (rc.wait_until(
          [&] {
            while (next < owners && rc.replica(next).store().size() >= r.records) ++next;
            return next == owners;
          },
          seconds(900))) {
    r.preload_s = secs(rc.sim().now() - from);
  }
  rc.run_for(seconds(30));  // the preload's gossip drains
  std::fprintf(stderr, "[registry catch-up] %zu records on %zu nodes after %.1f virtual s (wall %.1f s)\n", r.records,
               owners, r.preload_s.value_or(-1),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
  const std::size_t joiner = owners;
  const std::uint64_t reg0 = rc.registry_bytes();
  from = rc.sim().now();
  rc.sim().join(joiner, 0);
  if (rc.wait_until([&] { return rc.replica(joiner).store().size() >= r.records; }, seconds(120))) {
    r.catchup_s = secs(rc.sim().now() - from);
  }
  r.reached = rc.replica(joiner).store().size();
  r.pulled_mib = static_cast<double>(rc.registry_bytes() - reg0) / (1024.0 * 1024.0);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

}  // namespace wkd::bench
