// wkd_compare_harness: runs N wkd nodes in one process on loopback, through
// the public C API only, and measures what bench/compare reports: join
// convergence, failure detection, a graceful leave, a tag update, and the
// steady-state cost per node. The scenario, its order and its ways of
// reading are those of bench/side-by-side/harness-go (scenario.go), so the two
// print comparable JSON.
//
//   wkd_compare_harness --n 128 --preset lan --window 30 [--settle 10] [--addr 127.0.0.1] [--port-base 20000]
//                       [--loop own|shared]
//
// --loop own (the default, what bench/compare measures) gives each node its
// own loop thread, as an application embedding one node has. --loop shared
// puts all N nodes on one host libuv loop (wkd_node_create_on_loop), the
// way a process hosting many nodes would run them: it shows how much of the
// per-node cost is the loop thread itself (its stack, its malloc arena).
//
// Run it in a network namespace of its own so the loopback counters hold
// its traffic only (bench/compare does).
#include <malloc.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <wkd.h>
#include <wkd/sys/uv.h>

#include "support/uv_loop_thread.hpp"

namespace {

using HostLoop = wkd::testsupport::UvLoopThread;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kPollEvery = milliseconds(10);
constexpr auto kConvergeLimit = std::chrono::seconds(120);
constexpr auto kDisseminateLimit = std::chrono::seconds(60);
constexpr auto kDetectLimit = std::chrono::seconds(120);

struct Params {
  int n = 16;
  std::string preset = "lan";
  double window_s = 30;
  double settle_s = 10;
  std::string addr = "127.0.0.1";
  int port_base = 20000;
  bool shared_loop = false;
};

[[noreturn]] void die(const std::string& what, const wkd_error* err = nullptr) {
  std::fprintf(stderr, "wkd_compare_harness: %s%s%s\n", what.c_str(), err ? ": " : "", err ? err->message : "");
  std::exit(1);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// ---- process readings, the same files as the Go harness ----

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

long long rss_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6) * 1024;
  }
  return 0;
}

struct Counters {
  long long bytes = 0, packets = 0;
};

// Transmit counters of the loopback interface of this process's network
// namespace.
Counters read_loopback() {
  std::ifstream f("/proc/self/net/dev");
  std::string line;
  while (std::getline(f, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name != "lo") continue;
    std::istringstream in(line.substr(colon + 1));
    long long v[10] = {};
    for (auto& x : v) in >> x;
    return {v[8], v[9]};
  }
  return {};
}

// ---- one node ----

class Node {
 public:
  // On its own loop thread, or on `host` when given.
  Node(const Params& p, int index, HostLoop* host) : name_("node-" + std::to_string(index)), host_(host) {
    wkd_error err = WKD_ERROR_INIT;
    wkd_config_t* cfg = nullptr;
    const std::string bind = p.addr + ":" + std::to_string(p.port_base + index);
    const wkd_preset preset = p.preset == "local" ? WKD_PRESET_LOCAL : WKD_PRESET_LAN;
    if (wkd_config_new(&cfg, preset, &err) != WKD_OK || wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name_.c_str(), &err) ||
        wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind.c_str(), &err)) {
      die("configure " + name_, &err);
    }
    wkd_status rc = WKD_OK;
    if (host_ != nullptr) {
      host_->run([&] { rc = wkd_node_create_on_loop(&node_, host_->loop(), cfg, &err); });
    } else {
      rc = wkd_node_create(&node_, cfg, &err);
    }
    if (rc != WKD_OK) die("create " + name_, &err);
    wkd_config_free(cfg);
    set_tag("bench", "v1");
    if (host_ != nullptr) {
      host_->run([&] { rc = wkd_node_start(node_, &err); });
    } else {
      rc = wkd_node_start(node_, &err);
    }
    if (rc != WKD_OK) die("start " + name_, &err);
  }
  ~Node() { close(); }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return name_; }

  void join(const std::string& seed) {
    wkd_error err = WKD_ERROR_INIT;
    const char* seeds[] = {seed.c_str()};
    if (wkd_node_join(nullptr, node_, seeds, 1, 30000, &err) != WKD_OK) die(name_ + " join", &err);
  }

  int others_up() const {
    wkd_stats s = WKD_STATS_INIT;
    if (wkd_node_stats(&s, node_, nullptr) != WKD_OK) return -1;
    return static_cast<int>(s.members_alive + s.members_suspect);
  }

  bool has_tag(const std::string& member, const char* key, const char* value) const {
    wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
    f.tag_key = key;
    f.tag_value = value;
    wkd_members_t* ms = nullptr;
    if (wkd_node_members(&ms, node_, &f, nullptr) != WKD_OK) return false;
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    const bool found = wkd_members_find(&m, ms, member.c_str(), nullptr) == WKD_OK;
    wkd_members_free(ms);
    return found;
  }

  void set_tag(const char* key, const char* value) {
    wkd_error err = WKD_ERROR_INIT;
    wkd_kv tag{key, value};
    wkd_registration reg = WKD_REGISTRATION_INIT;
    reg.tags = &tag;
    reg.n_tags = 1;
    if (wkd_register(node_, &reg, &err) != WKD_OK) die(name_ + " register", &err);
  }

  // Calls on_suspect(now) from the loop thread when this node suspects `victim`.
  void watch_suspicion(const std::string& victim, std::function<void()> on_suspect) {
    victim_ = victim;
    on_suspect_ = std::move(on_suspect);
    wkd_error err = WKD_ERROR_INIT;
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    spec.kind = WKD_WATCH_MEMBERS;
    if (wkd_watch(&watch_, node_, &spec, &Node::on_event, this, &err) != WKD_OK) die(name_ + " watch", &err);
  }

  void leave() { wkd_node_leave(node_, 5000, nullptr); }

  // Stops without leaving: the peers must detect the failure.
  void kill() {
    if (host_ != nullptr) {
      // On a host loop the node's handles close on that loop; the handle
      // is freed at the end (free_closed()).
      wkd_node_close(node_);
      closed_ = true;
    } else {
      close();
    }
  }

  // Own loop: stops and frees. Host loop: stops; free_closed() frees once
  // the loop has run the close.
  void close() {
    if (watch_ != nullptr) {
      wkd_watch_free(watch_);
      watch_ = nullptr;
    }
    if (node_ == nullptr) return;
    if (host_ != nullptr) {
      wkd_node_close(node_);
      closed_ = true;
      return;
    }
    wkd_node_free(node_);
    node_ = nullptr;
  }

  void free_closed() {
    if (node_ != nullptr && closed_) {
      wkd_node_free(node_);
      node_ = nullptr;
    }
  }

  wkd_stats stats() const {
    wkd_stats s = WKD_STATS_INIT;
    wkd_node_stats(&s, node_, nullptr);
    return s;
  }

 private:
  static void on_event(const wkd_event_t* ev, void* self) {
    auto* n = static_cast<Node*>(self);
    if (wkd_event_get_type(ev) != WKD_EVENT_MEMBER_SUSPECT) return;
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    if (wkd_event_member(&m, ev, nullptr) == WKD_OK && n->victim_ == m.name) n->on_suspect_();
  }

  std::string name_;
  HostLoop* host_ = nullptr;
  bool closed_ = false;
  wkd_node_t* node_ = nullptr;
  wkd_watch_t* watch_ = nullptr;
  std::string victim_;
  std::function<void()> on_suspect_;
};

// Polls until ok(node) holds on every node not skipped; false past the limit.
template <class Pred>
bool wait_all(const std::vector<std::unique_ptr<Node>>& nodes, const std::vector<bool>& skip, Clock::duration limit,
              Pred ok) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    int pending = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!skip[i] && !ok(*nodes[i])) ++pending;
    }
    if (pending == 0) return true;
    if (Clock::now() > deadline) {
      std::fprintf(stderr, "wkd_compare_harness: %d node(s) still waiting\n", pending);
      return false;
    }
    std::this_thread::sleep_for(kPollEvery);
  }
}

// The nodes' counters summed: what the window's traffic was made of.
struct Totals {
  double packets_out = 0, bytes_out = 0, probes = 0, gossip = 0, push_pulls = 0, streams_out = 0, suspicions = 0,
         refutations = 0;
};

Totals totals(const std::vector<std::unique_ptr<Node>>& nodes) {
  Totals t;
  for (const auto& x : nodes) {
    const wkd_stats s = x->stats();
    t.packets_out += static_cast<double>(s.packets_out);
    t.bytes_out += static_cast<double>(s.bytes_out);
    t.probes += static_cast<double>(s.probes);
    t.gossip += static_cast<double>(s.gossip_messages);
    t.push_pulls += static_cast<double>(s.push_pulls);
    t.streams_out += static_cast<double>(s.streams_out);
    t.suspicions += static_cast<double>(s.suspicions);
    t.refutations += static_cast<double>(s.refutations);
  }
  return t;
}

std::string window_stats_json(const Totals& a, const Totals& b, int n, double w) {
  char buf[512];
  auto rate = [&](double x, double y) { return (y - x) / n / w; };
  std::snprintf(buf, sizeof buf,
                "{\"udp_packets_out\":%.3f,\"bytes_out\":%.1f,\"probes\":%.3f,\"gossip_messages\":%.3f,"
                "\"push_pulls\":%.4f,\"streams_out\":%.4f,\"suspicions\":%.0f,\"refutations\":%.0f}",
                rate(a.packets_out, b.packets_out), rate(a.bytes_out, b.bytes_out), rate(a.probes, b.probes),
                rate(a.gossip, b.gossip), rate(a.push_pulls, b.push_pulls), rate(a.streams_out, b.streams_out),
                b.suspicions - a.suspicions, b.refutations - a.refutations);
  return buf;
}

// Polls like wait_all and records each change in the number of nodes for
// which ok holds: the convergence curve [seconds, nodes].
template <class Pred>
bool wait_all_curve(const std::vector<std::unique_ptr<Node>>& nodes, Clock::time_point start, Clock::duration limit,
                    Pred ok, std::vector<std::pair<double, int>>& curve) {
  const auto deadline = Clock::now() + limit;
  int last = -1;
  for (;;) {
    int done = 0;
    for (const auto& x : nodes) done += ok(*x) ? 1 : 0;
    if (done != last) {
      curve.emplace_back(seconds_since(start), done);
      last = done;
    }
    if (done == static_cast<int>(nodes.size())) return true;
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(kPollEvery);
  }
}

std::string curve_json(const std::vector<std::pair<double, int>>& curve) {
  std::ostringstream o;
  o << '[';
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if (i > 0) o << ',';
    o << '[' << curve[i].first << ',' << curve[i].second << ']';
  }
  o << ']';
  return o.str();
}

std::string settings_json(const Params& p) {
  wkd_config_t* cfg = nullptr;
  wkd_config_new(&cfg, p.preset == "local" ? WKD_PRESET_LOCAL : WKD_PRESET_LAN, nullptr);
  std::ostringstream o;
  o << "{\"library\":\"wkd " << wkd_version_string() << " (Serf layer on top)\"";
  const std::pair<const char*, wkd_option> ints[] = {
      {"probe_interval_ms", WKD_OPT_PROBE_INTERVAL_MS},
      {"probe_timeout_ms", WKD_OPT_PROBE_TIMEOUT_MS},
      {"indirect_checks", WKD_OPT_INDIRECT_CHECKS},
      {"suspicion_mult", WKD_OPT_SUSPICION_MULT},
      {"suspicion_max_timeout_mult", WKD_OPT_SUSPICION_MAX_TIMEOUT_MULT},
      {"gossip_interval_ms", WKD_OPT_GOSSIP_INTERVAL_MS},
      {"gossip_nodes", WKD_OPT_GOSSIP_NODES},
      {"gossip_to_the_dead_ms", WKD_OPT_GOSSIP_TO_THE_DEAD_MS},
      {"retransmit_mult", WKD_OPT_RETRANSMIT_MULT},
      {"push_pull_interval_ms", WKD_OPT_PUSH_PULL_INTERVAL_MS},
      {"tcp_timeout_ms", WKD_OPT_TCP_TIMEOUT_MS},
      {"awareness_max_multiplier", WKD_OPT_AWARENESS_MAX_MULTIPLIER},
      {"udp_buffer_size", WKD_OPT_UDP_BUFFER_SIZE},
  };
  for (const auto& [key, opt] : ints) {
    int64_t v = 0;
    wkd_config_get_int(&v, cfg, opt, nullptr);
    o << ",\"" << key << "\":" << v;
  }
  bool compress = false;
  wkd_config_get_bool(&compress, cfg, WKD_OPT_ENABLE_COMPRESSION, nullptr);
  bool verify = false;
  wkd_config_get_bool(&verify, cfg, WKD_OPT_VERIFY_BEFORE_DEAD, nullptr);
  o << ",\"enable_compression\":" << (compress ? "true" : "false") << ",\"encryption\":false"
    << ",\"verify_before_dead\":" << (verify ? "true" : "false") << '}';
  wkd_config_free(cfg);
  return o.str();
}

Params parse(int argc, char** argv) {
  Params p;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--n") {
      p.n = std::atoi(value().c_str());
    } else if (a == "--preset") {
      p.preset = value();
    } else if (a == "--window") {
      p.window_s = std::atof(value().c_str());
    } else if (a == "--settle") {
      p.settle_s = std::atof(value().c_str());
    } else if (a == "--addr") {
      p.addr = value();
    } else if (a == "--port-base") {
      p.port_base = std::atoi(value().c_str());
    } else if (a == "--loop") {
      const std::string v = value();
      if (v != "own" && v != "shared") die("--loop must be own or shared");
      p.shared_loop = v == "shared";
    } else {
      die("unknown argument " + a +
          " (usage: --n N --preset lan|local --window SECONDS [--settle SECONDS] [--addr IP] [--port-base PORT]"
          " [--loop own|shared])");
    }
  }
  if (p.n < 4) die("--n must be at least 4 (a leaver, a victim and two observers)");
  if (p.preset != "lan" && p.preset != "local") die("--preset must be lan or local");
  if (p.window_s <= 0) die("--window must be positive");
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  const Params p = parse(argc, argv);
  std::unique_ptr<HostLoop> host;
  if (p.shared_loop) host = std::make_unique<HostLoop>();
  std::vector<std::unique_ptr<Node>> nodes;
  nodes.reserve(static_cast<std::size_t>(p.n));
  for (int i = 0; i < p.n; ++i) nodes.push_back(std::make_unique<Node>(p, i, host.get()));
  std::vector<bool> skip(nodes.size(), false);
  const int n = p.n;

  // (a) Join convergence: every node joins node 0 at once.
  const std::string seed = p.addr + ":" + std::to_string(p.port_base);
  auto start = Clock::now();
  std::vector<std::thread> joiners;
  for (int i = 1; i < n; ++i) joiners.emplace_back([&, i] { nodes[static_cast<std::size_t>(i)]->join(seed); });
  std::vector<std::pair<double, int>> curve;
  if (!wait_all_curve(nodes, start, kConvergeLimit, [&](const Node& x) { return x.others_up() == n - 1; }, curve)) {
    die("join convergence did not complete");
  }
  const double converge_s = seconds_since(start);
  for (auto& t : joiners) t.join();

  // (e) Steady state over the window, once the join's gossip has died out.
  std::this_thread::sleep_for(std::chrono::duration<double>(p.settle_s));
  const double cpu0 = cpu_seconds();
  const Counters lo0 = read_loopback();
  const Totals t0 = totals(nodes);
  std::this_thread::sleep_for(std::chrono::duration<double>(p.window_s));
  const double cpu1 = cpu_seconds();
  const Counters lo1 = read_loopback();
  const Totals t1 = totals(nodes);
  const long long rss = rss_bytes();
  const struct mallinfo2 heap = mallinfo2();
  // For heap profiling: what is allocated at the end of the window shows as
  // "leaked" when the process stops here without closing the nodes.
  if (std::getenv("WKD_HARNESS_EXIT_AFTER_WINDOW") != nullptr) std::exit(0);
  if (const char* path = std::getenv("WKD_HARNESS_SMAPS")) {
    // For profiling memory: the mappings as they were at the end of the window.
    std::ifstream in("/proc/self/smaps");
    std::ofstream out(path);
    out << in.rdbuf();
  }

  // (d) A tag update of node 1 until every other node sees it.
  start = Clock::now();
  nodes[1]->set_tag("bench", "v2");
  skip[1] = true;
  if (!wait_all(nodes, skip, kDisseminateLimit,
                [&](const Node& x) { return x.has_tag(nodes[1]->name(), "bench", "v2"); })) {
    die("tag update did not reach every node");
  }
  const double tag_all_s = seconds_since(start);
  skip[1] = false;

  // (b) Failure detection: node 3 stops without leaving.
  const std::size_t victim = 3;
  std::atomic<bool> suspected{false};
  std::mutex mu;
  Clock::time_point suspected_at{};
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i == victim) continue;
    nodes[i]->watch_suspicion(nodes[victim]->name(), [&] {
      const auto now = Clock::now();
      std::lock_guard<std::mutex> lock(mu);
      if (!suspected.exchange(true)) suspected_at = now;
    });
  }
  skip[victim] = true;
  start = Clock::now();
  nodes[victim]->kill();
  if (!wait_all(nodes, skip, kDetectLimit, [&](const Node& x) { return x.others_up() == n - 2; })) {
    die("failure detection did not complete");
  }
  const double detect_all_s = seconds_since(start);
  double first_suspect_s = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!suspected) die("the victim was marked failed everywhere but no suspicion was reported");
    first_suspect_s = std::chrono::duration<double>(suspected_at - start).count();
  }

  // (c) A graceful leave of node 2 until every other node sees it.
  const std::size_t leaver = 2;
  skip[leaver] = true;
  start = Clock::now();
  std::thread leaving([&] { nodes[leaver]->leave(); });
  if (!wait_all(nodes, skip, kDisseminateLimit, [&](const Node& x) { return x.others_up() == n - 3; })) {
    die("graceful leave did not reach every node");
  }
  const double leave_all_s = seconds_since(start);
  leaving.join();

  const double w = p.window_s;
  std::printf(
      "{\"side\":\"wkd\",\"harness\":\"cpp\",\"loop\":\"%s\",\"preset\":\"%s\",\"n\":%d,\"converge_s\":%.6f,\"tag_all_s\":%.6f,"
      "\"first_suspect_s\":%.6f,\"detect_all_s\":%.6f,\"leave_all_s\":%.6f,\"window_s\":%g,"
      "\"cpu_s_per_node_min\":%.6f,\"rss_bytes\":%lld,\"rss_per_node_bytes\":%.1f,\"bytes_per_node_s\":%.3f,"
      "\"packets_per_node_s\":%.3f,\"heap_in_use_bytes\":%zu,\"heap_arena_bytes\":%zu,\"converge_curve\":%s,\"wkd_window_per_node_s\":%s,\"settings\":%s}\n",
      p.shared_loop ? "shared" : "own", p.preset.c_str(), n, converge_s, tag_all_s, first_suspect_s, detect_all_s, leave_all_s, w,
      (cpu1 - cpu0) / n * 60 / w, rss, static_cast<double>(rss) / n,
      static_cast<double>(lo1.bytes - lo0.bytes) / n / w, static_cast<double>(lo1.packets - lo0.packets) / n / w,
      heap.uordblks + heap.hblkhd, heap.arena + heap.hblkhd, curve_json(curve).c_str(), window_stats_json(t0, t1, n, w).c_str(), settings_json(p).c_str());
  std::fflush(stdout);
  for (auto& x : nodes) x->close();
  if (host) {
    host->run([] {});  // the closes have run on the loop
    std::this_thread::sleep_for(milliseconds(200));
    for (auto& x : nodes) x->free_closed();
  }
  nodes.clear();
  host.reset();
  return 0;
}
