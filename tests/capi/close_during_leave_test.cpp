// A node closed and freed while its leave is still being gossiped (an
// application that leaves with a timeout on one thread and shuts down on
// another). Closing must wake the leave with WKD_E_CLOSED and freeing must
// release everything: under AddressSanitizer (the sanitize stage) a
// callback run on destroyed state fails the test.
//
// The close comes at several points of the leave: at once, during the
// Serf intent, and once a peer already shows the node as left (its
// memberlist leave broadcast is then still queued).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <wkd.h>

namespace {

using Clock = std::chrono::steady_clock;

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "CHECK failed: %s\n", what.c_str());
    ++failures;
  }
}

wkd_node_t* make_node(const std::string& name, const std::string& bind) {
  wkd_config_t* cfg = nullptr;
  wkd_node_t* node = nullptr;
  wkd_config_new(&cfg, WKD_PRESET_LAN, nullptr);
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name.c_str(), nullptr);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind.c_str(), nullptr);
  wkd_config_set_log(cfg, WKD_LOG_OFF, nullptr, nullptr, nullptr);
  wkd_error err = WKD_ERROR_INIT;
  if (wkd_node_create(&node, cfg, &err) != WKD_OK || wkd_node_start(node, &err) != WKD_OK) {
    std::fprintf(stderr, "node %s: %s\n", name.c_str(), err.message);
    wkd_node_free(node);
    node = nullptr;
  }
  wkd_config_free(cfg);
  return node;
}

std::string addr_of(wkd_node_t* n) {
  char buf[64] = {0};
  wkd_node_local_addr(buf, sizeof buf, nullptr, n, nullptr);
  return buf;
}

bool member_in_state(wkd_node_t* observer, const std::string& name, wkd_member_state state) {
  wkd_members_t* ms = nullptr;
  wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
  f.states = WKD_STATE_MASK(state);
  if (wkd_node_members(&ms, observer, &f, nullptr) != WKD_OK) return false;
  wkd_member_info m = WKD_MEMBER_INFO_INIT;
  const bool found = wkd_members_find(&m, ms, name.c_str(), nullptr) == WKD_OK;
  wkd_members_free(ms);
  return found;
}

template <class Pred>
bool wait_for(Pred ok, std::chrono::milliseconds limit) {
  const auto end = Clock::now() + limit;
  while (!ok()) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

enum class When { at_once, after_100ms, once_seen_left };

// Four nodes on 127.0.0.1 port 0; node 3 leaves and is closed at `when`.
void run(When when, const char* label) {
  std::vector<wkd_node_t*> nodes;
  for (int i = 0; i < 4; ++i) {
    wkd_node_t* n = make_node(std::string(label) + "-" + std::to_string(i), "127.0.0.1:0");
    check(n != nullptr, "node starts");
    if (n == nullptr) break;
    nodes.push_back(n);
  }
  if (nodes.size() != 4) {
    for (auto* n : nodes) wkd_node_free(n);
    return;
  }
  const std::string seed = addr_of(nodes[0]);
  const char* seeds[] = {seed.c_str()};
  for (int i = 1; i < 4; ++i) check(wkd_node_join(nullptr, nodes[i], seeds, 1, 10000, nullptr) == WKD_OK, "join");
  const std::string leaver_name = std::string(label) + "-3";
  check(wait_for([&] { return member_in_state(nodes[0], leaver_name, WKD_MEMBER_ALIVE); },
                 std::chrono::seconds(30)),
        "the cluster forms");

  std::atomic<int> leave_status{1};
  std::thread leaving([&] { leave_status = wkd_node_leave(nodes[3], 20000, nullptr); });
  switch (when) {
    case When::at_once:
      break;
    case When::after_100ms:
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      break;
    case When::once_seen_left:
      check(wait_for([&] { return member_in_state(nodes[0], leaver_name, WKD_MEMBER_LEFT); },
                     std::chrono::seconds(30)),
            std::string(label) + ": a peer sees the leaver left");
      break;
  }
  wkd_node_close(nodes[3]);
  leaving.join();
  // The leave either finished first or was woken by the close.
  check(leave_status == WKD_OK || leave_status == WKD_E_CLOSED,
        std::string(label) + ": leave returned " + wkd_status_name(static_cast<wkd_status>(leave_status.load())));
  wkd_node_free(nodes[3]);
  for (int i = 0; i < 3; ++i) wkd_node_free(nodes[i]);
}

}  // namespace

int main() {
  run(When::at_once, "now");
  run(When::after_100ms, "soon");
  run(When::once_seen_left, "late");
  if (failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  std::puts("close during leave: ok");
  return 0;
}
