// msgpack Writer/Reader: Go's exact byte choices in both int styles, and a
// reader that accepts every form Go accepts while checking every length.
#include "wire/msgpack.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace wkd::wire::msgpack {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << h;
  return out;
}

std::string written(const std::function<void(Writer&)>& fn, IntStyle style = IntStyle::legacy) {
  Bytes out;
  Writer w(out, style);
  fn(w);
  return to_hex(out);
}

TEST(MsgpackWriter, UnsignedUsesSmallestUnsignedFormInBothStyles) {
  const std::pair<std::uint64_t, const char*> cases[] = {
      {0, "00"},
      {127, "7f"},
      {128, "cc80"},
      {255, "ccff"},
      {256, "cd0100"},
      {65535, "cdffff"},
      {65536, "ce00010000"},
      {0xffffffffu, "ceffffffff"},
      {0x100000000ull, "cf0000000100000000"},
      {std::numeric_limits<std::uint64_t>::max(), "cfffffffffffffffff"},
  };
  for (auto [v, want] : cases) {
    EXPECT_EQ(written([v = v](Writer& w) { w.uint(v); }, IntStyle::legacy), want) << v;
    EXPECT_EQ(written([v = v](Writer& w) { w.uint(v); }, IntStyle::v2), want) << v;
  }
}

TEST(MsgpackWriter, SignedLegacyUsesUnsignedFormsForNonNegatives) {
  const std::pair<std::int64_t, const char*> cases[] = {
      {0, "00"},          {127, "7f"},           {128, "cc80"},
      {200, "ccc8"},      {585, "cd0249"},       {70000, "ce00011170"},
      {2000000000, "ce77359400"},                {std::int64_t{1} << 40, "cf0000010000000000"},
  };
  for (auto [v, want] : cases) {
    EXPECT_EQ(written([v = v](Writer& w) { w.sint(v); }, IntStyle::legacy), want) << v;
  }
}

TEST(MsgpackWriter, SignedV2UsesSignedFormsAbove127) {
  const std::pair<std::int64_t, const char*> cases[] = {
      {0, "00"},
      {127, "7f"},
      {128, "d10080"},
      {200, "d100c8"},
      {585, "d10249"},
      {32767, "d17fff"},
      {32768, "d200008000"},
      {70000, "d200011170"},
      {2000000000, "d277359400"},
      {std::int64_t{1} << 31, "d30000000080000000"},
      {std::numeric_limits<std::int64_t>::max(), "d37fffffffffffffff"},
  };
  for (auto [v, want] : cases) {
    EXPECT_EQ(written([v = v](Writer& w) { w.sint(v); }, IntStyle::v2), want) << v;
  }
}

TEST(MsgpackWriter, NegativesAreIdenticalInBothStyles) {
  const std::pair<std::int64_t, const char*> cases[] = {
      {-1, "ff"},
      {-5, "fb"},
      {-32, "e0"},
      {-33, "d0df"},
      {-128, "d080"},
      {-129, "d1ff7f"},
      {-32768, "d18000"},
      {-32769, "d2ffff7fff"},
      {std::numeric_limits<std::int32_t>::min(), "d280000000"},
      {std::int64_t{std::numeric_limits<std::int32_t>::min()} - 1, "d3ffffffff7fffffff"},
      {std::numeric_limits<std::int64_t>::min(), "d38000000000000000"},
  };
  for (auto [v, want] : cases) {
    EXPECT_EQ(written([v = v](Writer& w) { w.sint(v); }, IntStyle::legacy), want) << v;
    EXPECT_EQ(written([v = v](Writer& w) { w.sint(v); }, IntStyle::v2), want) << v;
  }
}

TEST(MsgpackWriter, StringsAreRawNeverStr8OrBin) {
  EXPECT_EQ(written([](Writer& w) { w.str(""); }), "a0");
  EXPECT_EQ(written([](Writer& w) { w.str("a"); }), "a161");
  const std::string s31(31, 'x');
  EXPECT_EQ(written([&](Writer& w) { w.str(s31); }).substr(0, 2), "bf");
  const std::string s32(32, 'x');
  EXPECT_EQ(written([&](Writer& w) { w.str(s32); }).substr(0, 6), "da0020");
  const std::string s255(255, 'x');  // where str8 would be tempting
  EXPECT_EQ(written([&](Writer& w) { w.str(s255); }).substr(0, 6), "da00ff");
  const std::string s65535(65535, 'x');
  EXPECT_EQ(written([&](Writer& w) { w.str(s65535); }).substr(0, 6), "daffff");
  const std::string s65536(65536, 'x');
  Bytes out;
  Writer w(out);
  w.str(s65536);
  EXPECT_EQ(to_hex(ByteView(out).first(5)), "db00010000");
  EXPECT_EQ(out.size(), 65536u + 5);
}

TEST(MsgpackWriter, BytesUseTheStringEncodingAndNilIsC0) {
  const Bytes vsn{1, 5, 2, 2, 5, 5};
  EXPECT_EQ(written([&](Writer& w) { w.raw(vsn); }), "a6010502020505");
  EXPECT_EQ(written([&](Writer& w) { w.raw(Bytes{}); }), "a0");
  EXPECT_EQ(written([&](Writer& w) { w.raw_or_nil({}, true); }), "c0");
  EXPECT_EQ(written([&](Writer& w) { w.raw_or_nil({}, false); }), "a0");
  const Bytes b40(40, 0x01);
  EXPECT_EQ(written([&](Writer& w) { w.raw(b40); }).substr(0, 6), "da0028");
}

TEST(MsgpackWriter, ScalarsAndHeaders) {
  EXPECT_EQ(written([](Writer& w) { w.nil(); }), "c0");
  EXPECT_EQ(written([](Writer& w) { w.boolean(true); }), "c3");
  EXPECT_EQ(written([](Writer& w) { w.boolean(false); }), "c2");
  EXPECT_EQ(written([](Writer& w) { w.float64(1.5); }), "cb3ff8000000000000");
  EXPECT_EQ(written([](Writer& w) { w.float64(1e-5); }), "cb3ee4f8b588e368f1");
  EXPECT_EQ(written([](Writer& w) { w.array_header(0); }), "90");
  EXPECT_EQ(written([](Writer& w) { w.array_header(15); }), "9f");
  EXPECT_EQ(written([](Writer& w) { w.array_header(16); }), "dc0010");
  EXPECT_EQ(written([](Writer& w) { w.array_header(512); }), "dc0200");
  EXPECT_EQ(written([](Writer& w) { w.array_header(65536); }), "dd00010000");
  EXPECT_EQ(written([](Writer& w) { w.map_header(0); }), "80");
  EXPECT_EQ(written([](Writer& w) { w.map_header(15); }), "8f");
  EXPECT_EQ(written([](Writer& w) { w.map_header(16); }), "de0010");
  EXPECT_EQ(written([](Writer& w) { w.map_header(65536); }), "df00010000");
}

TEST(MsgpackReader, UintAcceptsEveryIntFormWithRangeChecks) {
  const std::pair<const char*, std::uint64_t> ok[] = {
      {"05", 5},          {"cc05", 5},         {"cd0005", 5},       {"ce00000005", 5},
      {"cf0000000000000005", 5}, {"d005", 5},  {"d10249", 585},     {"d277359400", 2000000000},
      {"d30000000000000005", 5}, {"cfffffffffffffffff", std::numeric_limits<std::uint64_t>::max()},
  };
  for (auto [h, want] : ok) {
    Bytes in = hex(h);
    Reader r(in);
    auto v = r.read_uint("f");
    ASSERT_TRUE(v.ok()) << h << ": " << v.message();
    EXPECT_EQ(*v, want) << h;
    EXPECT_TRUE(r.at_end());
  }
  for (const char* neg : {"ff", "d0ff", "d1ffff", "d2ffffffff", "d3ffffffffffffffff"}) {
    Bytes in = hex(neg);
    Reader r(in);
    auto v = r.read_uint("SeqNo");
    ASSERT_FALSE(v.ok()) << neg;
    EXPECT_EQ(v.code(), Err::bad_field);
    EXPECT_NE(v.message().find("SeqNo"), std::string::npos) << v.message();
    EXPECT_EQ(r.offset(), 0u) << "failed read must not move the cursor";
  }
  Bytes big = hex("ce00011170");  // 70000 into a uint16
  Reader r(big);
  auto v = r.read_uint("Port", 0xffff);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.code(), Err::bad_field);
}

TEST(MsgpackReader, IntRangeAndSignHandling) {
  Bytes in = hex("cfffffffffffffffff");
  Reader r(in);
  auto v = r.read_int("x");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.code(), Err::bad_field);

  Bytes min64 = hex("d38000000000000000");
  Reader r2(min64);
  auto m = r2.read_int("x");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, std::numeric_limits<std::int64_t>::min());

  Bytes neg = hex("fb");
  Reader r3(neg);
  auto n = r3.read_int("x", 0, 100);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.code(), Err::bad_field);

  Bytes pos = hex("cc80");
  Reader r4(pos);
  auto p = r4.read_int("x", -10, 127);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.code(), Err::bad_field);
}

TEST(MsgpackReader, WrongTypeIsBadFieldAndInvalidByteIsBadMsgpack) {
  Bytes s = hex("a161");
  Reader r(s);
  auto v = r.read_uint("SeqNo");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.code(), Err::bad_field);
  EXPECT_NE(v.message().find("SeqNo"), std::string::npos);

  Bytes c1 = hex("c1");
  for (int which = 0; which < 5; ++which) {
    Reader rr(c1);
    Err code{};
    switch (which) {
      case 0: code = rr.read_uint("f").code(); break;
      case 1: code = rr.read_raw("f").code(); break;
      case 2: code = rr.skip("f").code(); break;
      case 3: code = rr.read_map_header("f").code(); break;
      default: code = rr.peek_kind("f").code(); break;
    }
    EXPECT_EQ(code, Err::bad_msgpack) << which;
  }
}

TEST(MsgpackReader, BoolAcceptsC2C3AndFixint01) {
  const std::pair<const char*, bool> ok[] = {{"c3", true}, {"c2", false}, {"01", true}, {"00", false}};
  for (auto [h, want] : ok) {
    Bytes in = hex(h);
    Reader r(in);
    auto v = r.read_bool("Nack");
    ASSERT_TRUE(v.ok()) << h;
    EXPECT_EQ(*v, want);
  }
  Bytes two = hex("02");
  Reader r(two);
  EXPECT_EQ(r.read_bool("Nack").code(), Err::bad_field);
}

TEST(MsgpackReader, FloatAcceptsFloat32Float64AndInts) {
  const std::pair<const char*, double> ok[] = {
      {"cb3ff8000000000000", 1.5}, {"ca3fc00000", 1.5}, {"03", 3.0}, {"fd", -3.0}, {"cd0100", 256.0}};
  for (auto [h, want] : ok) {
    Bytes in = hex(h);
    Reader r(in);
    auto v = r.read_float("Error");
    ASSERT_TRUE(v.ok()) << h;
    EXPECT_DOUBLE_EQ(*v, want);
  }
  Bytes s = hex("a0");
  Reader r(s);
  EXPECT_EQ(r.read_float("Error").code(), Err::bad_field);
  Bytes t = hex("cb3ff8");
  Reader r2(t);
  EXPECT_EQ(r2.read_float("Error").code(), Err::truncated);
}

TEST(MsgpackReader, RawAcceptsEveryStrAndBinForm) {
  for (const char* h : {"a3616263", "d903616263", "da0003616263", "db00000003616263", "c403616263",
                        "c50003616263", "c600000003616263"}) {
    Bytes in = hex(h);
    Reader r(in);
    auto v = r.read_str("Node");
    ASSERT_TRUE(v.ok()) << h << ": " << v.message();
    EXPECT_EQ(*v, "abc") << h;
    EXPECT_TRUE(r.at_end()) << h;
  }
}

TEST(MsgpackReader, RawLengthBeyondInputIsTruncated) {
  for (const char* h : {"a36162", "d9", "d90361", "da00", "da000361", "db000000", "c40361",
                        "dbffffffff61"}) {
    Bytes in = hex(h);
    Reader r(in);
    auto v = r.read_raw("Meta");
    ASSERT_FALSE(v.ok()) << h;
    EXPECT_EQ(v.code(), Err::truncated) << h;
    EXPECT_NE(v.message().find("Meta"), std::string::npos);
    EXPECT_EQ(r.offset(), 0u);
  }
}

TEST(MsgpackReader, BytesAcceptArrayOfSmallInts) {
  Bytes in = hex("96010502020505");
  Reader r(in);
  auto v = r.read_bytes("Vsn");
  ASSERT_TRUE(v.ok()) << v.message();
  EXPECT_EQ(*v, (Bytes{1, 5, 2, 2, 5, 5}));

  Bytes bad = hex("9201cd0100");
  Reader r2(bad);
  auto b = r2.read_bytes("Vsn");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.code(), Err::bad_field);
  EXPECT_EQ(r2.offset(), 0u);
}

TEST(MsgpackReader, ContainerHeadersCheckCountsAgainstInput) {
  Bytes ok = hex("dc0002c0c0");
  Reader r(ok);
  auto n = r.read_array_header("Events");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);

  // 4 billion entries declared, no data: truncation, not an allocation.
  Bytes huge = hex("ddffffffff");
  Reader r2(huge);
  EXPECT_EQ(r2.read_array_header("Events").code(), Err::truncated);
  Bytes huge_map = hex("dfffffffff");
  Reader r3(huge_map);
  EXPECT_EQ(r3.read_map_header("Tags").code(), Err::truncated);
  Bytes wrong = hex("81a0a0");
  Reader r4(wrong);
  EXPECT_EQ(r4.read_array_header("Events").code(), Err::bad_field);
}

TEST(MsgpackReader, StructHeaderTakesMapOrArray) {
  Bytes m = hex("82a0a0a0a0");
  Reader rm(m);
  auto hm = rm.read_struct_header("ping");
  ASSERT_TRUE(hm.ok());
  EXPECT_TRUE(hm->is_map);
  EXPECT_EQ(hm->count, 2u);
  EXPECT_EQ(rm.offset(), 1u);

  Bytes short_map = hex("82a0a0");  // two entries need at least four bytes
  Reader rsm(short_map);
  EXPECT_EQ(rsm.read_struct_header("ping").code(), Err::truncated);

  Bytes a = hex("93010203");
  Reader ra(a);
  auto ha = ra.read_struct_header("ping");
  ASSERT_TRUE(ha.ok());
  EXPECT_FALSE(ha->is_map);
  EXPECT_EQ(ha->count, 3u);

  Bytes s = hex("a0");
  Reader rs(s);
  EXPECT_EQ(rs.read_struct_header("ping").code(), Err::bad_field);
}

TEST(MsgpackReader, SkipHandlesEveryType) {
  const char* values[] = {
      "00", "7f", "e0", "c0", "c2", "c3", "cc01", "cd0001", "ce00000001", "cf0000000000000001",
      "d0ff", "d1ffff", "d2ffffffff", "d3ffffffffffffffff", "ca00000000", "cb0000000000000000",
      "a161", "d90161", "da000161", "db0000000161", "c40161", "c5000161", "c600000001" "61",
      "d40100", "d5010000", "d601" "00000000", "d701" "0000000000000000",
      "d801" "00000000000000000000000000000000", "c70201" "0000", "c8000201" "0000",
      "c900000002" "01" "0000", "9300a161c0", "dc000100", "dd0000000100", "82a16101a162c0",
      "de0001a16100", "df00000001a16100", "81a16191" "81a16292c0c3",
  };
  for (const char* h : values) {
    Bytes in = hex(std::string(h) + "ee");  // a trailing sentinel
    Reader r(in);
    auto st = r.skip("x");
    ASSERT_TRUE(st.ok()) << h << ": " << st.message();
    EXPECT_EQ(r.remaining(), 1u) << h;
  }
}

TEST(MsgpackReader, SkipOfTruncatedValueIsTruncatedAndRestoresPosition) {
  for (const char* h : {"cd00", "a561", "9301", "82a161", "d8", "c702", "c70201", "dc00", "81"}) {
    Bytes in = hex(h);
    Reader r(in);
    auto st = r.skip("x");
    ASSERT_FALSE(st.ok()) << h;
    EXPECT_EQ(st.code(), Err::truncated) << h;
    EXPECT_EQ(r.offset(), 0u) << h;
  }
}

TEST(MsgpackReader, SkipDepthIsLimitedWithoutRecursion) {
  // kMaxDepth nested arrays are fine.
  Bytes ok(Reader::kMaxDepth, 0x91);
  ok.push_back(0x00);
  Reader r(ok);
  EXPECT_TRUE(r.skip("x").ok());
  EXPECT_TRUE(r.at_end());
  // One more level is rejected.
  Bytes deep(Reader::kMaxDepth + 1, 0x91);
  deep.push_back(0x00);
  Reader r2(deep);
  EXPECT_EQ(r2.skip("x").code(), Err::bad_msgpack);
  // A hostile million-level nest is rejected quickly, no stack overflow.
  Bytes hostile(1'000'000, 0x91);
  hostile.push_back(0x00);
  Reader r3(hostile);
  EXPECT_EQ(r3.skip("x").code(), Err::bad_msgpack);
  // Maps nest the same way.
  Bytes maps;
  for (int i = 0; i < 100; ++i) {
    maps.push_back(0x81);
    maps.push_back(0xa0);
  }
  maps.push_back(0xc0);
  Reader r4(maps);
  EXPECT_EQ(r4.skip("x").code(), Err::bad_msgpack);
}

TEST(MsgpackReader, TakeNilAndPeek) {
  Bytes in = hex("c0a0");
  Reader r(in);
  auto k = r.peek_kind("x");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, Kind::nil);
  EXPECT_TRUE(r.take_nil());
  EXPECT_FALSE(r.take_nil());
  EXPECT_EQ(*r.peek_kind("x"), Kind::str);
  Reader empty{ByteView{}};
  EXPECT_FALSE(empty.take_nil());
  EXPECT_EQ(empty.peek_kind("x").code(), Err::truncated);
}

// Every value written in either style reads back to itself.
TEST(MsgpackRoundTrip, IntsInBothStyles) {
  std::vector<std::int64_t> values;
  for (int shift = 0; shift < 63; ++shift) {
    const std::int64_t p = std::int64_t{1} << shift;
    for (std::int64_t d : {-1, 0, 1}) {
      values.push_back(p + d);
      values.push_back(-(p + d));
    }
  }
  values.push_back(std::numeric_limits<std::int64_t>::max());
  values.push_back(std::numeric_limits<std::int64_t>::min());
  for (IntStyle style : {IntStyle::legacy, IntStyle::v2}) {
    Bytes out;
    Writer w(out, style);
    for (auto v : values) w.sint(v);
    for (auto v : values) {
      if (v >= 0) w.uint(static_cast<std::uint64_t>(v));
    }
    Reader r(out);
    for (auto v : values) {
      auto got = r.read_int("v");
      ASSERT_TRUE(got.ok()) << v << " " << int_style_name(style);
      EXPECT_EQ(*got, v);
    }
    for (auto v : values) {
      if (v < 0) continue;
      auto got = r.read_uint("v");
      ASSERT_TRUE(got.ok()) << v;
      EXPECT_EQ(*got, static_cast<std::uint64_t>(v));
    }
    EXPECT_TRUE(r.at_end());
  }
}

TEST(MsgpackRoundTrip, FloatsStringsAndContainers) {
  Bytes out;
  Writer w(out, IntStyle::v2);
  w.map_header(2);
  w.key("Vec");
  w.array_header(3);
  w.float64(-0.25);
  w.float64(std::numeric_limits<double>::denorm_min());
  w.float64(1e300);
  w.key("Name");
  const std::string long_name(70000, 'n');
  w.str(long_name);

  Reader r(out);
  auto m = r.read_map_header("m");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, 2u);
  EXPECT_EQ(*r.read_str("k"), "Vec");
  EXPECT_EQ(*r.read_array_header("Vec"), 3u);
  EXPECT_EQ(*r.read_float("v"), -0.25);
  EXPECT_EQ(*r.read_float("v"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(*r.read_float("v"), 1e300);
  EXPECT_EQ(*r.read_str("k"), "Name");
  EXPECT_EQ(*r.read_str("Name"), long_name);
  EXPECT_TRUE(r.at_end());
}

}  // namespace
}  // namespace wkd::wire::msgpack
