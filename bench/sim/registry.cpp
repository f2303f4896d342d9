// wkd_sim_bench --registry: figures of the service registry replicated
// among wkd cores in the simulator, printed as Markdown tables with the
// issue's targets beside them; never asserted. Flags and output:
// README.md, "The registry".
#include "registry.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "registry_rows.hpp"
#include "parse_list.hpp"

namespace wkd::bench {
namespace {

struct RegFlags {
  std::vector<std::size_t> nodes{1000, 10000};
  std::vector<int> loss_pct{0, 10};
  std::uint64_t seed = 1;
  bool quick = false;
  long preload = -1;     // -1: by size (see preload_of)
  long meta_bytes = -1;  // -1: by size
  bool churn = true, catchup = true, memory = true;
};

void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --registry [--quick] [--nodes N[,N...]] [--loss P[,P...]] [--seed S]\n"
               "         [--preload K] [--meta B] [--no-churn] [--no-catchup] [--no-memory]\n"
               "  --quick       200 nodes, 0 and 10 %% loss, shorter windows, a smaller catch-up (about 2 minutes)\n"
               "  --nodes       propagation rows' cluster sizes (default 1000,10000; 10 to 10000)\n"
               "  --loss        uniform datagram loss in percent (default 0,10)\n"
               "  --preload K   instances every node registers first (default: 1 up to 1000 nodes, 0 above)\n"
               "  --meta B      metadata bytes per instance (default: 2048 up to 1000 nodes, 64 above)\n"
               "  --no-churn    skip the churn steps (run on rows of up to 1000 nodes)\n"
               "  --no-catchup  skip the 100,000-instance catch-up\n"
               "  --no-memory   skip the memory per instance\n",
               argv0);
}

bool parse_long(const char* text, long lo, long hi, long& out) {
  char* end = nullptr;
  out = std::strtol(text, &end, 10);
  return *end == '\0' && out >= lo && out <= hi;
}

bool parse_one(int argc, char** argv, int& i, RegFlags& f, bool& nodes_set) {
  const std::string a = argv[i];
  const bool has_value = i + 1 < argc;
  std::vector<long> list;
  if (a == "--registry") return true;
  if (a == "--quick") return f.quick = true;
  if (a == "--no-churn") return !(f.churn = false);
  if (a == "--no-catchup") return !(f.catchup = false);
  if (a == "--no-memory") return !(f.memory = false);
  if (!has_value) return false;
  const char* v = argv[++i];
  if (a == "--preload") return parse_long(v, 0, 1000, f.preload);
  if (a == "--meta") return parse_long(v, 0, 60000, f.meta_bytes);
  if (a == "--seed") {
    char* end = nullptr;
    f.seed = std::strtoull(v, &end, 10);
    return *end == '\0';
  }
  if (a == "--nodes") {
    if (!parse_list(v, list)) return false;
    f.nodes.clear();
    for (long n : list) {
      if (n < 20 || n > 10000) return false;
      f.nodes.push_back(static_cast<std::size_t>(n));
    }
    return nodes_set = true;
  }
  if (a == "--loss") {
    if (!parse_list(v, list)) return false;
    f.loss_pct.clear();
    for (long p : list) {
      if (p > 99) return false;
      f.loss_pct.push_back(static_cast<int>(p));
    }
    return true;
  }
  return false;
}

bool parse(int argc, char** argv, RegFlags& f) {
  bool nodes_set = false;
  for (int i = 1; i < argc; ++i) {
    if (!parse_one(argc, argv, i, f, nodes_set)) return false;
  }
  if (f.quick && !nodes_set) f.nodes = {200};
  return true;
}

// A wkd core in the simulator holds about 0.7 KB per member it knows (the
// memberlist and Serf tables, measured: 668 MiB for 1000 nodes before any
// record), so a cluster needs n^2 x 0.7 KB; past this size that is over
// 16 GiB, more than a 24 GiB machine shared with builds can give.
constexpr std::size_t kMaxClusterNodes = 4000;

std::string not_run_reason(std::size_t n) {
  if (n <= kMaxClusterNodes) return {};
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "memory: every simulated wkd core holds every member (~0.7 KB each in its memberlist and Serf "
                "tables, 668 MiB measured at 1000 nodes), so %zu nodes need ~%.0f GiB before a single record; "
                "this bench runs up to %zu",
                n, static_cast<double>(n) * static_cast<double>(n) * 0.7e3 / (1024.0 * 1024.0 * 1024.0),
                kMaxClusterNodes);
  return buf;
}

std::size_t preload_of(const RegFlags& f, std::size_t n) {
  return f.preload >= 0 ? static_cast<std::size_t>(f.preload) : (n <= 1000 ? 1 : 0);
}
std::size_t meta_of(const RegFlags& f, std::size_t n) {
  return f.meta_bytes >= 0 ? static_cast<std::size_t>(f.meta_bytes) : (n <= 1000 ? 2048 : 64);
}

}  // namespace

int registry_main(int argc, char** argv) {
  RegFlags f;
  if (!parse(argc, argv, f)) {
    usage(argv[0]);
    return 2;
  }
  print_preamble(f.quick, f.seed);
  std::vector<PropSpec> specs;
  std::vector<PropResult> rows;
  for (std::size_t n : f.nodes) {
    for (int loss : f.loss_pct) {
      PropSpec s;
      s.nodes = n;
      s.preload = preload_of(f, n);
      s.meta_bytes = meta_of(f, n);
      s.loss = loss / 100.0;
      s.seed = f.seed;
      s.quick = f.quick;
      s.churn = f.churn && n <= 1000 && s.preload >= 1;
      specs.push_back(s);
      if (auto why = not_run_reason(n); !why.empty()) {
        PropResult r;
        r.not_run = why;
        rows.push_back(r);
        continue;
      }
      rows.push_back(run_propagation(s));
    }
  }
  if (!rows.empty()) print_rows(specs, rows);
  // After the clusters, so that their peak RSS is theirs alone.
  // --quick: two owners of 50,000 each, the preload's gossip being most of
  // the run's wall time (each record is applied once per node).
  if (f.catchup) print_catchup(f.quick ? run_catchup(2, 50000, 64, f.seed) : run_catchup(10, 10000, 64, f.seed));
  if (f.memory) {
    std::vector<MemoryResult> m;
    for (std::size_t meta : {0, 64, 2048}) m.push_back(measure_memory(100000, 10, meta));
    print_memory(m);
  }
  return 0;
}

}  // namespace wkd::bench
