#include "registry/names.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/rng.hpp"

namespace wkd::registry {
namespace {

// Refused, with the message starting with the field's name.
#define EXPECT_REFUSED(expr, field)                                        \
  do {                                                                     \
    const auto st_ = (expr);                                               \
    EXPECT_FALSE(st_.ok()) << #expr;                                       \
    EXPECT_EQ(st_.message().rfind(std::string(field) + ": ", 0), 0u)      \
        << #expr << " -> " << st_.message();                               \
  } while (0)

TEST(RegistryNames, ServiceNames) {
  for (const char* ok : {"a", "0", "orders", "orders-v2", "a1-b2-c3", "statuses", "healthy"}) {
    EXPECT_TRUE(check_service_name("serviceName", ok).ok()) << ok;
  }
  EXPECT_TRUE(check_service_name("serviceName", std::string(63, 'a')).ok());
  for (const char* bad : {"", "-orders", "orders-", "Orders", "or_ders", "or.ders", "or ders", "orders/1", "ördr"}) {
    EXPECT_REFUSED(check_service_name("serviceName", bad), "serviceName");
  }
  EXPECT_REFUSED(check_service_name("serviceName", std::string(64, 'a')), "serviceName");
  for (const char* reserved : {"status", "health", "register", "dependencies"}) {
    EXPECT_TRUE(is_reserved_service_name(reserved));
    const auto st = check_service_name("serviceName", reserved);
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("is reserved"), std::string::npos) << st.message();
  }
  EXPECT_EQ(check_service_name("serviceName", "Orders").message(),
            "serviceName: \"Orders\" has \"O\"; a service name is lower-case letters, digits and '-'");
}

TEST(RegistryNames, InstanceIds) {
  for (const char* ok : {"i", "orders-1", "127.0.0.1:8080", "pod_abc.def~!@#$%^&*()", "UPPER"}) {
    EXPECT_TRUE(check_instance_id("instanceId", ok).ok()) << ok;
  }
  EXPECT_TRUE(check_instance_id("instanceId", std::string(128, 'x')).ok());
  EXPECT_REFUSED(check_instance_id("instanceId", std::string(129, 'x')), "instanceId");
  for (const char* bad : {"", "a/b", "a b", "tab\there", "caf\xc3\xa9", "del\x7f"}) {
    EXPECT_REFUSED(check_instance_id("instanceId", bad), "instanceId");
  }
  EXPECT_EQ(check_instance_id("instanceId", "a/b").message(), "instanceId: \"a/b\" contains '/'");
}

TEST(RegistryNames, Hosts) {
  for (const char* ok : {"127.0.0.1", "::1", "2001:db8::7", "localhost", "orders.svc.cluster.local", "a-b.C9"}) {
    EXPECT_TRUE(check_host("host", ok).ok()) << ok;
  }
  for (const char* bad : {"", "-a.example", "a..b", "a_b", "[::1]", "host:80", "a.", "256.1.1.1", "1.2.3", "1234"}) {
    EXPECT_REFUSED(check_host("host", bad), "host");
  }
  EXPECT_REFUSED(check_host("host", std::string(64, 'a') + ".example"), "host");
  std::string long_name;
  for (int i = 0; i < 4; ++i) long_name += std::string(63, 'a') + ".";
  long_name.pop_back();  // 255 characters
  EXPECT_REFUSED(check_host("host", long_name), "host");
}

TEST(RegistryNames, PortsAndWeights) {
  EXPECT_TRUE(check_port("port", 1).ok());
  EXPECT_TRUE(check_port("port", 65535).ok());
  EXPECT_REFUSED(check_port("port", 0), "port");
  EXPECT_REFUSED(check_port("port", -1), "port");
  EXPECT_REFUSED(check_port("port", 65536), "port");
  EXPECT_EQ(check_port("port", 0).message(), "port: 0 is out of range 1-65535");

  EXPECT_TRUE(check_weight("weight", 0).ok());
  EXPECT_TRUE(check_weight("weight", 100).ok());
  EXPECT_TRUE(check_weight("weight", 10000).ok());
  EXPECT_REFUSED(check_weight("weight", -1), "weight");
  EXPECT_REFUSED(check_weight("weight", 10001), "weight");
  EXPECT_EQ(check_weight("weight", -5).message(), "weight: -5 is negative");
}

TEST(RegistryNames, ProtocolsAndLabels) {
  for (const char* ok : {"http", "https", "grpc", "tcp", "udp", "h2c", "postgres+tls", "x.y-z"}) {
    EXPECT_TRUE(check_protocol("protocol", ok).ok()) << ok;
  }
  for (const char* bad : {"", "HTTP", "1http", "ht tp", "http/2", "-x"}) EXPECT_REFUSED(check_protocol("protocol", bad), "protocol");
  EXPECT_REFUSED(check_protocol("protocol", std::string(33, 'a')), "protocol");

  for (const char* ok : {"", "eu-west-1", "us-east-1a", "Zone_3", "1", "europe-west1.b"}) EXPECT_TRUE(check_label("zone", ok).ok()) << ok;
  for (const char* bad : {"-a", ".a", "a b", "a/b", "zoné"}) EXPECT_REFUSED(check_label("zone", bad), "zone");
  EXPECT_TRUE(check_label("region", std::string(64, 'r')).ok());
  EXPECT_REFUSED(check_label("region", std::string(65, 'r')), "region");
}

TEST(RegistryNames, Tags) {
  EXPECT_TRUE(check_tags("tags", {}).ok());
  EXPECT_TRUE(check_tags("tags", {"primary", "v2", "ünïcode ok", std::string(128, 't')}).ok());
  EXPECT_REFUSED(check_tags("tags", {""}), "tags");
  EXPECT_REFUSED(check_tags("tags", {std::string(129, 't')}), "tags");
  EXPECT_REFUSED(check_tags("tags", {"new\nline"}), "tags");
  EXPECT_REFUSED(check_tags("tags", {"bad\xff"}), "tags");
  std::set<std::string> many;
  for (int i = 0; i < 64; ++i) many.insert("t" + std::to_string(i));
  EXPECT_TRUE(check_tags("tags", many).ok());
  many.insert("one-more");
  const auto st = check_tags("tags", many);
  EXPECT_REFUSED(st, "tags");
  EXPECT_EQ(st.code(), Err::too_large);
}

TEST(RegistryNames, MetadataCap) {
  EXPECT_TRUE(check_metadata("metadata", {{"k", ""}, {"ключ", "значение"}, {"multi", "line\nvalue"}}).ok());
  // Exactly 64 KiB of keys and values is accepted; one byte more is not.
  std::map<std::string, std::string> md{{"k", std::string(kMaxMetadataBytes - 1, 'v')}};
  EXPECT_TRUE(check_metadata("metadata", md).ok());
  md["k"] += "v";
  const auto st = check_metadata("metadata", md);
  EXPECT_REFUSED(st, "metadata");
  EXPECT_EQ(st.code(), Err::too_large);
  EXPECT_EQ(st.message(), "metadata: keys and values take 65537 bytes; the limit is 65536");

  EXPECT_REFUSED(check_metadata("metadata", {{"", "v"}}), "metadata");
  EXPECT_REFUSED(check_metadata("metadata", {{std::string(129, 'k'), "v"}}), "metadata");
  EXPECT_REFUSED(check_metadata("metadata", {{"k\x01", "v"}}), "metadata");
  EXPECT_REFUSED(check_metadata("metadata", {{"k", "\xc0\xaf"}}), "metadata");  // overlong '/'
  EXPECT_REFUSED(check_metadata("metadata", {{"k", std::string("a\0b", 3)}}), "metadata");
}

TEST(RegistryNames, Utf8) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("plain"));
  EXPECT_TRUE(is_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_TRUE(is_utf8("\xf4\x8f\xbf\xbf"));                      // U+10FFFF
  for (const char* bad : {"\x80", "\xc3", "\xc0\x80", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
                          "\xe2\x82"}) {
    EXPECT_FALSE(is_utf8(bad)) << testing::PrintToString(std::string(bad));
  }
}

TEST(RegistryNames, Urls) {
  for (const char* ok : {"http://localhost", "https://orders.example:8443/health?x=1#f", "http://127.0.0.1:8080/",
                         "HTTP://a.b/c", "http://[::1]:9090/metrics", "https://[2001:db8::1]", "http://h?q", ""}) {
    EXPECT_TRUE(check_url("healthCheckUrl", ok).ok()) << ok << ": " << check_url("healthCheckUrl", ok).message();
  }
  for (const char* bad : {"ftp://h/", "http:/h", "//h/x", "http://", "http:///path", "http://:80/", "http://h:0/",
                          "http://h:65536/", "http://h:/", "http://h:8x/", "http://user:pw@h/", "http://h h/",
                          "http://[::1/", "http://[127.0.0.1]/", "http://[::1]x/", "http://a_b/", "health",
                          "http://h/\xc3\xa9"}) {
    EXPECT_REFUSED(check_url("metricsUrl", bad), "metricsUrl");
  }
  EXPECT_REFUSED(check_url("metricsUrl", "http://h/" + std::string(2048, 'p')), "metricsUrl");

  auto u = parse_url("healthCheckUrl", "https://[::1]:8443/ready?deep=1");
  ASSERT_TRUE(u.ok()) << u.message();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->rest, "/ready?deep=1");
  auto plain = parse_url("healthCheckUrl", "http://svc");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, 0);
  EXPECT_EQ(plain->rest, "");
}

// Random URLs built from pieces: accepted ones parse into a scheme, a host
// and a rest that rebuild the text; refused ones name the field.
TEST(RegistryNames, RandomUrlsAreAcceptedOrRefusedCleanly) {
  static const char* const kPieces[] = {"http://", "https://", "HTTP://", "ftp://", "h", "a.b", "[", "]", "::1",
                                        "127.0.0.1", ":", "8080", "0", "/", "?", "#", "@", " ", "\xff", "-", "."};
  constexpr std::size_t kCount = sizeof kPieces / sizeof kPieces[0];
  Rng rng(11);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (std::uint64_t n = 1 + rng.below(7); n > 0; --n) text += kPieces[rng.below(kCount)];
    auto u = parse_url("metricsUrl", text);
    if (!u.ok()) {
      EXPECT_EQ(u.message().rfind("metricsUrl: ", 0), 0u) << u.message();
      continue;
    }
    ++accepted;
    EXPECT_FALSE(u->host.empty()) << text;
    EXPECT_TRUE(u->scheme == "http" || u->scheme == "https") << text;
    EXPECT_NE(text.find(u->host), std::string::npos) << text;
    EXPECT_EQ(text.substr(text.size() - u->rest.size()), u->rest) << text;
  }
  EXPECT_GT(accepted, 100);
}

TEST(RegistryNames, Versions) {
  EXPECT_TRUE(check_version("version", "").ok());
  EXPECT_TRUE(check_version("version", "2.1.0-rc.1+sha.abc").ok());
  EXPECT_EQ(check_version("version", "1.2").message(),
            "version: \"1.2\" is not semver 2.0.0: at position 4: expected '.' before the patch version, found the end "
            "of the text");
  EXPECT_REFUSED(check_version("version", "v1.2.3"), "version");
  EXPECT_EQ(check_version("version", std::string(300, '1')).code(), Err::too_large);
}

}  // namespace
}  // namespace wkd::registry
