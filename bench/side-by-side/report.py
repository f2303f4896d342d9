"""Writes BENCHMARKS.md and its plots from bench/compare results.

    python report.py RESULTS.jsonl [--self SELF.jsonl]
    python report.py --self SELF.jsonl           # the comparison: the latest --quick/--full file

`bench/compare ... --report` runs it with a Python that has matplotlib.
Without a file of one kind, the latest of that kind in results/ is used.
"""
import argparse
import datetime
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import figures  # noqa: E402

PLOTS = os.path.join(ROOT, "docs", "bench")
OUT = os.path.join(ROOT, "BENCHMARKS.md")
COLORS = {"wkd": "#1f77b4", "memberlist": "#d62728", "wkd-cpp": "#1f77b4", "wkd-go": "#2ca02c"}

# What we aim at (the targets): ratio key -> (limit, wording).
TARGETS = {
    "cpu_per_node": (0.25, "CPU per node at most a quarter of memberlist's"),
    "rss_per_node": (0.20, "marginal memory per node at most a fifth"),
    "detect_all": (1.00, "failure detection no slower"),
    "converge": (1.00, "join convergence no slower"),
}


def latest(kind):
    files = sorted(glob.glob(os.path.join(HERE, "results", f"*-{kind}.jsonl")))
    return files[-1] if files else None


def plot_convergence(results, sides, preset, n, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    for s in sides:
        for i, row in enumerate(results.get((s, preset, n), [])):
            curve = row.get("converge_curve") or []
            if not curve:
                continue
            xs = [p[0] for p in curve] + [row["converge_s"]]
            ys = [p[1] / n * 100 for p in curve] + [100]
            ax.step(xs, ys, where="post", color=COLORS.get(s), alpha=0.8, label=s if i == 0 else None)
    ax.set_xlabel("seconds since every node called join")
    ax.set_ylabel(f"% of nodes seeing all {n} alive")
    ax.set_title(f"Join convergence, N={n}, {preset.upper()} preset (each run)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_cost(results, sides, preset, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ns = figures.sizes(results, preset)
    panels = [("cpu_s_per_node_min", "CPU s / node / min", 1),
              ("rss_per_node_bytes", "RSS / node (MiB)", 1 / 2**20),
              ("bytes_per_node_s", "bytes / node / s", 1)]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    for ax, (key, label, scale) in zip(axes, panels):
        for s in sides:
            pts = [(n, figures.median(results[(s, preset, n)], key) * scale) for n in ns if (s, preset, n) in results]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=COLORS.get(s), label=s)
        ax.set_xlabel("nodes (N)")
        ax.set_title(label)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(f"Steady-state cost per node against N, {preset.upper()} preset (medians)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="?", help="a --quick or --full results file")
    ap.add_argument("--self", dest="self_file", help="a --self results file")
    a = ap.parse_args()
    compare_file = a.results or latest("full") or latest("quick")
    self_file = a.self_file or latest("self")
    if compare_file is None:
        sys.exit("report: no --quick or --full results (run bench/compare --quick first)")

    meta, results = figures.load(compare_file)
    sides = meta.get("sides", ["wkd", "memberlist"])
    presets = meta.get("presets", ["lan"])
    os.makedirs(PLOTS, exist_ok=True)

    m = meta.get("machine", {})
    lines = [
        "# Benchmarks: wkd side by side with HashiCorp memberlist",
        "",
        "Regenerate this page (and its plots under `docs/bench/`) with one command:",
        "",
        "    bench/compare --quick --report     # N = 16, 64, 128, LAN preset, 3 runs each (about 20 minutes)",
        "    bench/compare --full --report      # adds N = 256 and the Local preset",
        "    bench/compare --self --report      # wkd through both harnesses (the measurement check)",
        "",
        "How it measures (bench/side-by-side/README.md): N nodes in one process on loopback, each",
        "library in its own harness (C++ over wkd's C API; Go over memberlist v0.5.4), each run in a",
        "network namespace of its own so the loopback counters hold that run's traffic only, the",
        "two sides alternating. Steady state is read over a fixed window that starts 10 s after join",
        "convergence: CPU from getrusage, memory from VmRSS, traffic from the namespace's loopback",
        "transmit counters. Every figure is the median of the runs.",
        "",
        "Note what is compared: a wkd node runs the Serf layer on top of memberlist's protocol",
        "(Lamport-clocked intents, Vivaldi coordinates carried in acks, tags in node meta), while",
        "the other side is bare memberlist with an 8-byte meta. Serf's extra bytes are part of",
        "wkd's figures. wkd also runs with its defaults, so `verify_before_dead` is on: before",
        "declaring a suspect dead a node probes it once more itself, which makes a real failure",
        "take about one probe interval longer to be declared than with memberlist's timing.",
        "",
        f"## Run of {meta.get('started', '?')} (`--{meta.get('mode', '?')}`)",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_mib', '?')} MiB, "
        f"Linux {m.get('kernel', '?')}; {m.get('go', '')}. Window {meta.get('window_s', '?')} s, "
        f"{meta.get('runs', '?')} runs per side and size.",
        "",
        "### Settings, side by side",
        "",
    ]
    lines += figures.settings_table(results, sides, presets[0])
    for preset in presets:
        lines += ["", f"### {preset.upper()} preset", ""]
        lines += figures.table(results, sides, preset)
    ratios = figures.ratios(results, sides[0], sides[1], "lan")
    hi = 128 if 128 in figures.sizes(results, "lan") else max(figures.sizes(results, "lan"))
    lo = min(figures.sizes(results, "lan"))
    lines += ["", f"### The ratio line (LAN; N={hi}; memory: marginal from N={lo} to N={hi})", "", "    "
              + figures.ratio_line(results, sides[0], sides[1], "lan"), "",
              "Against our targets:", ""]
    for key, (limit, wording) in TARGETS.items():
        v = ratios[key]
        lines.append(f"- {wording}: {v:.2f} ({'met' if v <= limit else 'not met'}; target at most {limit:g})")

    plot_convergence(results, sides, "lan", hi, os.path.join(PLOTS, "convergence.png"))
    plot_cost(results, sides, "lan", os.path.join(PLOTS, "cost_per_node.png"))
    lines += ["", "![Join convergence](docs/bench/convergence.png)", "",
              "![Cost per node against N](docs/bench/cost_per_node.png)"]

    if self_file:
        smeta, sresults = figures.load(self_file)
        ssides = smeta.get("sides", ["wkd-cpp", "wkd-go"])
        sratios = figures.ratios(sresults, ssides[0], ssides[1], "lan")
        ok = all(0.8 <= v <= 1.25 for v in sratios.values())
        lines += ["", f"## Measurement check (`--self`, run of {smeta.get('started', '?')})", "",
                  "wkd against wkd: the C++ harness against the Go harness driving wkd through the Go",
                  "binding. Every ratio must land within 0.8 to 1.25, or the two harnesses measure",
                  "different things:", "", "    " + figures.ratio_line(sresults, ssides[0], ssides[1], "lan"), "",
                  "Within bounds." if ok else
                  "Outside the bounds: " + ", ".join(k for k, v in sratios.items() if not 0.8 <= v <= 1.25) + "."]
        lines += [""] + figures.table(sresults, ssides, "lan")

    lines += ["", f"_Written by bench/side-by-side/report.py on "
              f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} from "
              f"`{os.path.relpath(compare_file, ROOT)}`"
              + (f" and `{os.path.relpath(self_file, ROOT)}`" if self_file else "") + "._", ""]
    with open(OUT, "w") as f:
        f.write("\n".join(lines))
    print(f"report: wrote {os.path.relpath(OUT, ROOT)} and docs/bench/*.png")


if __name__ == "__main__":
    main()
