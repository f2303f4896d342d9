// [[agent.token]] and the loopback rule: secrets from the environment and
// from files, errors that name the token and the line but never the
// secret, --print-config showing sources only.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "config/agent_config.hpp"

namespace wkd::config {
namespace {

constexpr const char* kSecret = "s3cret-0123456789abcdef";

ConfigResult<AgentConfig> parse(const std::string& agent_part, const std::string& http = "127.0.0.1:7475") {
  return parse_toml("[discovery]\nnode_name = \"n\"\nhttp = \"" + http + "\"\n[agent]\n" + agent_part, "cfg.toml");
}

std::string temp_file(const std::string& text) {
  char path[] = "/tmp/wkd-token-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  FILE* f = ::fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

TEST(AgentConfigTokens, FromEnvironmentAndFile) {
  ::setenv("WKD_UNIT_TOKEN", kSecret, 1);
  const std::string file = temp_file(std::string(kSecret) + "-w\n");
  auto r = parse("[[agent.token]]\nname = \"ro\"\nscope = \"read\"\nsecret_env = \"WKD_UNIT_TOKEN\"\n"
                 "[[agent.token]]\nname = \"team\"\nscope = \"write\"\nsecret_file = \"" + file +
                 "\"\nservice_prefixes = [\"orders-\"]\n");
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->tokens.size(), 2u);
  EXPECT_EQ(r->tokens[0].secret, kSecret);
  EXPECT_EQ(r->tokens[0].scope, TokenScope::read);
  EXPECT_EQ(r->tokens[1].secret, std::string(kSecret) + "-w");  // the newline dropped
  EXPECT_EQ(r->tokens[1].service_prefixes, std::vector<std::string>{"orders-"});
  const std::string printed = print_effective(*r);
  EXPECT_EQ(printed.find(kSecret), std::string::npos) << printed;
  EXPECT_NE(printed.find("secret_env = \"WKD_UNIT_TOKEN\""), std::string::npos) << printed;
  auto again = parse_toml(printed, "printed.toml");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->tokens.size(), 2u);
  std::remove(file.c_str());
}

TEST(AgentConfigTokens, BadTokensNameLineAndTokenNotSecret) {
  ::setenv("WKD_UNIT_SHORT", "0123456789", 1);
  ::unsetenv("WKD_UNIT_NONE");
  struct Case {
    std::string text, where, what;
  } cases[] = {
      {"[[agent.token]]\nname = \"a\"\nscope = \"read\"\nsecret_env = \"WKD_UNIT_SHORT\"\n",
       "cfg.toml:8: agent.token.secret_env: token a:", "at least 16"},
      {"[[agent.token]]\nname = \"b\"\nscope = \"read\"\nsecret_env = \"WKD_UNIT_NONE\"\n",
       "cfg.toml:8: agent.token.secret_env: token b:", "is not set"},
      {"[[agent.token]]\nname = \"c\"\nscope = \"read\"\nsecret_file = \"/nonexistent/c.token\"\n",
       "cfg.toml:8: agent.token.secret_file: token c:", "cannot read"},
      {"[[agent.token]]\nname = \"d\"\nscope = \"root\"\nsecret_env = \"WKD_UNIT_SHORT\"\n",
       "cfg.toml:7: agent.token.scope:", "\"read\" or \"write\""},
      {"[[agent.token]]\nname = \"e\"\nscope = \"read\"\n", "agent.token: token e:", "exactly one"},
      {"[[agent.token]]\nscope = \"read\"\nsecret_env = \"WKD_UNIT_SHORT\"\n", "agent.token:", "needs a name"},
      {"[[agent.token]]\nname = \"f\"\nscope = \"write\"\nsecret_env = \"X\"\ncolour = 1\n",
       "cfg.toml:9: agent.token.colour:", "unknown key"},
  };
  for (const auto& c : cases) {
    auto r = parse(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.message().find(c.where), std::string::npos) << r.message();
    EXPECT_NE(r.message().find(c.what), std::string::npos) << r.message();
    EXPECT_EQ(r.message().find("0123456789"), std::string::npos) << r.message();
  }
}

TEST(AgentConfigTokens, NonLoopbackNeedsTokensOrOptIn) {
  for (const char* ok : {"127.0.0.1:7475", "127.9.9.9:0", "[::1]:7475"}) {
    EXPECT_TRUE(parse("", ok).ok()) << ok;
  }
  auto r = parse("", "192.0.2.1:7475");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cfg.toml:3: discovery.http: 192.0.2.1:7475 is not a loopback address"),
            std::string::npos)
      << r.message();
  EXPECT_FALSE(parse("", "198.51.100.3:7475").ok());
  EXPECT_FALSE(parse("", "[2001:db8::1]:7475").ok());
  EXPECT_TRUE(parse("allow_unauthenticated_remote = true\n", "192.0.2.1:7475").ok());
  ::setenv("WKD_UNIT_TOKEN", kSecret, 1);
  EXPECT_TRUE(parse("[[agent.token]]\nname = \"a\"\nscope = \"read\"\nsecret_env = \"WKD_UNIT_TOKEN\"\n",
                    "192.0.2.1:7475")
                  .ok());
  Overrides o;
  o.http = "192.0.2.1:7475";
  auto f = apply_overrides(AgentConfig::defaults(), o);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.message().find("--http"), std::string::npos) << f.message();
}

}  // namespace
}  // namespace wkd::config
