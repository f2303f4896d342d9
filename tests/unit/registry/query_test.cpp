#include "registry/query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wkd::registry {
namespace {

Instance inst(std::string service, std::string id, InstanceStatus status, std::string version = "1.0.0") {
  Instance in;
  in.service = std::move(service);
  in.id = std::move(id);
  in.host = "127.0.0.1";
  in.port = 80;
  in.status = status;
  in.check_state = status == InstanceStatus::healthy ? CheckState::passing : CheckState::critical;
  in.version = std::move(version);
  return in;
}

std::vector<std::string> ids(const std::vector<const Instance*>& v) {
  std::vector<std::string> out;
  for (const auto* i : v) out.push_back(i->id);
  return out;
}

class RegistryQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    table_.push_back(inst("orders", "a", InstanceStatus::healthy, "2.0.0"));
    table_.back().tags = {"primary", "ssd"};
    table_.back().metadata = {{"team", "core"}, {"tier", "1"}};
    table_.back().region = "eu";
    table_.back().zone = "eu-1a";
    table_.push_back(inst("orders", "b", InstanceStatus::unhealthy, "2.5.0"));
    table_.back().tags = {"primary"};
    table_.back().metadata = {{"team", "core"}};
    table_.back().region = "eu";
    table_.back().zone = "eu-1b";
    table_.push_back(inst("orders", "c", InstanceStatus::healthy, "3.0.0"));
    table_.back().check_state = CheckState::warning;
    table_.back().region = "us";
    table_.push_back(inst("orders", "d", InstanceStatus::deregistered, "2.1.0"));
    table_.push_back(inst("orders", "e", InstanceStatus::healthy, ""));
    table_.push_back(inst("billing", "x", InstanceStatus::healthy, "2.0.0"));
  }
  std::vector<std::string> run(const Query& q) { return ids(select(q, table_)); }
  std::vector<Instance> table_;
};

TEST_F(RegistryQuery, AllLeavesTombstonesOutUnlessAsked) {
  Query q;
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b", "c", "e", "x"}));
  q.service = "orders";
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b", "c", "e"}));
  q.include_deregistered = true;
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  q.service = "nothing";
  EXPECT_TRUE(run(q).empty());
}

TEST_F(RegistryQuery, HealthyOnly) {
  Query q;
  q.service = "orders";
  q.healthy_only = true;
  q.include_deregistered = true;  // still not healthy
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "c", "e"}));
}

TEST_F(RegistryQuery, TagsAllOf) {
  Query q;
  q.tags = {"primary"};
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b"}));
  q.tags = {"primary", "ssd"};
  EXPECT_EQ(run(q), (std::vector<std::string>{"a"}));
  q.tags = {"primary", "nvme"};
  EXPECT_TRUE(run(q).empty());
}

TEST_F(RegistryQuery, MetadataEquality) {
  Query q;
  q.metadata = {{"team", "core"}};
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b"}));
  q.metadata = {{"team", "core"}, {"tier", "1"}};
  EXPECT_EQ(run(q), (std::vector<std::string>{"a"}));
  q.metadata = {{"team", "Core"}};
  EXPECT_TRUE(run(q).empty());
  q.metadata = {{"tier", ""}};  // present with that value, not absent
  EXPECT_TRUE(run(q).empty());
}

TEST_F(RegistryQuery, ZoneAndRegion) {
  Query q;
  q.region = "eu";
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b"}));
  q.zone = "eu-1b";
  EXPECT_EQ(run(q), (std::vector<std::string>{"b"}));
  q.region = "us";
  EXPECT_TRUE(run(q).empty());
}

TEST_F(RegistryQuery, VersionRangeSkipsUnversioned) {
  Query q;
  q.service = "orders";
  q.version = *semver::Range::parse(">=2.0.0 <3");
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b"}));
  q.version = *semver::Range::parse("*");
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "b", "c"}));
  q.version = *semver::Range::parse("^3 || <2.1");
  q.healthy_only = true;
  EXPECT_EQ(run(q), (std::vector<std::string>{"a", "c"}));
}

TEST_F(RegistryQuery, SelectionPrefersPassingOverWarning) {
  Query q;
  q.service = "orders";
  auto picked = select(q, table_);
  table_[0].check_state = CheckState::warning;  // a: HEALTHY but warning
  table_[4].check_state = CheckState::passing;
  order_for_selection(picked);
  EXPECT_EQ(ids(picked), (std::vector<std::string>{"e", "a", "c", "b"}));
  EXPECT_EQ(selection_rank(table_[4]), 0);
  EXPECT_EQ(selection_rank(table_[0]), 1);
  EXPECT_EQ(selection_rank(table_[1]), 2);
}

}  // namespace
}  // namespace wkd::registry
