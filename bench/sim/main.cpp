// wkd_sim_bench: scale figures of the real SWIM engine in the deterministic
// simulator, printed as a Markdown table beside Serf's convergence model and
// the SWIM paper's expected first detection. Flags and output: README.md.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "parse_list.hpp"
#include "registry.hpp"
#include "scenario.hpp"
#include "serf_model.hpp"

namespace {

using wkd::bench::parse_list;
using wkd::bench::ScenarioResult;
using wkd::bench::ScenarioSpec;
using wkd::bench::Timed;

struct Flags {
  std::vector<std::size_t> nodes{1000};
  std::vector<int> loss_pct{0, 10, 50};
  std::uint64_t seed = 1;
  bool quick = false;
  long steady_s = 0;             // 0: 60 s, or 20 s with --quick
  std::size_t bootstrap_max = 1000;  // bootstrap measured up to this size
};

void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--nodes N[,N...]] [--loss P[,P...]] [--seed S] [--quick] [--steady S] [--no-bootstrap]\n"
               "  --nodes         cluster sizes (default 1000; at most 10000)\n"
               "  --loss          uniform datagram loss in percent (default 0,10,50)\n"
               "  --seed          simulator seed (default 1); same seed, same figures but the wall-clock ones\n"
               "  --quick         1000 nodes, 0 and 10 %% loss, shorter limits and windows\n"
               "  --steady S      steady-state window in virtual seconds (default 60; 20 with --quick)\n"
               "  --no-bootstrap  skip the bootstrap run (by default made for sizes up to 1000)\n"
               "  --registry      the service registry's rows instead (--registry --help: its flags)\n",
               argv0);
}

bool parse(int argc, char** argv, Flags& f) {
  bool nodes_set = false, loss_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    std::vector<long> list;
    if (a == "--quick") {
      f.quick = true;
    } else if (a == "--nodes" && has_value) {
      if (!parse_list(argv[++i], list)) return false;
      f.nodes.clear();
      for (long v : list) {
        if (v < 10 || v > 10000) return false;
        f.nodes.push_back(static_cast<std::size_t>(v));
      }
      nodes_set = true;
    } else if (a == "--loss" && has_value) {
      if (!parse_list(argv[++i], list)) return false;
      f.loss_pct.clear();
      for (long v : list) {
        if (v > 99) return false;
        f.loss_pct.push_back(static_cast<int>(v));
      }
      loss_set = true;
    } else if (a == "--steady" && has_value) {
      char* end = nullptr;
      f.steady_s = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || f.steady_s < 1 || f.steady_s > 100000) return false;
    } else if (a == "--no-bootstrap") {
      f.bootstrap_max = 0;
    } else if (a == "--seed" && has_value) {
      char* end = nullptr;
      f.seed = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0') return false;
    } else {
      return false;
    }
  }
  if (f.quick) {
    if (!nodes_set) f.nodes = {1000};
    if (!loss_set) f.loss_pct = {0, 10};
  }
  return true;
}

// "2.40 s (12.0 r)" in gossip rounds, or "1.23 s (1.23 pp)" in probe
// periods (`unit` seconds each); "not in limit (reached/needed)" when not
// everyone got there.
std::string fmt_timed(const Timed& t, double unit_s, const char* unit, int decimals) {
  char buf[64];
  if (t.seconds) {
    std::snprintf(buf, sizeof buf, "%.2f s (%.*f %s)", *t.seconds, decimals, *t.seconds / unit_s, unit);
  } else {
    std::snprintf(buf, sizeof buf, "not in limit (%zu/%zu)", t.reached, t.needed);
  }
  return buf;
}

std::string fmt_spread(const Timed& t, double gossip_interval_s) { return fmt_timed(t, gossip_interval_s, "r", 1); }
std::string fmt_detect(const Timed& t, double probe_interval_s) { return fmt_timed(t, probe_interval_s, "pp", 2); }

std::string serf_model(std::size_t n, double loss, double gossip_interval_s) {
  const auto rounds = wkd::bench::serf_model_rounds(n, loss);
  if (!rounds) return "never";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f s (%.0f r)", *rounds * gossip_interval_s, *rounds);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--registry") return wkd::bench::registry_main(argc, argv);
  }
  Flags f;
  if (!parse(argc, argv, f)) {
    usage(argv[0]);
    return 2;
  }
  const double swim_first = std::exp(1.0) / (std::exp(1.0) - 1.0);  // SWIM paper, probe periods
  std::printf("wkd_sim_bench: memberlist engine, LAN preset, seed %llu%s\n",
              static_cast<unsigned long long>(f.seed), f.quick ? ", --quick" : "");
  std::printf("r = gossip rounds (virtual seconds / gossip interval); pp = probe periods.\n");
  std::printf("Comparison: Serf's convergence model (99.99 %% of nodes; fanout 3, this gossip interval;\n"
              "2.2 s at 1k and 2.6 s at 10k nodes without loss, 4.4 s and 5.0 s at 50 %% loss);\n");
  std::printf("SWIM expected first detection e/(e-1) = %.2f pp.\n\n", swim_first);
  std::printf("| nodes | loss | bootstrap (all join one seed) | then drained | tag update everywhere | join everywhere | Serf model "
              "| killed | first suspect | first dead | dead everywhere | SWIM first detect | false failures | UDP B/node/s "
              "| UDP pkts/node/s | TCP B/node/s | measured virtual s | sim s / wall s | peak RSS MiB |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  for (std::size_t n : f.nodes) {
    for (int loss : f.loss_pct) {
      ScenarioSpec spec;
      spec.nodes = n;
      spec.loss = loss / 100.0;
      spec.seed = f.seed;
      spec.quick = f.quick;
      spec.steady_s = static_cast<double>(f.steady_s);
      spec.bootstrap = n <= f.bootstrap_max;
      const ScenarioResult r = run_scenario(spec);
      char boot[32];
      if (!r.bootstrap_run) {
        std::snprintf(boot, sizeof boot, "not run");
      } else if (r.bootstrap_s) {
        std::snprintf(boot, sizeof boot, "%.2f s", *r.bootstrap_s);
      } else {
        std::snprintf(boot, sizeof boot, "not in 300 s");
      }
      char drained[32];
      if (!r.bootstrap_run) {
        std::snprintf(drained, sizeof drained, "not run");
      } else if (r.drained_s) {
        std::snprintf(drained, sizeof drained, "%.2f s", *r.drained_s);
      } else {
        std::snprintf(drained, sizeof drained, "not in 300 s");
      }
      std::printf("| %zu | %d %% | %s | %s | %s | %s | %s | n%zu | %s | %s | %s | %.2f pp (%.2f s) | %zu | %.0f | %.1f | %.0f | %.0f | %.1f | %.0f |\n",
                  n, loss, boot, drained, fmt_spread(r.tag_update, r.gossip_interval_s).c_str(),
                  fmt_spread(r.join, r.gossip_interval_s).c_str(),
                  serf_model(n, spec.loss, r.gossip_interval_s).c_str(), r.victim,
                  fmt_detect(r.first_suspect, r.probe_interval_s).c_str(),
                  fmt_detect(r.first_dead, r.probe_interval_s).c_str(),
                  fmt_detect(r.dead_everywhere, r.probe_interval_s).c_str(), swim_first,
                  swim_first * r.probe_interval_s, r.false_failures, r.udp_bytes_per_node_s,
                  r.udp_packets_per_node_s, r.tcp_bytes_per_node_s, r.measured_virtual_s, r.sim_speed,
                  static_cast<double>(r.peak_rss_kib) / 1024.0);
      std::fflush(stdout);
    }
  }
  return 0;
}
