// The registry's C API under threads, on two live nodes on loopback
// (127.0.9.1 and 127.0.9.2, port 0), joined together. While two writer
// threads register (with a TTL, a TTL check or a TCP check), report,
// drain and deregister instances of their own on node a, and a third
// declares and removes dependencies there, two reader threads on node b
// take instance snapshots, counts, summaries, health, dependencies and
// the graph and read every string in them, and a callback watch and a
// pulled watch on b consume the service's events. Run under
// ThreadSanitizer in CI (WKD_SANITIZE=thread) and under ASan with the
// capi suite: no report, no leak, no crash, no hang.
//
// Each writer owns its instances and calls one at a time, so it knows
// what every call must return: success, or the documented error
// (NOTFOUND for an instance never registered or deregistered, STATE for
// a TTL update of an instance without a TTL). At the end, node b must
// show what the writers left (with deadlines), both watches' last event
// of each instance must be that final state, and the pulled watch's
// events of one instance must come in order of their view versions.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <wkd.h>

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int> failures{0};

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "CHECK failed: %s\n", what.c_str());
    ++failures;
  }
}

// A call returned `want`; says which call and what came back otherwise.
void expect(wkd_status got, wkd_status want, const wkd_error& err, const std::string& what) {
  if (got != want) {
    std::fprintf(stderr, "%s -> %s '%s', want %s\n", what.c_str(), wkd_status_name(got), err.message,
                 wkd_status_name(want));
    ++failures;
  }
}

bool wait_until(double limit_s, const auto& cond) {
  const auto end = Clock::now() + std::chrono::duration<double>(limit_s);
  while (Clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

wkd_node_t* make_node(const char* name, const char* bind) {
  wkd_config_t* cfg = nullptr;
  wkd_node_t* node = nullptr;
  wkd_config_new(&cfg, WKD_PRESET_LOCAL, nullptr);
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, nullptr);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind, nullptr);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_INTERVAL_MS, 200, nullptr);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_TIMEOUT_MS, 100, nullptr);
  wkd_config_set_int(cfg, WKD_OPT_GOSSIP_INTERVAL_MS, 50, nullptr);
  wkd_config_set_log(cfg, WKD_LOG_OFF, nullptr, nullptr, nullptr);
  wkd_error err = WKD_ERROR_INIT;
  if (wkd_node_create(&node, cfg, &err) != WKD_OK || wkd_node_start(node, &err) != WKD_OK) {
    std::fprintf(stderr, "node %s: %s\n", name, err.message);
    wkd_node_free(node);
    node = nullptr;
  }
  wkd_config_free(cfg);
  return node;
}

// A TCP listener on 127.0.9.1 for the TCP checks to reach; -1 on error.
int listen_tcp(uint16_t* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  a.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.9.1", &a.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(a.sin_port);
  return fd;
}

constexpr const char* kService = "orders";
constexpr int kWriters = 2;
constexpr int kIdsPerWriter = 4;
constexpr int kWriterOps = 400;
constexpr int kDependencyRounds = 120;

// How a writer registers an instance.
enum class Variant { none, ttl, ttl_check, tcp };

// What a writer knows of one of its instances.
struct Model {
  bool ever = false;   // registered at least once: the record exists
  bool live = false;   // not deregistered
  Variant variant = Variant::none;
};

struct Writer {
  wkd_node_t* node;
  int index;
  std::string tcp_target;
  Model models[kIdsPerWriter];
  uint32_t rng;

  std::string id(int k) const { return "w" + std::to_string(index) + "-" + std::to_string(k); }

  uint32_t next() {
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
  }

  void do_register(int k, Variant v) {
    const std::string iid = id(k);
    wkd_check c = WKD_CHECK_INIT;
    wkd_service s = WKD_SERVICE_INIT;
    s.service_name = kService;
    s.instance_id = iid.c_str();
    s.host = "127.0.9.1";
    s.port = static_cast<uint16_t>(7000 + index * 10 + k);
    const char* tags[] = {"threaded", index % 2 ? "odd" : "even"};
    s.tags = tags;
    s.n_tags = 2;
    if (v == Variant::ttl) {
      s.ttl_ms = 60000;
    } else if (v == Variant::ttl_check) {
      c.id = "beat";
      c.kind = WKD_CHECK_KIND_TTL;
      c.ttl_ms = 60000;
      s.checks = &c;
      s.n_checks = 1;
    } else {
      c.id = "port";
      c.kind = WKD_CHECK_KIND_TCP;
      c.target = tcp_target.c_str();
      c.interval_ms = 100;
      c.timeout_ms = 100;
      s.checks = &c;
      s.n_checks = 1;
    }
    wkd_error err = WKD_ERROR_INIT;
    expect(wkd_service_register(node, &s, &err), WKD_OK, err, "register " + iid);
    models[k] = Model{true, true, v};
  }

  void ttl_update(int k) {
    wkd_error err = WKD_ERROR_INIT;
    const Model& m = models[k];
    const wkd_status want = !m.live ? WKD_E_NOTFOUND : m.variant != Variant::ttl ? WKD_E_STATE : WKD_OK;
    expect(wkd_service_ttl_update(node, kService, id(k).c_str(), WKD_CHECK_PASSING, "fine", &err), want, err,
           "ttl_update " + id(k));
  }

  void check_report(int k) {
    wkd_error err = WKD_ERROR_INIT;
    const Model& m = models[k];
    const wkd_status want = m.live && m.variant == Variant::ttl_check ? WKD_OK : WKD_E_NOTFOUND;
    expect(wkd_service_check_report(node, kService, id(k).c_str(), "beat", WKD_CHECK_PASSING, nullptr, &err), want,
           err, "check_report " + id(k) + " live=" + std::to_string(m.live) + " variant=" + std::to_string(int(m.variant)));
  }

  void check_info(int k) {
    wkd_error err = WKD_ERROR_INIT;
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    char output[64];
    const Model& m = models[k];
    const bool has_port = m.live && m.variant == Variant::tcp;
    const wkd_status st =
        wkd_service_check_info(&info, output, sizeof output, node, kService, id(k).c_str(), "port", &err);
    expect(st, has_port ? WKD_OK : WKD_E_NOTFOUND, err, "check_info " + id(k));
    if (st == WKD_OK) check(info.kind == WKD_CHECK_KIND_TCP && std::strlen(output) < sizeof output, "check info");
  }

  void drain(int k) {
    wkd_error err = WKD_ERROR_INIT;
    expect(wkd_service_drain(node, kService, id(k).c_str(), &err), models[k].live ? WKD_OK : WKD_E_NOTFOUND, err,
           "drain " + id(k));
  }

  void deregister(int k) {
    wkd_error err = WKD_ERROR_INIT;
    expect(wkd_service_deregister(node, kService, id(k).c_str(), &err), models[k].ever ? WKD_OK : WKD_E_NOTFOUND,
           err, "deregister " + id(k));
    if (models[k].ever) models[k].live = false;
  }

  void run() {
    for (int i = 0; i < kWriterOps; ++i) {
      const int k = static_cast<int>(next() % kIdsPerWriter);
      switch (next() % 9) {
        case 0: do_register(k, Variant::ttl); break;
        case 1: do_register(k, Variant::ttl_check); break;
        case 2: do_register(k, Variant::tcp); break;
        case 3: ttl_update(k); break;
        case 4: check_report(k); break;
        case 5: check_info(k); break;
        case 6: drain(k); break;
        case 7: deregister(k); break;
        default: do_register(k, Variant::ttl); ttl_update(k); break;
      }
    }
    // The final state: 0 HEALTHY by its TTL, 1 STARTING (a TTL check not
    // reported yet), 2 HEALTHY by its TCP check, 3 DEREGISTERED. A
    // deregistration first makes each a new record, status and checks
    // afresh.
    for (int k = 0; k < 3; ++k) deregister(k);
    do_register(0, Variant::ttl);
    ttl_update(0);
    do_register(1, Variant::ttl_check);
    do_register(2, Variant::tcp);
    do_register(3, Variant::ttl);
    deregister(3);
  }
};

wkd_instance_status final_status(int k) {
  switch (k) {
    case 0: return WKD_INSTANCE_HEALTHY;
    case 1: return WKD_INSTANCE_STARTING;
    case 2: return WKD_INSTANCE_HEALTHY;
    default: return WKD_INSTANCE_DEREGISTERED;
  }
}

// Declares and removes dependencies on node a; ends with web -> orders
// declared and orders -> inventory removed.
void dependency_thread(wkd_node_t* node) {
  bool declared[2] = {false, false};
  const char* pairs[2][2] = {{"web", kService}, {kService, "inventory"}};
  for (int i = 0; i < kDependencyRounds; ++i) {
    const int p = i % 2;
    wkd_error err = WKD_ERROR_INIT;
    const std::string what = std::string(pairs[p][0]) + "->" + pairs[p][1];
    if ((i / 2) % 2 == 0) {
      wkd_dependency d = WKD_DEPENDENCY_INIT;
      d.service_name = pairs[p][0];
      d.depends_on = pairs[p][1];
      d.required = p == 0;
      d.min_version = p == 0 ? nullptr : "1.0.0";
      expect(wkd_node_declare_dependency(node, &d, &err), WKD_OK, err, "declare " + what);
      declared[p] = true;
    } else {
      expect(wkd_node_remove_dependency(node, pairs[p][0], pairs[p][1], &err), declared[p] ? WKD_OK : WKD_E_NOTFOUND,
             err, "remove " + what);
    }
  }
  wkd_error err = WKD_ERROR_INIT;
  wkd_dependency d = WKD_DEPENDENCY_INIT;
  d.service_name = "web";
  d.depends_on = kService;
  expect(wkd_node_declare_dependency(node, &d, &err), WKD_OK, err, "declare web->orders (final)");
  expect(wkd_node_remove_dependency(node, kService, "inventory", &err), WKD_OK, err,
         "remove orders->inventory (final)");
}

bool readable(const char* s) { return s != nullptr && std::strlen(s) < 4096; }

// One round of every read on node b, each checked for a clean result and
// every string in it read.
void read_round(wkd_node_t* node, uint64_t* last_version) {
  wkd_error err = WKD_ERROR_INIT;
  {
    wkd_instances_t* snap = nullptr;
    wkd_instance_filter f = WKD_INSTANCE_FILTER_INIT;
    f.include_deregistered = true;
    expect(wkd_node_instances(&snap, node, kService, &f, &err), WKD_OK, err, "instances");
    const uint64_t v = wkd_instances_version(snap);
    check(v >= *last_version, "a reader's snapshots never go back in version");
    *last_version = v;
    for (size_t i = 0; i < wkd_instances_count(snap); ++i) {
      wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
      expect(wkd_instances_at(&in, snap, i, &err), WKD_OK, err, "instances_at");
      bool ok = readable(in.service_name) && readable(in.instance_id) && readable(in.host) && readable(in.protocol) &&
                readable(in.version) && readable(in.region) && readable(in.zone) && readable(in.uuid) &&
                readable(in.owner) && readable(in.previous_owner) && std::strlen(in.uuid) == 36;
      for (size_t t = 0; t < in.n_tags; ++t) ok = ok && readable(in.tags[t]);
      ok = ok && readable(wkd_instance_status_name(in.status)) && readable(wkd_check_state_name(in.check_state));
      check(ok, "instance strings");
    }
    wkd_instances_free(snap);
  }
  {
    wkd_instances_t* one = nullptr;
    const wkd_status st = wkd_node_instance(&one, node, kService, "w0-0", &err);
    check(st == WKD_OK || st == WKD_E_NOTFOUND, "instance w0-0");
    wkd_instances_free(one);
  }
  {
    wkd_instance_counts c = WKD_INSTANCE_COUNTS_INIT;
    expect(wkd_node_instance_counts(&c, node, kService, &err), WKD_OK, err, "counts");
    check(c.total == c.starting + c.healthy + c.unhealthy + c.draining + c.down, "counts add up");
  }
  {
    wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
    const wkd_status st = wkd_node_service_summary(&s, node, kService, &err);
    check(st == WKD_OK || st == WKD_E_NOTFOUND, "summary");
    if (st == WKD_OK) check(s.healthy_instances + s.unhealthy_instances == s.total_instances, "summary adds up");
  }
  {
    wkd_service_summaries_t* all = nullptr;
    expect(wkd_node_service_summaries(&all, node, &err), WKD_OK, err, "summaries");
    for (size_t i = 0; i < wkd_service_summaries_count(all); ++i) {
      wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
      expect(wkd_service_summaries_at(&s, all, i, &err), WKD_OK, err, "summaries_at");
      check(readable(s.service_name) && readable(wkd_aggregate_status_name(s.overall_status)), "summary strings");
    }
    wkd_service_summaries_free(all);
  }
  {
    wkd_service_names_t* names = nullptr;
    expect(wkd_node_service_names(&names, node, &err), WKD_OK, err, "service names");
    for (size_t i = 0; i < wkd_service_names_count(names); ++i) check(readable(wkd_service_names_at(names, i)), "name");
    wkd_service_names_free(names);
  }
  {
    wkd_service_health h = WKD_SERVICE_HEALTH_INIT;
    const wkd_status st = wkd_node_service_health(&h, node, "web", &err);
    check(st == WKD_OK || st == WKD_E_NOTFOUND, "service health");
    wkd_platform_health p = WKD_PLATFORM_HEALTH_INIT;
    expect(wkd_node_platform_health(&p, node, &err), WKD_OK, err, "platform health");
    wkd_dependency_health dh = WKD_DEPENDENCY_HEALTH_INIT;
    expect(wkd_node_dependency_health(&dh, node, kService, &err), WKD_OK, err, "dependency health");
  }
  for (int which = 0; which < 2; ++which) {
    wkd_dependencies_t* deps = nullptr;
    expect(which == 0 ? wkd_node_dependencies(&deps, node, nullptr, &err)
                      : wkd_node_dependents(&deps, node, kService, &err),
           WKD_OK, err, which == 0 ? "dependencies" : "dependents");
    for (size_t i = 0; i < wkd_dependencies_count(deps); ++i) {
      wkd_dependency_info d = WKD_DEPENDENCY_INFO_INIT;
      expect(wkd_dependencies_at(&d, deps, i, &err), WKD_OK, err, "dependencies_at");
      check(readable(d.service_name) && readable(d.depends_on) && readable(d.min_version) &&
                readable(d.max_version) && readable(d.health_check_endpoint) && readable(d.owner) &&
                readable(d.uuid) && readable(d.reason) && readable(wkd_dependency_type_name(d.type)),
            "dependency strings");
    }
    wkd_dependencies_free(deps);
  }
  {
    wkd_dependency_graph_t* g = nullptr;
    expect(wkd_node_dependency_graph(&g, node, &err), WKD_OK, err, "graph");
    const size_t n = wkd_dependency_graph_service_count(g);
    for (size_t i = 0; i < n; ++i) check(readable(wkd_dependency_graph_service_at(g, i)), "graph service");
    for (size_t i = 0; i < wkd_dependency_graph_edge_count(g); ++i) {
      wkd_dependency_edge e = WKD_DEPENDENCY_EDGE_INIT;
      expect(wkd_dependency_graph_edge_at(&e, g, i, &err), WKD_OK, err, "graph edge");
      check(e.from < n && e.to < n && readable(e.service_name) && readable(e.depends_on), "graph edge strings");
    }
    wkd_dependency_graph_free(g);
  }
}

// What a watch consumer saw of each instance: its last event's status
// and version, and whether one instance's versions ever went back.
struct Seen {
  std::mutex mu;
  std::map<std::string, std::pair<wkd_instance_status, uint64_t>> last;
  int events = 0;
  int overflows = 0;
  int out_of_order = 0;
  int bad = 0;

  void take(const wkd_event_t* ev) {
    std::lock_guard<std::mutex> lock(mu);
    if (wkd_event_get_type(ev) == WKD_EVENT_OVERFLOW) {
      // Dropped events: the order is judged again from here.
      ++overflows;
      last.clear();
      return;
    }
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    if (wkd_event_instance(&in, ev, nullptr) != WKD_OK || !readable(in.instance_id) ||
        std::strcmp(in.service_name, kService) != 0) {
      ++bad;
      return;
    }
    ++events;
    const uint64_t v = wkd_event_version(ev);
    auto it = last.find(in.instance_id);
    if (it != last.end() && v < it->second.second) {
      std::fprintf(stderr, "%s: version %llu after %llu\n", in.instance_id, static_cast<unsigned long long>(v),
                   static_cast<unsigned long long>(it->second.second));
      ++out_of_order;
    }
    last[in.instance_id] = {in.status, v};
  }

  bool shows(const std::string& id, wkd_instance_status status) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = last.find(id);
    return it != last.end() && it->second.first == status;
  }
};

void on_event(const wkd_event_t* ev, void* user_data) { static_cast<Seen*>(user_data)->take(ev); }

wkd_instance_status status_on(wkd_node_t* node, const std::string& id, bool* found) {
  wkd_instances_t* snap = nullptr;
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  *found = wkd_node_instance(&snap, node, kService, id.c_str(), nullptr) == WKD_OK &&
           wkd_instances_at(&in, snap, 0, nullptr) == WKD_OK;
  const wkd_instance_status st = in.status;
  wkd_instances_free(snap);
  return st;
}

}  // namespace

int main() {
  uint16_t port = 0;
  const int lfd = listen_tcp(&port);
  wkd_node_t* a = make_node("regthreads-a", "127.0.9.1:0");
  wkd_node_t* b = make_node("regthreads-b", "127.0.9.2:0");
  if (lfd < 0 || a == nullptr || b == nullptr) {
    std::fprintf(stderr, "could not create the nodes or the listener\n");
    return 1;
  }
  {
    char seed[64];
    wkd_error err = WKD_ERROR_INIT;
    expect(wkd_node_local_addr(seed, sizeof seed, nullptr, a, &err), WKD_OK, err, "local addr");
    const char* seeds[] = {seed};
    expect(wkd_node_join(nullptr, b, seeds, 1, 5000, &err), WKD_OK, err, "join");
  }

  Seen by_callback;
  Seen by_pull;
  wkd_watch_t* cb_watch = nullptr;
  wkd_watch_t* pull_watch = nullptr;
  {
    wkd_error err = WKD_ERROR_INIT;
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    spec.kind = WKD_WATCH_SERVICE;
    spec.name = kService;
    expect(wkd_watch(&cb_watch, b, &spec, on_event, &by_callback, &err), WKD_OK, err, "callback watch");
    expect(wkd_watch(&pull_watch, b, &spec, nullptr, nullptr, &err), WKD_OK, err, "pulled watch");
  }
  if (cb_watch == nullptr || pull_watch == nullptr) return 1;

  std::atomic<bool> stop_readers{false};
  std::atomic<bool> stop_consumer{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      uint64_t last_version = 0;
      while (!stop_readers) {
        read_round(b, &last_version);
        ++reads;
      }
    });
  }
  std::thread consumer([&] {
    while (!stop_consumer) {
      wkd_event_t* ev = nullptr;
      wkd_error err = WKD_ERROR_INIT;
      const wkd_status st = wkd_watch_next_event(&ev, pull_watch, 50, &err);
      if (st == WKD_OK) {
        by_pull.take(ev);
        wkd_event_free(ev);
      } else {
        check(st == WKD_E_TIMEOUT, std::string("next_event: ") + wkd_status_name(st));
      }
    }
  });

  const std::string tcp_target = "127.0.9.1:" + std::to_string(port);
  std::vector<Writer> writers;
  for (int t = 0; t < kWriters; ++t) writers.push_back(Writer{a, t, tcp_target, {}, 1u + 7919u * t});
  std::vector<std::thread> writing;
  for (auto& w : writers) writing.emplace_back([&w] { w.run(); });
  std::thread deps(dependency_thread, a);
  for (auto& th : writing) th.join();
  deps.join();

  // What the writers left, as node b shows it.
  for (int t = 0; t < kWriters; ++t) {
    for (int k = 0; k < kIdsPerWriter; ++k) {
      const std::string id = writers[t].id(k);
      const wkd_instance_status want = final_status(k);
      bool found = false;
      const bool ok = wait_until(15, [&] { return status_on(b, id, &found) == want && found; });
      check(ok, id + " on b is " + (found ? wkd_instance_status_name(status_on(b, id, &found)) : "missing") +
                    ", want " + wkd_instance_status_name(want));
      check(wait_until(15, [&] { return by_callback.shows(id, want); }), id + ": callback watch's last event");
      check(wait_until(15, [&] { return by_pull.shows(id, want); }), id + ": pulled watch's last event");
    }
  }
  {
    wkd_error err = WKD_ERROR_INIT;
    wkd_instance_counts c = WKD_INSTANCE_COUNTS_INIT;
    expect(wkd_node_instance_counts(&c, b, kService, &err), WKD_OK, err, "final counts");
    check(c.healthy == 2 * kWriters && c.starting == kWriters && c.deregistered == kWriters &&
              c.total == 3 * kWriters && c.unhealthy == 0 && c.draining == 0 && c.down == 0,
          "final counts: " + std::to_string(c.healthy) + " healthy, " + std::to_string(c.starting) + " starting, " +
              std::to_string(c.deregistered) + " deregistered, " + std::to_string(c.total) + " in all");
    wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
    expect(wkd_node_service_summary(&s, b, kService, &err), WKD_OK, err, "final summary");
    check(s.total_instances == 3 * kWriters && s.healthy_instances == 2 * kWriters &&
              s.overall_status == WKD_AGGREGATE_UP,
          "final summary");
  }
  // The dependencies the dependency thread left: web -> orders declared
  // (and healthy, orders having HEALTHY instances), orders -> inventory
  // removed.
  const auto deps_of = [&](const char* service, const char* on, bool* healthy) {
    wkd_dependencies_t* d = nullptr;
    int live = 0;
    if (wkd_node_dependencies(&d, b, service, nullptr) != WKD_OK) return -1;
    for (size_t i = 0; i < wkd_dependencies_count(d); ++i) {
      wkd_dependency_info in = WKD_DEPENDENCY_INFO_INIT;
      if (wkd_dependencies_at(&in, d, i, nullptr) != WKD_OK) continue;
      if (std::strcmp(in.depends_on, on) == 0 && in.status != WKD_INSTANCE_DEREGISTERED) {
        ++live;
        *healthy = in.healthy;
      }
    }
    wkd_dependencies_free(d);
    return live;
  };
  bool healthy = false;
  check(wait_until(15, [&] { return deps_of("web", kService, &healthy) == 1 && healthy; }),
        "web -> orders declared and healthy on b");
  check(wait_until(15, [&] { return deps_of(kService, "inventory", &healthy) == 0; }),
        "orders -> inventory removed on b");

  stop_readers = true;
  for (auto& th : readers) th.join();
  stop_consumer = true;
  consumer.join();
  wkd_watch_cancel(cb_watch);
  {
    std::lock_guard<std::mutex> l1(by_callback.mu);
    std::lock_guard<std::mutex> l2(by_pull.mu);
    check(by_callback.out_of_order == 0 && by_callback.bad == 0 && by_callback.overflows == 0,
          "callback watch: in order, clean");
    check(by_pull.out_of_order == 0 && by_pull.bad == 0, "pulled watch: each instance's events in version order");
    check(by_callback.events > 0 && by_pull.events > 0, "both watches took events");
    std::printf("registry_threading_test: %ld read rounds, %d callback events, %d pulled events (%d overflows)\n",
                reads.load(), by_callback.events, by_pull.events, by_pull.overflows);
  }
  wkd_watch_free(cb_watch);
  wkd_watch_free(pull_watch);
  wkd_node_close(b);
  wkd_node_free(b);
  wkd_node_close(a);
  wkd_node_free(a);
  close(lfd);
  if (failures == 0) std::printf("registry_threading_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
