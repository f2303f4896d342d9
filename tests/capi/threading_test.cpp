// Four threads call the API on two live nodes while a watch callback
// closes one of them from the loop thread; before that, threads call the
// API on single nodes that the main thread closes. Run under
// ThreadSanitizer in CI
// (WKD_SANITIZE=thread); it must finish with no report, no crash and no
// hang, and every call must return either success or a clean error.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <wkd.h>

namespace {

std::atomic<int> failures{0};

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "CHECK failed: %s\n", what);
    ++failures;
  }
}

wkd_node_t* make_node(const std::string& name, const std::string& bind) {
  wkd_config_t* cfg = nullptr;
  wkd_node_t* node = nullptr;
  wkd_config_new(&cfg, WKD_PRESET_LOCAL, nullptr);
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name.c_str(), nullptr);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind.c_str(), nullptr);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_INTERVAL_MS, 100, nullptr);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_TIMEOUT_MS, 50, nullptr);
  wkd_config_set_int(cfg, WKD_OPT_GOSSIP_INTERVAL_MS, 20, nullptr);
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

struct CloseOnEvent {
  wkd_node_t* node;
  std::atomic<int> calls{0};
  std::atomic<bool> loop_thread_refused{false};
};

void close_from_callback(const wkd_event_t* ev, void* user_data) {
  auto* c = static_cast<CloseOnEvent*>(user_data);
  if (wkd_event_get_type(ev) != WKD_EVENT_USER) return;
  if (c->calls.fetch_add(1) != 0) return;
  // A blocking call on the loop thread is refused, not a deadlock.
  const char* seeds[] = {"127.0.0.1:1"};
  c->loop_thread_refused = wkd_node_join(nullptr, c->node, seeds, 1, 1000, nullptr) == WKD_E_LOOPTHREAD;
  wkd_node_close(c->node);
  wkd_node_close(c->node);
}

// Threads create watches, register, read stats and members, fire events
// and set health on one node while the main thread closes it, over many rounds: every call returns success or
// WKD_E_CLOSED, and under ThreadSanitizer no access to the node's loop
// handles may race with their teardown.
void calls_racing_close(int rounds) {
  for (int r = 0; r < rounds; ++r) {
    wkd_node_t* n = make_node("race-" + std::to_string(r), "127.0.0.1:0");
    if (n == nullptr) {
      check(false, "racing node created");
      return;
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        while (!stop) {
          if (t == 0) {
            wkd_watch_t* w = nullptr;
            wkd_watch_spec sp = WKD_WATCH_SPEC_INIT;
            wkd_status st = wkd_watch(&w, n, &sp, nullptr, nullptr, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "racing watch");
            wkd_watch_free(w);
          } else if (t == 1) {
            const char* groups[] = {"g1"};
            wkd_registration reg = WKD_REGISTRATION_INIT;
            reg.groups = groups;
            reg.n_groups = 1;
            wkd_status st = wkd_register(n, &reg, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "racing register");
          } else if (t == 2) {
            wkd_stats s = WKD_STATS_INIT;
            check(wkd_node_stats(&s, n, nullptr) == WKD_OK, "racing stats");
            wkd_members_t* ms = nullptr;
            wkd_status st = wkd_node_members(&ms, n, nullptr, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "racing members");
            wkd_members_free(ms);
          } else {
            wkd_status st = wkd_node_fire_event(n, "tick", nullptr, 0, false, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "racing fire_event");
            st = wkd_node_set_health(n, WKD_HEALTH_PASSING, nullptr, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "racing set_health");
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + r % 7));
    wkd_node_close(n);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    stop = true;
    for (auto& th : threads) th.join();
    wkd_node_free(n);
  }
}

}  // namespace

int main() {
  calls_racing_close(40);
  const unsigned base = 10 + static_cast<unsigned>(
                                 std::chrono::steady_clock::now().time_since_epoch().count() / 1000000 % 200);
  wkd_node_t* a = make_node("a", "127.0.0.1:0");
  wkd_node_t* b = make_node("b", "127.0.0." + std::to_string(base) + ":0");
  if (a == nullptr || b == nullptr) return 1;
  char seed[64];
  wkd_node_local_addr(seed, sizeof seed, nullptr, a, nullptr);
  const char* seeds[] = {seed};
  check(wkd_node_join(nullptr, b, seeds, 1, 5000, nullptr) == WKD_OK, "join");

  CloseOnEvent closer{b};
  wkd_watch_t* watch = nullptr;
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  spec.kind = WKD_WATCH_USER_EVENTS;
  check(wkd_watch(&watch, b, &spec, close_from_callback, &closer, nullptr) == WKD_OK, "watch");

  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      int i = 0;
      while (!stop) {
        wkd_node_t* n = (i++ % 2) ? a : b;
        switch ((t + i) % 5) {
          case 0: {
            wkd_members_t* ms = nullptr;
            wkd_status st = wkd_node_members(&ms, n, nullptr, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "members");
            for (size_t k = 0; k < wkd_members_count(ms); ++k) {
              wkd_member_info m = WKD_MEMBER_INFO_INIT;
              wkd_members_at(&m, ms, k, nullptr);
              check(m.name != nullptr && m.name[0] != 0, "member name");
            }
            wkd_members_free(ms);
            break;
          }
          case 1: {
            const char* groups[] = {t % 2 ? "g1" : "g2"};
            wkd_registration reg = WKD_REGISTRATION_INIT;
            reg.groups = groups;
            reg.n_groups = 1;
            wkd_status st = wkd_register(n, &reg, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "register");
            break;
          }
          case 2: {
            wkd_stats s = WKD_STATS_INIT;
            check(wkd_node_stats(&s, n, nullptr) == WKD_OK, "stats");
            break;
          }
          case 3: {
            wkd_watch_t* w = nullptr;
            wkd_watch_spec sp = WKD_WATCH_SPEC_INIT;
            wkd_status st = wkd_watch(&w, n, &sp, nullptr, nullptr, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "watch create");
            if (w != nullptr) {
              wkd_event_t* ev = nullptr;
              wkd_watch_next_event(&ev, w, 1, nullptr);
              wkd_event_free(ev);
            }
            wkd_watch_free(w);
            break;
          }
          case 4: {
            wkd_status st = wkd_node_fire_event(n, "tick", reinterpret_cast<const uint8_t*>("x"), 1, false, nullptr);
            check(st == WKD_OK || st == WKD_E_CLOSED, "fire_event");
            break;
          }
        }
      }
    });
  }
  // Let the threads run, then wait (bounded) for b to close itself.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  wkd_node_fire_event(a, "close-b", nullptr, 0, false, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (closer.calls.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (auto& th : threads) th.join();
  check(closer.calls.load() >= 1, "the callback ran");
  check(closer.loop_thread_refused.load(), "a blocking call on the loop thread is refused");
  {
    wkd_members_t* ms = nullptr;
    check(wkd_node_members(&ms, b, nullptr, nullptr) == WKD_E_CLOSED, "closed node refuses calls");
  }
  wkd_watch_free(watch);
  wkd_node_free(b);
  wkd_node_free(a);
  if (failures == 0) std::printf("threading_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
