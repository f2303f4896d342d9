// Health checks through runtime::Node: real nodes on loopback perform a TCP
// check against a listener the test opens and closes, and a TTL check the
// test reports; the owner's results move the instance's status on the
// other node. The node's own checks and the application's health make its
// health tag; an instance turning critical runs its self-healing action.
// Waits have deadlines; nothing asserts how fast.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "real_node.hpp"
#include "runtime/node.hpp"

namespace wkd::runtime {
namespace {

using std::chrono::milliseconds;

using testing::eventually;
using testing::make_node;

// A listening TCP socket on 127.0.0.73 (an ephemeral port) that accepts by
// itself (the backlog) until closed.
struct Listener {
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    ::inet_pton(AF_INET, "127.0.0.73", &a.sin_addr);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(::listen(fd, 64), 0);
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Listener() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fd = -1;
  int port = 0;
};

registry::Instance instance(const std::string& service, const std::string& id, int port) {
  registry::Instance in;
  in.service = service;
  in.id = id;
  in.host = "127.0.0.73";
  in.port = port;
  return in;
}

class NodeHealth : public testing::TwoNodes {
 protected:
  NodeHealth() : TwoNodes("health-a", "127.0.0.71", "health-b", "127.0.0.72") {}
  registry::InstanceStatus status_on(Node& n, const registry::InstanceKey& key) {
    auto v = n.view();
    const InstanceRecord* r = v && v->services ? v->services->find(key) : nullptr;
    return r != nullptr ? (*r)->status : registry::InstanceStatus::deregistered;
  }
};

TEST_F(NodeHealth, ATcpCheckFollowsTheListener) {
  Listener db;
  const registry::InstanceKey key{"db", "db-1"};
  ASSERT_TRUE(a_->register_instance(instance("db", "db-1", db.port)).ok());
  health::CheckSpec tcp;
  tcp.kind = health::CheckKind::tcp;
  tcp.target = "127.0.0.73:" + std::to_string(db.port);
  tcp.interval = milliseconds(200);
  tcp.timeout = milliseconds(200);
  ASSERT_TRUE(a_->add_check(key, tcp).ok());
  ASSERT_TRUE(eventually([&] { return status_on(*b_, key) == registry::InstanceStatus::healthy; }));
  auto st = a_->check_status(key, "tcp");
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(st->last.output, "connected to 127.0.0.73:" + std::to_string(db.port));
  db.close();  // connections are refused now
  ASSERT_TRUE(eventually([&] { return status_on(*b_, key) == registry::InstanceStatus::unhealthy; }));
  st = a_->check_status(key, "tcp");
  ASSERT_TRUE(st.ok());
  EXPECT_NE(st->last.output.find("ECONNREFUSED"), std::string::npos) << st->last.output;
  // The same id again is refused; a check on another node's instance too.
  EXPECT_EQ(a_->add_check(key, tcp).code(), Err::state);
  EXPECT_EQ(b_->add_check(key, tcp).code(), Err::state);
  ASSERT_TRUE(a_->remove_check(key, "tcp").ok());
  EXPECT_EQ(a_->remove_check(key, "tcp").code(), Err::not_found);
}

TEST_F(NodeHealth, ATtlCheckIsReportedAndExpires) {
  const registry::InstanceKey key{"worker", "w-1"};
  ASSERT_TRUE(a_->register_instance(instance("worker", "w-1", 9000)).ok());
  health::CheckSpec ttl;
  ttl.kind = health::CheckKind::ttl;
  ttl.target.clear();
  ttl.ttl = milliseconds(500);
  ASSERT_TRUE(a_->add_check(key, ttl).ok());
  ASSERT_TRUE(a_->report_ttl(key, "ttl", registry::CheckState::passing, "alive").ok());
  ASSERT_TRUE(eventually([&] { return status_on(*b_, key) == registry::InstanceStatus::healthy; }));
  // Not reported again: critical after the TTL, so UNHEALTHY everywhere.
  ASSERT_TRUE(eventually([&] { return status_on(*b_, key) == registry::InstanceStatus::unhealthy; }));
  auto st = a_->check_status(key, "ttl");
  ASSERT_TRUE(st.ok());
  EXPECT_NE(st->last.output.find("TTL expired"), std::string::npos) << st->last.output;
  EXPECT_EQ(a_->report_ttl(key, "nope", registry::CheckState::passing).code(), Err::not_found);
}

TEST_F(NodeHealth, TheTagIsTheWorstOfTheApplicationAndTheNodeChecks) {
  health::CheckSpec ttl;
  ttl.kind = health::CheckKind::ttl;
  ttl.ttl = std::chrono::seconds(60);
  ASSERT_TRUE(a_->add_node_check(ttl).ok());
  EXPECT_EQ(a_->add_node_check(ttl).code(), Err::state);
  ttl.id = "other";
  ttl.deregister_critical_after = std::chrono::seconds(1);
  EXPECT_EQ(a_->add_node_check(ttl).code(), Err::invalid);
  const auto tag = [&] { return a_->identity().health; };
  ASSERT_TRUE(a_->report_ttl(health::node_checks_key(), "ttl", registry::CheckState::critical, "disk full").ok());
  ASSERT_TRUE(eventually([&] { return tag() == serf::Health::critical; }));
  ASSERT_TRUE(a_->set_health(serf::Health::warning, "degraded").ok());
  EXPECT_EQ(tag(), serf::Health::critical);
  ASSERT_TRUE(a_->report_ttl(health::node_checks_key(), "ttl", registry::CheckState::passing, "").ok());
  ASSERT_TRUE(eventually([&] { return tag() == serf::Health::warning; }));
  // The identity's health field is computed, never taken from the caller.
  serf::Identity id = a_->identity();
  id.health = serf::Health::critical;
  id.tags["k"] = "v";
  ASSERT_TRUE(a_->set_identity(id).ok());
  EXPECT_EQ(tag(), serf::Health::warning);
  ASSERT_TRUE(a_->set_health(serf::Health::passing, "").ok());
  EXPECT_EQ(tag(), serf::Health::passing);
  auto st = a_->node_check_status("ttl");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->reported, registry::CheckState::passing);
  ASSERT_TRUE(a_->remove_node_check("ttl").ok());
  EXPECT_EQ(a_->remove_node_check("ttl").code(), Err::not_found);
}

TEST_F(NodeHealth, AnInstanceTurningCriticalRunsItsActionOncePerInterval) {
  const registry::InstanceKey key{"worker", "w-9"};
  ASSERT_TRUE(a_->register_instance(instance("worker", "w-9", 9000)).ok());
  health::CheckSpec ttl;
  ttl.kind = health::CheckKind::ttl;
  ttl.ttl = std::chrono::seconds(60);
  ASSERT_TRUE(a_->add_check(key, ttl).ok());
  std::atomic<int> calls{0}, others{0};
  std::string output;
  a_->on_critical("worker", [&](const health::TurnedCritical& t) {
    EXPECT_TRUE(a_->on_loop_thread());
    EXPECT_EQ(t.instance, key);
    output = t.output;
    ++calls;
  });
  a_->on_critical("", [&](const health::TurnedCritical&) { ++others; });
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(a_->report_ttl(key, "ttl", registry::CheckState::critical, "crashed").ok());
    ASSERT_TRUE(a_->report_ttl(key, "ttl", registry::CheckState::passing, "").ok());
  }
  ASSERT_TRUE(eventually([&] { return calls.load() >= 1; }));
  // Report calls wait for the loop: the flaps were all seen by now.
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(others.load(), 0);
  EXPECT_EQ(output, "crashed");
  // The node's tag is not fed by default.
  EXPECT_EQ(a_->identity().health, serf::Health::passing);
}

TEST_F(NodeHealth, BadSpecsAreRefused) {
  const registry::InstanceKey key{"web", "w-1"};
  ASSERT_TRUE(a_->register_instance(instance("web", "w-1", 8080)).ok());
  health::CheckSpec http;
  http.kind = health::CheckKind::http;
  http.target = "ftp://127.0.0.73:8080/health";
  const auto st = a_->add_check(key, http);
  EXPECT_EQ(st.code(), Err::invalid);
  EXPECT_NE(st.message().find("http://"), std::string::npos) << st.message();
  health::CheckSpec tcp;
  tcp.kind = health::CheckKind::tcp;
  tcp.target = "127.0.0.73";  // no port
  const auto bad = a_->add_check(key, tcp);
  EXPECT_EQ(bad.code(), Err::invalid);
  EXPECT_NE(bad.message().find("target"), std::string::npos) << bad.message();
  EXPECT_EQ(a_->add_check(registry::InstanceKey{"web", "nope"}, health::CheckSpec{}).code(), Err::not_found);
  tcp.target = "127.0.0.73:1";
  EXPECT_EQ(a_->add_check(registry::InstanceKey{"web", "nope"}, tcp).code(), Err::not_found);
}

// Script checks run only where enabled; the exit code decides the state
// (0 passing, 1 warning, other critical), the output is kept, and a
// script past its timeout is killed with its children.
TEST(NodeHealthScripts, ScriptChecksRunWhereEnabled) {
  auto n = make_node("health-s", "127.0.0.74", [](NodeOptions& o) { o.script_checks = true; });
  const registry::InstanceKey key{"batch", "b-1"};
  ASSERT_TRUE(n->register_instance(instance("batch", "b-1", 9000)).ok());
  auto status_here = [&] {
    auto v = n->view();
    const InstanceRecord* r = v && v->services ? v->services->find(key) : nullptr;
    return r != nullptr ? std::make_pair((*r)->status, (*r)->check_state)
                        : std::make_pair(registry::InstanceStatus::deregistered, registry::CheckState::critical);
  };
  auto script = [](const std::string& id, const std::string& command, Duration timeout = milliseconds(2000)) {
    health::CheckSpec s;
    s.id = id;
    s.kind = health::CheckKind::script;
    s.target = command;
    s.interval = milliseconds(2500);
    s.timeout = timeout;
    return s;
  };
  ASSERT_TRUE(n->add_check(key, script("ok", "echo all good; exit 0")).ok());
  ASSERT_TRUE(eventually([&] { return status_here().first == registry::InstanceStatus::healthy; }));
  auto st = n->check_status(key, "ok");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->last.output, "exit 0: all good");
  ASSERT_TRUE(n->add_check(key, script("warn", "echo disk 91% full >&2; exit 1")).ok());
  ASSERT_TRUE(eventually([&] { return status_here().second == registry::CheckState::warning; }));
  EXPECT_EQ(status_here().first, registry::InstanceStatus::healthy);  // a warning is HEALTHY
  st = n->check_status(key, "warn");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->last.output, "exit 1: disk 91% full");  // standard error is kept too
  ASSERT_TRUE(n->add_check(key, script("hang", "sleep 30 & sleep 30", milliseconds(300))).ok());
  ASSERT_TRUE(eventually([&] { return status_here().first == registry::InstanceStatus::unhealthy; }));
  st = n->check_status(key, "hang");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->last.output, "timed out after 300 ms");
  n->close();

  // Off by default.
  auto off = make_node("health-t", "127.0.0.75");
  ASSERT_TRUE(off->register_instance(instance("batch", "b-2", 9000)).ok());
  const auto refused = off->add_check(registry::InstanceKey{"batch", "b-2"}, script("ok", "true"));
  EXPECT_EQ(refused.code(), Err::not_supported);
  EXPECT_NE(refused.message().find("script_checks"), std::string::npos) << refused.message();
  off->close();
}

}  // namespace
}  // namespace wkd::runtime
