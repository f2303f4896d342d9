#include "common/address.hpp"

#include <gtest/gtest.h>

namespace wkd {
namespace {

TEST(Address, ParsesAndPrintsV4) {
  auto a = parse_address("127.0.0.2:7946");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->port, 7946);
  EXPECT_EQ(a->to_string(), "127.0.0.2:7946");
  EXPECT_EQ(*a, Address::v4(127, 0, 0, 2, 7946));
}

TEST(Address, ParsesAndPrintsV6) {
  auto a = parse_address("[::1]:7474");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip_len, 16);
  EXPECT_EQ(a->ip[15], 1);
  EXPECT_EQ(a->to_string(), "[::1]:7474");
  auto b = parse_ip("2001:db8:0:0:1:0:0:1");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ip_string(), "2001:db8::1:0:0:1");
  auto c = parse_ip("::ffff:127.0.0.1");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->is_v4_or_mapped());
  EXPECT_EQ(c->unmapped(), Address::v4(127, 0, 0, 1, 0));
  EXPECT_EQ(c->ip_string(), "::ffff:127.0.0.1");
  EXPECT_EQ(parse_ip("::")->ip_string(), "::");
  EXPECT_EQ(parse_ip("fe80::")->ip_string(), "fe80::");
}

TEST(Address, RejectsMalformed) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4:", "1.2.3.4:70000",
                          "[::1", "[]:80", "1::2::3", ":1:2", "1:2:3:4:5:6:7:8:9", "12345::", "g::1",
                          "host:80"}) {
    EXPECT_FALSE(parse_address(bad)) << bad;
  }
}

TEST(Address, DefaultPort) {
  auto a = parse_address("127.1.2.3", 7946);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 7946);
  EXPECT_FALSE(parse_address("127.1.2.3"));
  auto b = parse_address("::1", 7946);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, 7946);
}

TEST(Address, SplitHostPortKeepsNames) {
  auto hp = split_host_port("seed.example:7000", 7946);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "seed.example");
  EXPECT_EQ(hp->port, 7000);
  hp = split_host_port("seed.example", 7946);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->port, 7946);
  EXPECT_FALSE(split_host_port("seed:x", 1));
}

TEST(Address, FromBytesKeepsLength) {
  const std::uint8_t v4[] = {127, 0, 0, 1};
  auto a = Address::from_bytes(v4, 1);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip_len, 4);
  const std::uint8_t three[] = {1, 2, 3};
  EXPECT_FALSE(Address::from_bytes(three, 1));
}

}  // namespace
}  // namespace wkd
