// 256 nodes on one host libuv loop (wkd_node_create_on_loop): they all
// join, every node converges to the full member list, and in steady state no
// datagram is dropped (the drop counters stay still). Every wait has a
// deadline.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <wkd.h>
#include <wkd/sys/uv.h>

#include "support/uv_loop_thread.hpp"

namespace {

constexpr int kNodes = 256;

size_t alive_seen(wkd_node_t* n) {
  wkd_members_t* ms = nullptr;
  wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
  f.states = WKD_STATE_MASK(WKD_MEMBER_ALIVE);
  if (wkd_node_members(&ms, n, &f, nullptr) != WKD_OK) return 0;
  size_t c = wkd_members_count(ms);
  wkd_members_free(ms);
  return c;
}

}  // namespace

int main() {
  int failures = 0;
  auto host = std::make_unique<wkd::testsupport::UvLoopThread>();
  std::vector<wkd_node_t*> nodes(kNodes, nullptr);
  std::string error;
  host->run([&] {
    for (int i = 0; i < kNodes; ++i) {
      wkd_config_t* cfg = nullptr;
      wkd_error err = WKD_ERROR_INIT;
      wkd_config_new(&cfg, WKD_PRESET_LAN, nullptr);
      wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, ("n" + std::to_string(i)).c_str(), nullptr);
      wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, "127.0.0.1:0", nullptr);
      wkd_config_set_log(cfg, (i == 0 || i >= 229) && std::getenv("WKD_TEST_DEBUG") ? WKD_LOG_DEBUG : WKD_LOG_ERROR,
                         nullptr, nullptr, nullptr);
      if (wkd_node_create_on_loop(&nodes[i], host->loop(), cfg, &err) != WKD_OK ||
          wkd_node_start(nodes[i], &err) != WKD_OK) {
        error = err.message;
      }
      wkd_config_free(cfg);
      if (!error.empty()) return;
    }
  });
  if (!error.empty()) {
    std::fprintf(stderr, "start: %s\n", error.c_str());
    return 1;
  }
  char seed[64];
  wkd_node_local_addr(seed, sizeof seed, nullptr, nodes[0], nullptr);
  const char* seeds[] = {seed};
  const bool reverse = std::getenv("WKD_TEST_REVERSE") != nullptr;
  for (int k = 1; k < kNodes; ++k) {
    const int i = reverse ? kNodes - k : k;
    wkd_error err = WKD_ERROR_INIT;
    if (wkd_node_join(nullptr, nodes[i], seeds, 1, 10000, &err) != WKD_OK) {
      std::fprintf(stderr, "join n%d: %s\n", i, err.message);
      ++failures;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + std::chrono::seconds(120);
  bool converged = false;
  while (!converged && std::chrono::steady_clock::now() < deadline) {
    converged = true;
    for (int i = 0; i < kNodes && converged; i += 15) converged = alive_seen(nodes[i]) == kNodes;
    if (!converged) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("many_nodes: %d nodes on one loop, converged=%d after %.1f s\n", kNodes, converged ? 1 : 0, secs);
  if (!converged) ++failures;

  // Steady state: 10 s with no datagram dropped anywhere.
  auto drops = [&] {
    std::uint64_t d = 0;
    for (auto* n : nodes) {
      wkd_stats s = WKD_STATS_INIT;
      wkd_node_stats(&s, n, nullptr);
      d += s.drops_total;
    }
    return d;
  };
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const std::uint64_t before = drops();
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const std::uint64_t after = drops();
  std::uint64_t packets = 0;
  for (auto* n : nodes) {
    wkd_stats s = WKD_STATS_INIT;
    wkd_node_stats(&s, n, nullptr);
    packets += s.packets_in;
  }
  std::printf("many_nodes: steady state drops %llu -> %llu, %llu datagrams received in all\n",
              static_cast<unsigned long long>(before), static_cast<unsigned long long>(after),
              static_cast<unsigned long long>(packets));
  if (after != before) ++failures;
  for (int i = 0; i < kNodes; i += 37) {
    if (alive_seen(nodes[i]) != kNodes) ++failures;
  }

  for (auto* n : nodes) wkd_node_close(n);
  // Closing completes on the loop; free once it has run.
  host->run([] {});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (auto* n : nodes) wkd_node_free(n);
  host.reset();
  if (failures == 0) std::printf("many_nodes_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
