// Label header (0xF4): adding, stripping, checking against the configured
// label, and the skip-inbound-check mode.
#include "wire/label.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wkd::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

TEST(WireLabel, AddsHeader) {
  auto p = add_label(hex("0b81a55365714e6f05"), "dc1");
  ASSERT_TRUE(p);
  EXPECT_EQ(to_hex(*p), "f403646331" "0b81a55365714e6f05");
  EXPECT_EQ(label_overhead("dc1"), 5u);
  EXPECT_EQ(label_overhead(""), 0u);
}

TEST(WireLabel, EmptyLabelAddsNothing) {
  auto p = add_label(hex("0b81"), "");
  ASSERT_TRUE(p);
  EXPECT_EQ(to_hex(*p), "0b81");
  auto h = label_header("");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->empty());
}

TEST(WireLabel, RefusesLabelsLongerThan255) {
  const std::string ok(255, 'x');
  const std::string bad(256, 'x');
  auto h = label_header(ok);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->size(), 257u);
  EXPECT_EQ((*h)[1], 255);
  EXPECT_EQ(label_header(bad).code(), Err::bad_label);
  EXPECT_EQ(add_label(hex("00"), bad).code(), Err::bad_label);
}

TEST(WireLabel, StripsHeader) {
  const Bytes p = hex("f402" "6162" "0001");
  auto s = strip_label(p);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->present);
  EXPECT_EQ(s->label, "ab");
  EXPECT_EQ(to_hex(s->rest), "0001");
}

TEST(WireLabel, NoHeaderMeansEmptyLabel) {
  const Bytes p = hex("0b81a55365714e6f05");
  auto s = strip_label(p);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->present);
  EXPECT_TRUE(s->label.empty());
  EXPECT_EQ(s->rest.size(), p.size());
  auto e = strip_label({});
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->present);
}

TEST(WireLabel, MalformedHeadersAreBadLabel) {
  EXPECT_EQ(strip_label(hex("f4")).code(), Err::bad_label);
  EXPECT_EQ(strip_label(hex("f400")).code(), Err::bad_label);
  EXPECT_EQ(strip_label(hex("f40061")).code(), Err::bad_label);
  EXPECT_EQ(strip_label(hex("f4036162")).code(), Err::bad_label);
}

TEST(WireLabel, AcceptsMatchingLabel) {
  const Bytes p = hex("f402" "6162" "0b05");
  auto a = accept_label(p, "ab");
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->label, "ab");
  EXPECT_EQ(to_hex(a->rest), "0b05");
  auto none = accept_label(hex("0b05"), "");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->label.empty());
}

TEST(WireLabel, MismatchIsRejected) {
  EXPECT_EQ(accept_label(hex("f402" "6162" "0b05"), "ac").code(), Err::label_mismatch);
  // Configured but absent, and present but not configured.
  EXPECT_EQ(accept_label(hex("0b05"), "ab").code(), Err::label_mismatch);
  EXPECT_EQ(accept_label(hex("f402" "6162" "0b05"), "").code(), Err::label_mismatch);
  // Byte-wise, so a prefix does not match.
  EXPECT_EQ(accept_label(hex("f401" "61" "0b05"), "ab").code(), Err::label_mismatch);
}

TEST(WireLabel, SkipInboundCheckAssumesConfiguredLabel) {
  const Bytes p = hex("0b05");
  auto a = accept_label(p, "ab", true);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->label, "ab");
  EXPECT_EQ(to_hex(a->rest), "0b05");
  EXPECT_EQ(accept_label(hex("f402" "6162" "0b05"), "ab", true).code(), Err::bad_label);
}

}  // namespace
}  // namespace wkd::wire
