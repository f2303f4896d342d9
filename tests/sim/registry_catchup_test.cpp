// A joiner's catch-up to a registry of several shards, each bigger than
// one pull page: every shard arrives in the join's own exchange, page
// after page, without waiting for anti-entropy.
#include <gtest/gtest.h>

#include <string>

#include "core/core.hpp"
#include "registry/replica.hpp"
#include "support/core_node.hpp"
#include "support/sim_cluster.hpp"
#include "swim/config.hpp"

namespace wkd::sim {
namespace {

constexpr std::int64_t kWall = 1'800'000'000'000;
constexpr std::size_t kOwners = 6, kPerOwner = 100;

ClusterOptions paged_registry() {
  ClusterOptions o;
  o.engine = Engine::core;
  // No periodic push/pull either: each would start one more exchange.
  o.configure = [](std::size_t, swim::Config& c) { c.push_pull_interval = Duration::zero(); };
  o.configure_serf = [](std::size_t, serf::Config& c) { c.tags["wkd"] = "1"; };
  o.configure_core = [](std::size_t i, CoreNode& n) {
    registry::ReplicaConfig rc;
    rc.store.node = SimCluster::name_of(i);
    rc.store.generation = 1;
    // Small pages, so each shard takes several; anti-entropy far away, so
    // only the exchange the join starts can bring the records.
    rc.pull_page_bytes = 16384;
    rc.sync_interval = std::chrono::hours(1);
    n.core().enable_registry(rc, registry::Now{TimePoint{}, kWall});
  };
  return o;
}

registry::Replica& replica(SimCluster& c, std::size_t i) {
  return *static_cast<CoreNode&>(c.member(i)).core().registry();
}

registry::Instance instance(std::size_t owner, std::size_t k) {
  registry::Instance in;
  in.service = "svc";
  in.id = "n" + std::to_string(owner) + "-" + std::to_string(k);
  in.host = "192.0.2.1";
  in.port = 8080;
  in.metadata["note"] = std::string(150, 'x');
  return in;
}

TEST(RegistryCatchup, AJoinerPullsEveryShardBiggerThanAPageInTheJoinsExchange) {
  SimCluster c(kOwners + 1, 1, paged_registry());
  c.start_converged(kOwners);
  for (std::size_t o = 0; o < kOwners; ++o) {
    ASSERT_TRUE(c.net().call(o, [&](SimNode&, TimePoint now) {
      auto& core = static_cast<CoreNode&>(c.member(o)).core();
      core.enter(now, [&] {
        const registry::Now at{now, kWall + to_ms(now - TimePoint{})};
        for (std::size_t k = 0; k < kPerOwner; ++k) ASSERT_TRUE(replica(c, o).register_instance(at, instance(o, k)).ok());
      });
    }));
  }
  const std::size_t all = kOwners * kPerOwner;
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (std::size_t o = 0; o < kOwners; ++o) {
          if (replica(c, o).store().size() < all) return false;
        }
        return true;
      },
      seconds(60)));
  c.join(kOwners, 0);
  // A few round trips are enough; the next anti-entropy exchange is at
  // least half an hour away.
  EXPECT_TRUE(c.wait_until([&] { return replica(c, kOwners).store().size() == all; }, seconds(60)))
      << "the joiner holds " << replica(c, kOwners).store().size() << " of " << all;
  EXPECT_GT(replica(c, kOwners).stats().pulls, kOwners);  // several pages
}

}  // namespace
}  // namespace wkd::sim
