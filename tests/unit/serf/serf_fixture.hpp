// Test doubles for the Serf engine: a Host that records what the engine asks
// of memberlist, an EventSink that records what it reports, and helpers to
// build memberlist NodeInfos and serf messages.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "serf/engine.hpp"
#include "wire/serf_codec.hpp"
#include "wire/tags.hpp"

namespace wkd::serf::testing {

inline TimePoint at(Duration d) { return TimePoint{} + d; }

struct FakeHost final : Host {
  struct Packet {
    Address to;
    Bytes msg;
  };
  struct JoinCall {
    std::vector<Address> seeds;
    JoinDone done;
  };
  struct LeaveCall {
    Duration timeout;
    LeaveDone done;
  };
  std::vector<Packet> packets;
  std::vector<JoinCall> joins;
  std::vector<LeaveCall> leaves;
  std::vector<std::string> removed;
  int meta_updates = 0;

  void send_user_packet(TimePoint, const Address& to, ByteView m) override {
    packets.push_back({to, Bytes(m.begin(), m.end())});
  }
  void join(TimePoint, std::vector<Address> seeds, JoinDone done) override {
    joins.push_back({std::move(seeds), std::move(done)});
  }
  void leave(TimePoint, Duration timeout, LeaveDone done) override {
    leaves.push_back({timeout, std::move(done)});
  }
  void remove_node(TimePoint, std::string_view name) override { removed.emplace_back(name); }
  void update_meta(TimePoint) override { ++meta_updates; }
};

struct RecordingSink final : EventSink {
  std::vector<MemberEvent> member_events;
  std::vector<UserEvent> user_events;
  std::vector<QueryEvent> queries;
  std::vector<ConflictReport> conflicts;

  std::vector<std::string> changed;  // on_member_changed, in order

  void on_member_event(const MemberEvent& e) override { member_events.push_back(e); }
  void on_member_changed(std::string_view name) override { changed.emplace_back(name); }
  void on_user_event(const UserEvent& e) override { user_events.push_back(e); }
  void on_query(const QueryEvent& q) override { queries.push_back(q); }
  void on_name_conflict(const ConflictReport& r) override { conflicts.push_back(r); }

  std::vector<MemberEventType> types_for(const std::string& name) const {
    std::vector<MemberEventType> out;
    for (const auto& e : member_events) {
      if (e.member.name == name) out.push_back(e.type);
    }
    return out;
  }
};

// Collects log lines so tests can check what was reported.
struct CaptureLog final : LogSink {
  std::vector<std::pair<LogLevel, std::string>> lines;
  void log(LogLevel level, std::string_view line) override { lines.emplace_back(level, std::string(line)); }
  LogLevel min_level() const override { return LogLevel::debug; }
  bool contains(std::string_view needle) const {
    for (const auto& [lvl, l] : lines) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

inline Address addr_of(std::uint8_t last_octet, std::uint16_t port = 7946) {
  return Address::v4(127, 0, 0, last_octet, port);
}

inline swim::NodeInfo node(const std::string& name, std::uint8_t octet, const wire::Tags& tags = {}) {
  swim::NodeInfo n;
  n.name = name;
  n.addr = addr_of(octet);
  auto meta = wire::encode_tags(tags);
  EXPECT_TRUE(meta.ok());
  n.meta = *meta;
  n.incarnation = 1;
  n.state = swim::NodeState::alive;
  n.vsn = wire::kWkdVsn;
  return n;
}

inline Config config_for(const std::string& name, std::uint8_t octet = 1) {
  Config c;
  c.memberlist.name = name;
  c.memberlist.advertise = addr_of(octet);
  return c;
}

template <class M>
Bytes encode(const M& m) {
  auto raw = wire::encode_serf_message(m);
  EXPECT_TRUE(raw.ok()) << raw.message();
  return raw.ok() ? *raw : Bytes{};
}

// An engine named "a" at 127.0.0.1, started at t = 0 and knowing itself.
struct EngineFixture : ::testing::Test {
  FakeHost host;
  RecordingSink sink;
  CaptureLog log;
  Rng rng{42};
  std::unique_ptr<Engine> engine;

  void SetUp() override { make(config_for("a")); }

  void make(Config cfg) {
    engine = std::make_unique<Engine>(std::move(cfg), host, rng, log, sink);
    ASSERT_TRUE(engine->start(at(seconds(0))).ok());
    engine->notify_join(at(seconds(0)), node("a", 1));
    sink.member_events.clear();
  }

  // Everything queued for gossip, as one big packet would take it.
  std::vector<Bytes> drain(const swim::NodeInfo* target = nullptr) {
    std::vector<Bytes> out;
    engine->get_broadcasts(at(seconds(0)), target, 2, 65000, out);
    return out;
  }
};

}  // namespace wkd::serf::testing
