#include "registry/select.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace wkd::registry {
namespace {

Instance healthy(std::string id, std::int64_t weight = kDefaultWeight, std::string owner = "n1") {
  Instance in;
  in.service = "orders";
  in.id = std::move(id);
  in.host = "192.0.2.1";
  in.port = 80;
  in.weight = weight;
  in.status = InstanceStatus::healthy;
  in.check_state = CheckState::passing;
  in.owner = std::move(owner);
  return in;
}

SelectRequest req_of(Strategy s, const Query* filter = nullptr) {
  SelectRequest r;
  r.strategy = s;
  r.filter = filter;
  return r;
}

class Select : public ::testing::Test {
 protected:
  std::vector<const Instance*> ptrs() const {
    std::vector<const Instance*> out;
    for (const Instance& in : table_) out.push_back(&in);
    return out;
  }
  std::optional<Lease> once(const SelectRequest& req, std::int64_t now = 0) {
    const auto p = ptrs();
    return sel_.select("orders", p, req, now, rng_);
  }
  // Draws n selections (each lease released at once, no outcome).
  std::map<std::string, int> draws(const SelectRequest& req, int n, std::int64_t now = 0) {
    std::map<std::string, int> count;
    const auto p = ptrs();
    for (int i = 0; i < n; ++i) {
      auto l = sel_.select("orders", p, req, now, rng_);
      if (!l) {
        ADD_FAILURE() << "nothing selected";
        break;
      }
      ++count[l->key.id];
      sel_.release(l->id, CallOutcome::none, p, now);
    }
    return count;
  }
  std::vector<Instance> table_;
  Selector sel_;
  Rng rng_{42};
};

TEST_F(Select, WeightedRandomFollowsTheWeightsWithinAChiSquareBound) {
  for (int w : {100, 200, 300, 400}) table_.push_back(healthy("w" + std::to_string(w), w));
  const int n = 10000;
  auto count = draws(SelectRequest{}, n);
  double chi2 = 0;
  for (const Instance& in : table_) {
    const double expected = n * static_cast<double>(in.weight) / 1000.0;
    const double d = count[in.id] - expected;
    chi2 += d * d / expected;
  }
  std::printf("weighted random: chi-square %.3f over %d draws (3 degrees of freedom)\n", chi2, n);
  EXPECT_LT(chi2, 16.27);  // p = 0.001 with 3 degrees of freedom
}

TEST_F(Select, WeightZeroIsPickedOnlyWhenEveryWeightIsZero) {
  table_.push_back(healthy("a", 0));
  table_.push_back(healthy("b", 1));
  auto count = draws(SelectRequest{}, 500);
  EXPECT_EQ(count["a"], 0);
  table_[1].weight = 0;
  count = draws(SelectRequest{}, 500);
  EXPECT_GT(count["a"], 150);
  EXPECT_GT(count["b"], 150);
}

TEST_F(Select, RoundRobinIsFairAndKeepsOneCursorPerService) {
  for (const char* id : {"a", "b", "c"}) table_.push_back(healthy(id));
  SelectRequest rr = req_of(Strategy::round_robin);
  std::string order;
  for (int i = 0; i < 6; ++i) order += once(rr)->key.id;
  EXPECT_EQ(order, "abcabc");
  auto count = draws(rr, 3000);
  EXPECT_EQ(count["a"], 1000);
  EXPECT_EQ(count["b"], 1000);
  EXPECT_EQ(count["c"], 1000);
  // Another service's cursor does not move this one's.
  Instance other = healthy("x");
  other.service = "billing";
  const Instance* op[] = {&other};
  sel_.select("billing", op, rr, 0, rng_);
  EXPECT_EQ(once(rr)->key.id, "a");
}

TEST_F(Select, RandomCoversEveryCandidate) {
  for (const char* id : {"a", "b", "c", "d"}) table_.push_back(healthy(id));
  auto count = draws(req_of(Strategy::random), 4000);
  for (const char* id : {"a", "b", "c", "d"}) EXPECT_GT(count[id], 800) << id;
}

TEST_F(Select, OnlyHealthyAndPreferablyPassingInstancesAreCandidates) {
  for (InstanceStatus s : {InstanceStatus::starting, InstanceStatus::unhealthy, InstanceStatus::draining,
                           InstanceStatus::down, InstanceStatus::deregistered}) {
    table_.push_back(healthy(std::string(status_name(s))));
    table_.back().status = s;
  }
  EXPECT_FALSE(once(SelectRequest{}));
  table_.push_back(healthy("warn"));
  table_.back().check_state = CheckState::warning;
  EXPECT_EQ(once(SelectRequest{})->key.id, "warn");
  table_.push_back(healthy("pass"));
  auto count = draws(SelectRequest{}, 200);
  EXPECT_EQ(count["pass"], 200);
}

TEST_F(Select, TheFilterNarrowsTheCandidates) {
  table_.push_back(healthy("a"));
  table_.back().tags = {"primary"};
  table_.back().version = "2.1.0";
  table_.push_back(healthy("b"));
  table_.back().version = "1.0.0";
  Query f;
  f.service = "ignored";
  f.tags = {"primary"};
  SelectRequest req = req_of(Strategy::random, &f);
  EXPECT_EQ(draws(req, 50)["a"], 50);
  f.tags.clear();
  f.version = semver::Range::parse("<2").value();
  EXPECT_EQ(draws(req, 50)["b"], 50);
  f.metadata = {{"team", "core"}};
  EXPECT_FALSE(once(req));
}

TEST_F(Select, ZoneAffinityPrefersTheZoneThenTheRegionThenAny) {
  table_.push_back(healthy("far"));
  table_.back().region = "us";
  table_.back().zone = "us-1a";
  table_.push_back(healthy("region"));
  table_.back().region = "eu";
  table_.back().zone = "eu-1b";
  table_.push_back(healthy("zone"));
  table_.back().region = "eu";
  table_.back().zone = "eu-1a";
  sel_.set_locality(Locality{"eu", "eu-1a"});
  for (Strategy s : {Strategy::weighted_random, Strategy::round_robin, Strategy::random,
                     Strategy::least_connections, Strategy::nearest}) {
    SelectRequest req = req_of(s);
    EXPECT_EQ(draws(req, 20)["zone"], 20) << strategy_name(s);
    table_[2].status = InstanceStatus::draining;
    EXPECT_EQ(draws(req, 20)["region"], 20) << strategy_name(s);
    table_[1].status = InstanceStatus::down;
    EXPECT_EQ(draws(req, 20)["far"], 20) << strategy_name(s);
    table_[1].status = table_[2].status = InstanceStatus::healthy;
    req.zone_affinity = false;
    EXPECT_EQ(draws(req, 300).size(), 3u) << strategy_name(s);
  }
}

TEST_F(Select, LeastConnectionsFollowsTheLeasesInFlight) {
  for (const char* id : {"a", "b", "c"}) table_.push_back(healthy(id));
  const auto p = ptrs();
  SelectRequest lc = req_of(Strategy::least_connections);
  // Nine leases held at once: three each.
  std::vector<Lease> held;
  for (int i = 0; i < 9; ++i) held.push_back(*sel_.select("orders", p, lc, 0, rng_));
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(sel_.in_flight(InstanceKey{"orders", id}), 3u) << id;
  // Free two of b's: b has the fewest and is chosen next, twice.
  int freed = 0;
  for (const Lease& l : held) {
    if (l.key.id == "b" && freed < 2) {
      sel_.release(l.id, CallOutcome::success, p, 0);
      ++freed;
    }
  }
  EXPECT_EQ(sel_.select("orders", p, lc, 0, rng_)->key.id, "b");
  EXPECT_EQ(sel_.select("orders", p, lc, 0, rng_)->key.id, "b");
  EXPECT_EQ(sel_.in_flight(InstanceKey{"orders", "b"}), 3u);
  EXPECT_EQ(sel_.leases(), 9u);
  // Ties are broken at random: all three come up over many draws.
  auto count = draws(lc, 300);
  EXPECT_EQ(count.size(), 3u);
  // A lease is released once: a second release changes nothing.
  const Lease last = held.back();
  const std::uint32_t before = sel_.in_flight(last.key);
  sel_.release(last.id, CallOutcome::none, p, 0);
  sel_.release(last.id, CallOutcome::none, p, 0);
  EXPECT_EQ(sel_.in_flight(last.key), before - 1);
  EXPECT_EQ(sel_.leases(), 8u);
}

TEST_F(Select, NearestPicksTheClosestOwnerWithNoisyEstimates) {
  // Four owners; the estimates wobble by +-15 % on every query.
  const std::map<std::string, double> rtt = {{"n1", 0.010}, {"n2", 0.013}, {"n3", 0.030}, {"n4", 0.080}};
  for (const auto& [owner, s] : rtt) table_.push_back(healthy("on-" + owner, kDefaultWeight, owner));
  Rng noise(7);
  SelectRequest req = req_of(Strategy::nearest);
  req.rtt = [&](const std::string& node) -> std::optional<double> {
    return rtt.at(node) * (0.85 + 0.30 * noise.unit());
  };
  const int n = 1000;
  const int closest = draws(req, n)["on-n1"];
  std::printf("nearest: the closest owner in %d of %d draws\n", closest, n);
  EXPECT_GE(closest, n * 9 / 10);
}

TEST_F(Select, NearestFallsBackToWeightedRandom) {
  table_.push_back(healthy("a", 100, "n1"));
  table_.push_back(healthy("b", 300, "n2"));
  table_.push_back(healthy("c", 100, "n3"));
  SelectRequest req = req_of(Strategy::nearest);
  // No estimates at all: weighted random over everything.
  auto count = draws(req, 2000);
  EXPECT_GT(count["b"], count["a"] + 400);
  EXPECT_GT(count["c"], 0);
  req.rtt = [](const std::string&) -> std::optional<double> { return std::nullopt; };
  count = draws(req, 2000);
  EXPECT_GT(count["b"], count["a"] + 400);
  // A tie between a and b: weighted random between them; c unknown loses.
  req.rtt = [](const std::string& node) -> std::optional<double> {
    if (node == "n3") return std::nullopt;
    return 0.002;
  };
  count = draws(req, 2000);
  EXPECT_EQ(count["c"], 0);
  EXPECT_GT(count["b"], count["a"] + 400);
}

TEST_F(Select, AReleasedFailureEjectsUntilTheBackoffPasses) {
  sel_.outlier().set_config(OutlierConfig{3, 1000, 10000, 50});
  for (const char* id : {"a", "b"}) table_.push_back(healthy(id));
  const auto p = ptrs();
  const SelectRequest rr = req_of(Strategy::round_robin);
  int failures = 0;
  // Every call to a fails.
  for (int i = 0; i < 6; ++i) {
    auto l = sel_.select("orders", p, rr, 100, rng_);
    const bool is_a = l->key.id == "a";
    if (sel_.release(l->id, is_a ? CallOutcome::failure : CallOutcome::success, p, 100)) ++failures;
  }
  EXPECT_EQ(failures, 1);
  EXPECT_TRUE(sel_.outlier().ejected(InstanceKey{"orders", "a"}, 100));
  EXPECT_EQ(draws(rr, 10, 1099)["b"], 10);
  EXPECT_EQ(draws(rr, 10, 1100)["a"], 5);  // back after 1 s
  // A direct report counts the same way; a success in between resets it.
  const InstanceKey a{"orders", "a"};
  sel_.report(a, CallOutcome::failure, p, 1200);
  sel_.report(a, CallOutcome::failure, p, 1200);
  sel_.report(a, CallOutcome::success, p, 1200);
  sel_.report(a, CallOutcome::failure, p, 1200);
  EXPECT_FALSE(sel_.outlier().ejected(a, 1200));
  sel_.report(a, CallOutcome::failure, p, 1200);
  EXPECT_TRUE(sel_.report(a, CallOutcome::failure, p, 1200));
  EXPECT_EQ(sel_.outlier().ejected_until(a, 1200), 3200);  // ejected a second time: twice the base
}

TEST_F(Select, StateOfVanishedInstancesIsDropped) {
  sel_.outlier().set_config(OutlierConfig{1, 1000, 10000, 50});
  for (const char* id : {"a", "b", "c"}) table_.push_back(healthy(id));
  auto p = ptrs();
  EXPECT_TRUE(sel_.report(InstanceKey{"orders", "a"}, CallOutcome::failure, p, 0));
  EXPECT_EQ(sel_.outlier().tracked(), 1u);
  table_.erase(table_.begin());
  EXPECT_TRUE(once(SelectRequest{}));
  EXPECT_EQ(sel_.outlier().tracked(), 0u);
  // A report for an instance the caller does not hold keeps nothing.
  p = ptrs();
  EXPECT_FALSE(sel_.report(InstanceKey{"orders", "gone"}, CallOutcome::failure, p, 0));
  EXPECT_EQ(sel_.outlier().tracked(), 0u);
}

}  // namespace
}  // namespace wkd::registry
