// seeds_not_live(): which configured seeds the agent joins again because
// they are not a live member of its view.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/seeds.hpp"

namespace wkd::agent {
namespace {

using runtime::MemberState;

runtime::ViewEntry entry(const std::string& name, const char* addr, MemberState st, bool local = false) {
  auto m = std::make_shared<runtime::MemberView>();
  m->name = name;
  m->addr = *parse_address(addr);
  m->state = st;
  m->is_local = local;
  return runtime::ViewEntry(std::move(m), 0);
}

TEST(SeedRecheck, AliveAndSuspectSeedsAreLiveOthersAreNot) {
  runtime::View v;
  v.members.push_back(entry("self", "192.0.2.1:7474", MemberState::alive, true));
  v.members.push_back(entry("b", "192.0.2.2:7474", MemberState::alive));
  v.members.push_back(entry("c", "192.0.2.3:7474", MemberState::suspect));
  v.members.push_back(entry("d", "192.0.2.4:7474", MemberState::failed));
  v.members.push_back(entry("e", "192.0.2.5:7474", MemberState::left));
  const std::vector<std::string> seeds = {"192.0.2.1:7474", "192.0.2.2:7474", "192.0.2.3:7474", "192.0.2.4:7474",
                                          "192.0.2.5:7474", "192.0.2.6:7474", "192.0.2.2:7000", "db.example:7474"};
  const auto missing = seeds_not_live(seeds, v, *parse_address("192.0.2.1:7474"));
  // Itself is never rejoined; failed, left, forgotten (reaped), another
  // port and a host name are.
  EXPECT_EQ(missing, (std::vector<std::string>{"192.0.2.4:7474", "192.0.2.5:7474", "192.0.2.6:7474",
                                                 "192.0.2.2:7000", "db.example:7474"}));
}

TEST(SeedRecheck, EmptyViewMissesEverySeed) {
  runtime::View v;
  const std::vector<std::string> seeds = {"192.0.2.2:7474", "[::1]:7474"};
  EXPECT_EQ(seeds_not_live(seeds, v, *parse_address("192.0.2.1:7474")), seeds);
}

}  // namespace
}  // namespace wkd::agent
