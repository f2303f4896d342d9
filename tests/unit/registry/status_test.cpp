#include "registry/status.hpp"

#include <gtest/gtest.h>

namespace wkd::registry {
namespace {

using S = InstanceStatus;
using C = CheckState;

TEST(RegistryStatus, NamesRoundTripAndParseIgnoresCase) {
  for (S s : {S::starting, S::healthy, S::unhealthy, S::draining, S::down, S::deregistered}) {
    EXPECT_EQ(parse_status(status_name(s)), s) << status_name(s);
  }
  EXPECT_STREQ(status_name(S::draining), "DRAINING");
  EXPECT_EQ(parse_status("healthy"), S::healthy);
  EXPECT_EQ(parse_status("Deregistered"), S::deregistered);
  EXPECT_FALSE(parse_status("UP").has_value());
  EXPECT_FALSE(parse_status("").has_value());
  EXPECT_FALSE(parse_status("HEALTHY ").has_value());

  for (C c : {C::passing, C::warning, C::critical}) EXPECT_EQ(parse_check_state(check_state_name(c)), c);
  EXPECT_STREQ(check_state_name(C::warning), "warning");
  EXPECT_EQ(parse_check_state("CRITICAL"), C::critical);
  EXPECT_FALSE(parse_check_state("failing").has_value());
}

// The table of status.hpp and docs/registry.md, cell by cell.
TEST(RegistryStatus, MappingTable) {
  struct Row {
    S before;
    S passing, warning, critical;
  };
  const Row rows[] = {
      {S::starting, S::healthy, S::healthy, S::unhealthy},
      {S::healthy, S::healthy, S::healthy, S::unhealthy},
      {S::unhealthy, S::healthy, S::healthy, S::unhealthy},
      {S::draining, S::draining, S::draining, S::draining},
      {S::down, S::down, S::down, S::down},
      {S::deregistered, S::deregistered, S::deregistered, S::deregistered},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(status_name(r.before));
    EXPECT_EQ(status_after_check(r.before, C::passing), r.passing);
    EXPECT_EQ(status_after_check(r.before, C::warning), r.warning);
    EXPECT_EQ(status_after_check(r.before, C::critical), r.critical);
  }
}

TEST(RegistryStatus, ConsulViewShowsCheckOnlyWhenHealthy) {
  EXPECT_EQ(check_state_view(S::healthy, C::passing), C::passing);
  EXPECT_EQ(check_state_view(S::healthy, C::warning), C::warning);
  for (S s : {S::starting, S::unhealthy, S::draining, S::down, S::deregistered}) {
    EXPECT_EQ(check_state_view(s, C::passing), C::critical) << status_name(s);
  }
}

TEST(RegistryStatus, Predicates) {
  EXPECT_TRUE(is_selectable(S::healthy));
  for (S s : {S::starting, S::unhealthy, S::draining, S::down, S::deregistered}) {
    EXPECT_FALSE(is_selectable(s)) << status_name(s);
  }
  EXPECT_TRUE(is_check_driven(S::starting));
  EXPECT_TRUE(is_check_driven(S::unhealthy));
  EXPECT_FALSE(is_check_driven(S::draining));
  EXPECT_FALSE(is_check_driven(S::down));
  EXPECT_TRUE(is_terminal(S::deregistered));
  EXPECT_FALSE(is_terminal(S::down));
}

}  // namespace
}  // namespace wkd::registry
