// NameIndex: lookups, growth and backward-shift deletion against a
// std::map model under a long random sequence of inserts and erases.
#include "swim/name_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>

namespace wkd::swim {
namespace {

std::unique_ptr<NodeInfo> node(std::string name) {
  auto n = std::make_unique<NodeInfo>();
  n->name = std::move(name);
  return n;
}

TEST(NameIndex, FindsWhatWasInsertedAndNothingElse) {
  NameIndex idx;
  EXPECT_EQ(idx.find("a"), nullptr);
  EXPECT_FALSE(idx.erase("a"));
  auto a = node("a"), b = node("b"), empty = node("");
  idx.insert(a.get());
  idx.insert(b.get());
  idx.insert(empty.get());
  EXPECT_EQ(idx.size(), 3u);
  EXPECT_EQ(idx.find("a"), a.get());
  EXPECT_EQ(idx.find("b"), b.get());
  EXPECT_EQ(idx.find(""), empty.get());
  EXPECT_EQ(idx.find("c"), nullptr);
  EXPECT_TRUE(idx.erase("a"));
  EXPECT_EQ(idx.find("a"), nullptr);
  EXPECT_EQ(idx.find("b"), b.get());
  EXPECT_EQ(idx.size(), 2u);
}

// Random inserts and erases over a pool of `names` names, every lookup
// checked against a std::map every `check_every` steps.
void run_against_model(int names, int steps, int check_every, std::uint32_t seed) {
  const std::string prefix = "s" + std::to_string(seed) + "-";  // other names, other home slots
  std::mt19937 rng(seed);
  std::map<std::string, std::unique_ptr<NodeInfo>> model;
  NameIndex idx;
  for (int step = 0; step < steps; ++step) {
    const std::string name = prefix + std::to_string(rng() % static_cast<std::uint32_t>(names));
    if (rng() % 3 != 0) {
      if (model.count(name) == 0) {
        auto n = node(name);
        idx.insert(n.get());
        model.emplace(name, std::move(n));
      }
    } else {
      const bool erased = idx.erase(name);  // before the model frees the node
      ASSERT_EQ(erased, model.erase(name) == 1) << name << " at step " << step;
    }
    if (step % check_every == 0) {
      ASSERT_EQ(idx.size(), model.size());
      for (int k = 0; k < names; ++k) {
        const std::string probe = prefix + std::to_string(k);
        auto it = model.find(probe);
        ASSERT_EQ(idx.find(probe), it == model.end() ? nullptr : it->second.get()) << probe << " at step " << step;
      }
    }
  }
}

TEST(NameIndex, MatchesAMapModelThroughGrowthAndDeletions) {
  // A few names in the smallest table: probe runs wrap around the end of
  // the array all the time, the case backward-shift deletion must get
  // right. Then larger pools, through growth.
  for (std::uint32_t seed = 1; seed <= 200; ++seed) run_against_model(6, 1000, 1, seed);
  run_against_model(40, 20000, 1, 7);
  run_against_model(3000, 200000, 5000, 7);
}

TEST(NameIndex, ReserveKeepsEntriesAndSizesForTheCount) {
  NameIndex idx;
  auto a = node("alpha");
  idx.insert(a.get());
  idx.reserve(1000);
  EXPECT_EQ(idx.find("alpha"), a.get());
  // At most 3/4 full: 1000 entries need 2048 slots.
  EXPECT_EQ(idx.capacity_bytes(), 2048 * sizeof(NodeInfo*));
}

}  // namespace
}  // namespace wkd::swim
