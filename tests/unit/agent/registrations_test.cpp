// The API registrations file: the encoding reads back the same, every
// malformed shape is corrupt with a message saying what, text that is not
// JSON names the byte offset, and /v1/health warns while the file is
// unusable.
#include <string>

#include <gtest/gtest.h>

#include "agent/health.hpp"
#include "agent/registrations.hpp"

namespace wkd::agent {
namespace {

TEST(Registrations, RoundTrip) {
  // Bodies as the decoder gives them back: compact, keys sorted.
  Registrations r;
  r[{"orders", "o-1"}] = R"({"host":"h","instanceId":"o-1","port":1,"serviceName":"orders"})";
  r[{"billing", "b-1"}] = R"({"host":"h","instanceId":"b-1","port":2,"serviceName":"billing","tags":["x"]})";
  auto back = decode_registrations(encode_registrations(r));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, r);
  auto empty = decode_registrations(encode_registrations({}));
  ASSERT_TRUE(empty.ok()) << empty.message();
  EXPECT_TRUE(empty->empty());
}

TEST(Registrations, MalformedFilesAreCorrupt) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "empty"},
      {"[]", "not a JSON object"},
      {R"({"registrations": []})", "format"},
      {R"({"format": 2, "registrations": []})", "format"},
      {R"({"format": 1})", "registrations: not an array"},
      {R"({"format": 1, "registrations": [3]})", "registrations[0]: not an object"},
      {R"({"format": 1, "registrations": [{"serviceName": "a"}]})", "registrations[0]: no serviceName"},
  };
  for (const auto& [text, what] : cases) {
    auto r = decode_registrations(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.code(), SnapshotErr::corrupt);
    EXPECT_NE(r.message().find(what), std::string::npos) << text << " -> " << r.message();
  }
}

TEST(Registrations, TruncatedTextNamesTheByteOffset) {
  const std::string text = R"({"format": 1, "registrations": [{"serviceName": )";
  auto r = decode_registrations(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("byte offset"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("(truncated)"), std::string::npos) << r.message();
}

TEST(Registrations, HealthWarnsWhileTheFileIsUnusable) {
  HealthInputs in;
  in.registrations_problem = "API registrations unusable (x); moved to f.corrupt";
  auto r = evaluate_health(in);
  EXPECT_EQ(r.status, AgentHealth::warning);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0], in.registrations_problem);
}

}  // namespace
}  // namespace wkd::agent
