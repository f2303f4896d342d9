"""The figures bench/compare reports, computed the same way for the terminal and for BENCHMARKS.md."""
import json
import statistics

# Figures compared, in table order: (key, label, scale, format).
METRICS = [
    ("converge_s", "join convergence (s)", 1, "{:.2f}"),
    ("tag_all_s", "tag update everywhere (s)", 1, "{:.2f}"),
    ("first_suspect_s", "first suspicion (s)", 1, "{:.2f}"),
    ("detect_all_s", "failed everywhere (s)", 1, "{:.2f}"),
    ("leave_all_s", "leave seen everywhere (s)", 1, "{:.2f}"),
    ("cpu_s_per_node_min", "CPU s / node / min", 1, "{:.4f}"),
    ("rss_per_node_bytes", "RSS / node (MiB)", 1 / 2**20, "{:.2f}"),
    ("bytes_per_node_s", "bytes / node / s", 1, "{:.0f}"),
    ("packets_per_node_s", "packets / node / s", 1, "{:.2f}"),
]

# The settings printed side by side.
SETTINGS = ["library", "probe_interval_ms", "probe_timeout_ms", "indirect_checks", "suspicion_mult",
            "suspicion_max_timeout_mult", "gossip_interval_ms", "gossip_nodes", "gossip_to_the_dead_ms",
            "retransmit_mult", "push_pull_interval_ms", "tcp_timeout_ms", "awareness_max_multiplier",
            "udp_buffer_size", "enable_compression", "encryption", "verify_before_dead"]


def load(path):
    """(meta, {(label, preset, n): [rows]}) from a results file."""
    meta, results = {}, {}
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            if row.get("meta"):
                meta = row
            else:
                results.setdefault((row["label"], row["preset"], row["n"]), []).append(row)
    return meta, results


def median(rows, key):
    return statistics.median(r[key] for r in rows)


def marginal_rss(results, side, preset, lo, hi):
    """(RSS at N=hi minus RSS at N=lo) / (hi - lo), from the medians; None when missing."""
    a, b = results.get((side, preset, lo)), results.get((side, preset, hi))
    if not a or not b or hi == lo:
        return None
    return (median(b, "rss_bytes") - median(a, "rss_bytes")) / (hi - lo)


def sizes(results, preset):
    return sorted({n for (_, p, n) in results if p == preset})


def table(results, sides, preset):
    """Markdown lines: one row per figure, one column per side and size."""
    ns = sizes(results, preset)
    runs = max(len(v) for k, v in results.items() if k[1] == preset)
    out = [f"{preset.upper()} preset, medians of {runs} runs:", "",
           "| figure | " + " | ".join(f"{s} N={n}" for n in ns for s in sides) + " |",
           "|" + "---|" * (1 + len(ns) * len(sides))]
    for key, label, scale, fmt in METRICS:
        cells = []
        for n in ns:
            for s in sides:
                rows = results.get((s, preset, n))
                cells.append(fmt.format(median(rows, key) * scale) if rows else "-")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    lo, hi = min(ns), max(ns)
    parts = []
    for s in sides:
        m = marginal_rss(results, s, preset, lo, hi)
        parts.append(f"{s} {m / 2**10:.0f} KiB" if m is not None else f"{s} -")
    out += ["", f"Marginal memory per node, (RSS at N={hi} - RSS at N={lo}) / {hi - lo}: " + ", ".join(parts) + "."]
    return out


def settings_table(results, sides, preset):
    rows = {s: next((v[0]["settings"] for k, v in results.items() if k[0] == s and k[1] == preset), {})
            for s in sides}
    out = ["| setting | " + " | ".join(sides) + " |", "|" + "---|" * (1 + len(sides))]
    for key in SETTINGS:
        out.append(f"| {key} | " + " | ".join(_cell(rows[s].get(key, "-")) for s in sides) + " |")
    return out


def _cell(v):
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def ratios(results, a, b, preset="lan"):
    """The ratio line's figures: a/b of medians at N=128 (or the largest N), marginal memory from the smallest N."""
    ns = sizes(results, preset)
    hi = 128 if 128 in ns else max(ns)
    lo = min(ns)

    def r(key):
        return median(results[(a, preset, hi)], key) / median(results[(b, preset, hi)], key)

    ma, mb = marginal_rss(results, a, preset, lo, hi), marginal_rss(results, b, preset, lo, hi)
    return {
        "cpu_per_node": r("cpu_s_per_node_min"),
        "rss_per_node": ma / mb if ma is not None and mb else float("nan"),
        "detect_all": r("detect_all_s"),
        "converge": r("converge_s"),
        "bytes_per_node": r("bytes_per_node_s"),
    }


def ratio_line(results, a, b, preset="lan"):
    return f"{a}/{b} " + " ".join(f"{k}={v:.2f}" for k, v in ratios(results, a, b, preset).items())
