// Health checks on the simulator: the checks of an owner's instance, run
// by a scripted runner, move the instance's status on every wkd node —
// HEALTHY once its check passes, UNHEALTHY when it fails, DEREGISTERED
// everywhere once it stayed critical for deregister_critical_after — and
// an alias check follows another service. The node's own checks drive
// its health without touching the registry; the instances' states count
// in it only when fed, through the hold-down; instances that turn
// critical are queued for the self-healing hook; run_now runs an
// instance's checks at once, on the owner only. Deadlines only.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "health/checker.hpp"
#include "sim/registry_sim.hpp"

namespace wkd::sim {
namespace {

using namespace regsim;
using registry::CheckState;
using registry::InstanceStatus;

// Keeps the runs a node's checker hands out; the test answers them.
struct ScriptedRunner final : health::Runner {
  std::vector<health::Run> pending;
  void start(const health::Run& r) override { pending.push_back(r); }
};

struct HealthCluster {
  explicit HealthCluster(std::size_t n, registry::ReplicaConfig rc = {}) : runners(n) {
    ClusterOptions o = registry_options(rc);
    auto enable_registry = o.configure_core;
    o.configure_core = [this, enable_registry](std::size_t i, CoreNode& node) {
      enable_registry(i, node);
      ASSERT_NE(node.core().enable_health(runners[i], registry::Now{TimePoint{}, kWallStart}), nullptr);
    };
    c = std::make_unique<SimCluster>(n, sim_seed(), std::move(o));
    c->start_converged();
  }
  health::Checker& checker(std::size_t i) { return *node(*c, i).core().health(); }
  // Answers every run node i has pending with `state`, each in an entry of
  // its own, then lets `step` of virtual time pass.
  void answer(std::size_t i, CheckState state, Duration step = milliseconds(100)) {
    auto runs = std::move(runners[i].pending);
    runners[i].pending.clear();
    for (const health::Run& r : runs) {
      ASSERT_TRUE(c->net().call(static_cast<NodeId>(i), [&](SimNode&, TimePoint now) {
        node(*c, i).core().enter(now, [&] { checker(i).complete(now_of(now), r.id, health::CheckResult{state, "scripted"}); });
      }));
    }
    c->run_for(step);
  }
  // Answers node i's runs with `state` until `done` holds; false at the
  // deadline.
  template <class P>
  bool answer_until(std::size_t i, CheckState state, P done, Duration limit) {
    const TimePoint end = c->now() + limit;
    while (c->now() < end) {
      if (done()) return true;
      answer(i, state);
    }
    return done();
  }
  bool everywhere(const registry::InstanceKey& key, InstanceStatus want) {
    for (std::size_t i = 0; i < c->size(); ++i) {
      const registry::Instance* r = replica(*c, i).store().find(key);
      if (r == nullptr || r->status != want) return false;
    }
    return true;
  }

  std::vector<ScriptedRunner> runners;
  std::unique_ptr<SimCluster> c;
};

health::CheckSpec http_check(Duration deregister_after = Duration::zero()) {
  health::CheckSpec s;
  s.kind = health::CheckKind::http;
  s.target = "http://192.0.2.10:8080/health";
  s.interval = seconds(1);
  s.timeout = milliseconds(500);
  s.deregister_critical_after = deregister_after;
  return s;
}

TEST(HealthSim, AChecksResultsMoveTheStatusOnEveryNode) {
  HealthCluster h(6);
  const registry::InstanceKey key{"orders", "a"};
  on(*h.c, 2, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("orders", "a")).ok());
    ASSERT_TRUE(h.checker(2).add(now, key, http_check(seconds(5))).ok());
  });
  // A check for an instance another node owns is refused, naming it.
  on(*h.c, 3, [&](registry::Replica&, const registry::Now& now) {
    const auto st = h.checker(3).add(now, key, http_check());
    EXPECT_FALSE(st.ok());
  });
  ASSERT_TRUE(h.answer_until(2, CheckState::passing, [&] { return h.everywhere(key, InstanceStatus::healthy); },
                             seconds(10)))
      << mismatch(*h.c);
  ASSERT_TRUE(h.answer_until(2, CheckState::critical, [&] { return h.everywhere(key, InstanceStatus::unhealthy); },
                             seconds(10)))
      << mismatch(*h.c);
  // Critical for 5 s: deregistered on the owner, and so everywhere.
  ASSERT_TRUE(h.answer_until(
      2, CheckState::critical, [&] { return h.everywhere(key, InstanceStatus::deregistered); }, seconds(20)))
      << mismatch(*h.c);
  EXPECT_EQ(h.checker(2).scheduler().size(), 0u);
  EXPECT_EQ(h.checker(2).stats().deregistrations, 1u);
  EXPECT_GE(h.checker(2).stats().status_changes, 2u);
}

TEST(HealthSim, UnansweredRunsTimeOutToCritical) {
  HealthCluster h(4);
  const registry::InstanceKey key{"orders", "a"};
  on(*h.c, 1, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("orders", "a")).ok());
    ASSERT_TRUE(h.checker(1).add(now, key, http_check()).ok());
  });
  ASSERT_TRUE(h.answer_until(1, CheckState::passing, [&] { return h.everywhere(key, InstanceStatus::healthy); },
                             seconds(10)));
  // The runner stops answering: each run times out, which is critical.
  h.runners[1].pending.clear();
  ASSERT_TRUE(h.c->wait_until(
      [&] {
        h.runners[1].pending.clear();
        return h.everywhere(key, InstanceStatus::unhealthy);
      },
      seconds(10)))
      << mismatch(*h.c);
  const auto* st = h.checker(1).scheduler().status(health::CheckKey{key, "http"});
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->last.output, "timed out after 500 ms");
}

TEST(HealthSim, AnAliasCheckFollowsAnotherService) {
  HealthCluster h(4);
  const registry::InstanceKey db{"db", "d1"}, sidecar{"sidecar", "s1"};
  on(*h.c, 0, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("db", "d1")).ok());
    ASSERT_TRUE(h.checker(0).add(now, db, http_check()).ok());
  });
  on(*h.c, 3, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("sidecar", "s1")).ok());
    health::CheckSpec alias;
    alias.kind = health::CheckKind::alias;
    alias.target = "db";
    alias.interval = milliseconds(500);
    alias.timeout = milliseconds(100);
    ASSERT_TRUE(h.checker(3).add(now, sidecar, alias).ok());
  });
  // db passes on node 0: the sidecar on node 3 turns HEALTHY everywhere.
  ASSERT_TRUE(h.answer_until(0, CheckState::passing, [&] { return h.everywhere(sidecar, InstanceStatus::healthy); },
                             seconds(10)))
      << mismatch(*h.c);
  EXPECT_TRUE(h.runners[3].pending.empty());  // alias checks never reach the runner
  ASSERT_TRUE(h.answer_until(0, CheckState::critical,
                             [&] { return h.everywhere(sidecar, InstanceStatus::unhealthy); }, seconds(10)))
      << mismatch(*h.c);
}

TEST(HealthSim, SettingAnInstancesChecksKeepsTheUnchangedOnesAndRefusesAsAWhole) {
  HealthCluster h(3);
  const registry::InstanceKey key{"orders", "a"};
  health::CheckSpec tcp = http_check();
  tcp.kind = health::CheckKind::tcp;
  tcp.target = "192.0.2.10:5432";
  on(*h.c, 1, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("orders", "a")).ok());
    ASSERT_TRUE(h.checker(1).set_checks(now, key, {http_check(), tcp}).ok());
  });
  health::Checker& c = h.checker(1);
  EXPECT_EQ(c.scheduler().checks_of(key), (std::vector<std::string>{"http", "tcp"}));
  ASSERT_TRUE(h.answer_until(1, CheckState::passing, [&] { return h.everywhere(key, InstanceStatus::healthy); },
                             seconds(10)));
  const auto* http_status = c.scheduler().status(health::CheckKey{key, "http"});
  ASSERT_NE(http_status, nullptr);
  ASSERT_TRUE(http_status->reported.has_value());

  health::CheckSpec slower = tcp;
  slower.interval = seconds(2);
  on(*h.c, 1, [&](registry::Replica&, const registry::Now& now) {
    // A duplicate id or an invalid spec refuses the whole list, naming it.
    health::CheckSpec bad = tcp;
    bad.interval = milliseconds(1);
    auto st = c.set_checks(now, key, {http_check(), bad});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("checks[1].interval"), std::string::npos) << st.message();
    st = c.set_checks(now, key, {tcp, tcp});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("checks[1].id: 'tcp' is given twice"), std::string::npos) << st.message();
    EXPECT_EQ(c.scheduler().checks_of(key).size(), 2u);
    // The http check stays as it was (its state kept); tcp changes and
    // starts again.
    ASSERT_TRUE(c.set_checks(now, key, {http_check(), slower}).ok());
  });
  EXPECT_EQ(c.scheduler().status(health::CheckKey{key, "http"}), http_status);
  ASSERT_NE(c.scheduler().spec(health::CheckKey{key, "tcp"}), nullptr);
  EXPECT_EQ(c.scheduler().spec(health::CheckKey{key, "tcp"})->interval, seconds(2));
  EXPECT_FALSE(c.scheduler().status(health::CheckKey{key, "tcp"})->reported.has_value());
  // An empty list drops every check; another node's instance is refused.
  on(*h.c, 1, [&](registry::Replica&, const registry::Now& now) {
    ASSERT_TRUE(c.set_checks(now, key, {}).ok());
  });
  EXPECT_TRUE(c.scheduler().checks_of(key).empty());
  on(*h.c, 2, [&](registry::Replica&, const registry::Now& now) {
    const auto st = h.checker(2).set_checks(now, key, {tcp});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("owned by node"), std::string::npos) << st.message();
  });
}

TEST(HealthSim, NodeChecksDriveTheNodesStateAndNeverReachTheRegistry) {
  HealthCluster h(3);
  health::Checker& c = h.checker(1);
  on(*h.c, 1, [&](registry::Replica&, const registry::Now& now) {
    ASSERT_TRUE(c.add_node_check(now, http_check()).ok());
    // A node check deregisters nothing: refused, naming the field.
    health::CheckSpec bad = http_check(seconds(5));
    bad.id = "other";
    const auto st = c.add_node_check(now, bad);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("deregister_critical_after"), std::string::npos) << st.message();
    // The same id twice is refused too.
    EXPECT_FALSE(c.add_node_check(now, http_check()).ok());
    // The instance calls do not reach the node's checks.
    EXPECT_FALSE(c.set_checks(now, health::node_checks_key(), {}).ok());
    EXPECT_FALSE(c.add(now, health::node_checks_key(), http_check()).ok());
    EXPECT_EQ(c.remove(health::node_checks_key(), "http"), 0u);
    EXPECT_EQ(c.remove_instance(health::node_checks_key()), 0u);
  });
  EXPECT_EQ(c.node_checks(), (std::vector<std::string>{"http"}));
  EXPECT_EQ(c.node_state(), CheckState::passing);  // nothing reported yet
  ASSERT_TRUE(h.answer_until(1, CheckState::critical, [&] { return c.node_state() == CheckState::critical; },
                             seconds(10)));
  EXPECT_TRUE(c.take_criticals().empty());  // the node is no instance
  for (std::size_t i = 0; i < h.c->size(); ++i) EXPECT_EQ(replica(*h.c, i).store().size(), 0u);
  ASSERT_TRUE(h.answer_until(1, CheckState::passing, [&] { return c.node_state() == CheckState::passing; },
                             seconds(10)));
  EXPECT_EQ(c.remove_node_check("http"), 1u);
  EXPECT_TRUE(c.node_checks().empty());
}

TEST(HealthSim, FedInstancesCountOnlyOnceTheirStateHeld) {
  HealthCluster h(3);
  health::Checker& c = h.checker(0);
  const registry::InstanceKey key{"orders", "a"};
  on(*h.c, 0, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("orders", "a")).ok());
    ASSERT_TRUE(c.add(now, key, http_check()).ok());
  });
  // Not fed: the instance's critical state leaves the node passing, but is
  // queued for the self-healing hook.
  ASSERT_TRUE(h.answer_until(0, CheckState::critical, [&] { return c.instances_state() == CheckState::critical; },
                             seconds(10)));
  EXPECT_EQ(c.node_state(), CheckState::passing);
  auto crit = c.take_criticals();
  ASSERT_EQ(crit.size(), 1u);
  EXPECT_EQ(crit[0].instance, key);
  EXPECT_EQ(crit[0].check, "http");
  EXPECT_EQ(crit[0].output, "scripted");

  on(*h.c, 0, [&](registry::Replica&, const registry::Now& now) {
    c.set_node_health_options(now, health::NodeHealthOptions{true, seconds(30)});
  });
  // Fed from a critical instance: the node is critical until the
  // instance's recovery has held for 30 s.
  EXPECT_EQ(c.node_state(), CheckState::critical);
  ASSERT_TRUE(h.answer_until(0, CheckState::passing, [&] { return c.instances_state() == CheckState::passing; },
                             seconds(10)));
  EXPECT_EQ(c.node_state(), CheckState::critical);
  ASSERT_TRUE(h.answer_until(0, CheckState::passing, [&] { return c.node_state() == CheckState::passing; },
                             seconds(45)));
  // Flapping every second for two minutes: the held state never moves.
  for (int i = 0; i < 120; ++i) {
    h.answer(0, i % 2 == 0 ? CheckState::critical : CheckState::passing, seconds(1));
    ASSERT_EQ(c.node_state(), CheckState::passing) << "after " << i << " s";
  }
  EXPECT_GE(c.take_criticals().size(), 30u);  // each turn to critical
  // Sustained: it counts once it has held for 30 s.
  ASSERT_TRUE(h.answer_until(0, CheckState::critical, [&] { return c.node_state() == CheckState::critical; },
                             seconds(45)));
  ASSERT_TRUE(h.answer_until(0, CheckState::passing, [&] { return c.node_state() == CheckState::passing; },
                             seconds(45)));
}

TEST(HealthSim, RunNowRunsAnInstancesChecksAtOnceOnTheOwnerOnly) {
  HealthCluster h(3);
  const registry::InstanceKey key{"orders", "a"};
  const registry::InstanceKey ttl_only{"orders", "t"};
  on(*h.c, 1, [&](registry::Replica& r, const registry::Now& now) {
    ASSERT_TRUE(r.register_instance(now, instance("orders", "a")).ok());
    ASSERT_TRUE(r.register_instance(now, instance("orders", "t")).ok());
    health::CheckSpec slow = http_check();
    slow.interval = std::chrono::hours(1);  // the first run somewhere in the first hour
    ASSERT_TRUE(h.checker(1).add(now, key, slow).ok());
    health::CheckSpec ttl;
    ttl.kind = health::CheckKind::ttl;
    ttl.target.clear();
    ttl.ttl = seconds(3600);
    ASSERT_TRUE(h.checker(1).add(now, ttl_only, ttl).ok());
  });
  h.c->run_for(milliseconds(10));
  const std::size_t before = h.runners[1].pending.size();
  on(*h.c, 1, [&](registry::Replica&, const registry::Now& now) {
    std::size_t n = 0;
    ASSERT_TRUE(h.checker(1).run_now(now, key, &n).ok());
    EXPECT_EQ(n, 1u);
    // Nothing to run: TTL checks only, or no such instance.
    EXPECT_EQ(h.checker(1).run_now(now, ttl_only, &n).code(), registry::Err::not_found);
    EXPECT_EQ(h.checker(1).run_now(now, registry::InstanceKey{"orders", "nope"}, &n).code(),
              registry::Err::not_found);
  });
  // Another node's instance: its checks run on the owner.
  on(*h.c, 2, [&](registry::Replica&, const registry::Now& now) {
    std::size_t n = 0;
    const auto st = h.checker(2).run_now(now, key, &n);
    EXPECT_EQ(st.code(), registry::Err::not_owner);
  });
  h.c->run_for(milliseconds(10));
  ASSERT_EQ(h.runners[1].pending.size(), std::max<std::size_t>(before, 1));
  EXPECT_EQ(h.runners[1].pending.front().key.instance, key);
  ASSERT_TRUE(h.answer_until(1, CheckState::passing, [&] { return h.everywhere(key, InstanceStatus::healthy); },
                             seconds(5)))
      << mismatch(*h.c);
}

}  // namespace
}  // namespace wkd::sim
