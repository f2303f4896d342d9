// Leases from several threads at once, on one node (127.0.6.10) holding
// three instances of its own: eight threads select (least connections,
// round robin, weighted random), read the lease and its URL and release it
// with an outcome, while four threads read one shared lease. Afterwards
// every lease is accounted for: least connections, with nothing in
// flight, hands out three different instances to three leases held at
// once. Run under ThreadSanitizer in CI (WKD_SANITIZE=thread); every wait
// has a deadline.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
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

#define CHECK(cond) check((cond), #cond)

wkd_node_t* make_node() {
  wkd_config_t* cfg = nullptr;
  wkd_node_t* node = nullptr;
  wkd_config_new(&cfg, WKD_PRESET_LOCAL, nullptr);
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, "sel-threads", nullptr);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, "127.0.6.10:0", nullptr);
  wkd_config_set_log(cfg, WKD_LOG_OFF, nullptr, nullptr, nullptr);
  wkd_error err = WKD_ERROR_INIT;
  if (wkd_node_create(&node, cfg, &err) != WKD_OK || wkd_node_start(node, &err) != WKD_OK) {
    std::fprintf(stderr, "node: %s\n", err.message);
    wkd_node_free(node);
    node = nullptr;
  }
  wkd_config_free(cfg);
  return node;
}

std::string lease_id(const wkd_lease_t* lease) {
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  if (wkd_lease_instance(&in, lease, nullptr) != WKD_OK) return "";
  return in.instance_id;
}

}  // namespace

int main() {
  wkd_node_t* node = make_node();
  if (node == nullptr) return 1;
  const char* ids[] = {"t-1", "t-2", "t-3"};
  for (const char* id : ids) {
    wkd_service s = WKD_SERVICE_INIT;
    s.service_name = "work";
    s.instance_id = id;
    s.host = "192.0.2.50";
    s.port = 7000;
    s.ttl_ms = 600000;
    CHECK(wkd_service_register(node, &s, nullptr) == WKD_OK);
    CHECK(wkd_service_ttl_update(node, "work", id, WKD_CHECK_PASSING, nullptr, nullptr) == WKD_OK);
  }
  // The node's own view shows them HEALTHY within a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    wkd_instance_counts c = WKD_INSTANCE_COUNTS_INIT;
    if (wkd_node_instance_counts(&c, node, "work", nullptr) == WKD_OK && c.healthy == 3) break;
    if (std::chrono::steady_clock::now() > deadline) {
      CHECK(!"the instances turned HEALTHY");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Failures never eject here: the point is the bookkeeping.
  wkd_outlier_options oc = WKD_OUTLIER_OPTIONS_INIT;
  oc.consecutive_failures = 0;
  CHECK(wkd_node_set_outlier(node, &oc, nullptr) == WKD_OK);

  wkd_lease_t* shared = nullptr;
  CHECK(wkd_node_select(&shared, node, "work", nullptr, nullptr) == WKD_OK);
  const std::string shared_id = shared != nullptr ? lease_id(shared) : "";

  std::atomic<long> selected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      wkd_select_options o = WKD_SELECT_OPTIONS_INIT;
      o.strategy = t % 3 == 0 ? WKD_SELECT_LEAST_CONNECTIONS : t % 3 == 1 ? WKD_SELECT_ROUND_ROBIN
                                                                          : WKD_SELECT_WEIGHTED_RANDOM;
      for (int i = 0; i < 400; ++i) {
        wkd_lease_t* lease = nullptr;
        wkd_error err = WKD_ERROR_INIT;
        if (wkd_node_select(&lease, node, "work", &o, &err) != WKD_OK) {
          CHECK(!"a selection succeeded");
          continue;
        }
        char url[64];
        CHECK(wkd_lease_url(url, sizeof url, lease, "http", nullptr) == WKD_OK &&
              std::strcmp(url, "http://192.0.2.50:7000") == 0);
        CHECK(!lease_id(lease).empty());
        const wkd_call_outcome outcome = i % 3 == 0 ? WKD_CALL_FAILURE : i % 3 == 1 ? WKD_CALL_SUCCESS : WKD_CALL_NONE;
        CHECK(wkd_lease_release(lease, outcome, nullptr) == WKD_OK);
        ++selected;
      }
    });
  }
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        CHECK(lease_id(shared) == shared_id);
        char url[64];
        CHECK(wkd_lease_url(url, sizeof url, shared, nullptr, nullptr) == WKD_OK);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(selected.load() == 8 * 400);
  CHECK(wkd_lease_release(shared, WKD_CALL_SUCCESS, nullptr) == WKD_OK);

  // Nothing is in flight any more: three leases held at once by least
  // connections are three different instances.
  wkd_select_options lc = WKD_SELECT_OPTIONS_INIT;
  lc.strategy = WKD_SELECT_LEAST_CONNECTIONS;
  std::vector<wkd_lease_t*> held(3, nullptr);
  std::set<std::string> distinct;
  for (auto& l : held) {
    CHECK(wkd_node_select(&l, node, "work", &lc, nullptr) == WKD_OK);
    distinct.insert(lease_id(l));
  }
  CHECK(distinct.size() == 3);
  for (auto* l : held) CHECK(wkd_lease_release(l, WKD_CALL_NONE, nullptr) == WKD_OK);

  wkd_node_close(node);
  wkd_node_free(node);
  if (failures == 0) std::printf("select_threads_test: %ld selections, all checks passed\n", selected.load());
  return failures == 0 ? 0 : 1;
}
