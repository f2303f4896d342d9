"""Side by side with HashiCorp memberlist: runs both harnesses, prints medians and ratios.

Called through the `bench/compare` wrapper:

    bench/compare --quick            N = 16, 64, 128; LAN; 3 runs each (about 20 minutes)
    bench/compare --full             adds N = 256 and the Local preset
    bench/compare --self             wkd through both harnesses: every ratio must be within 0.8-1.25
    bench/compare --quick --report   also rewrites BENCHMARKS.md and its plots

Each run starts one harness process in a network namespace of its own, so
the loopback counters it reads hold its own traffic only; the two sides
alternate (A B, then B A, ...). Raw results go to bench/side-by-side/results/.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import figures  # noqa: E402
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("WKD_BUILD_DIR", os.path.join(ROOT, "build"))
GO_HARNESS_DIR = os.path.join(HERE, "harness-go")
RESULTS_DIR = os.path.join(HERE, "results")

# Seconds between join convergence and the steady-state window: the join's
# broadcasts are still being retransmitted for a few seconds after every node
# sees every other (about 7 s at N=128), and they are not steady state.
SETTLE_S = 10

def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- building the two harnesses ----

def build_cpp():
    subprocess.run(["cmake", "--build", BUILD, "--target", "wkd_compare_harness"], check=True,
                   stdout=subprocess.DEVNULL)
    path = os.path.join(BUILD, "bench", "wkd_compare_harness")
    if not os.path.exists(path):
        sys.exit(f"compare: {path} was not built (configure {BUILD} with -DWKD_BUILD_BENCH=ON and libbenchmark-dev)")
    return [path]


def build_go(with_wkd):
    if shutil.which("go") is None:
        sys.exit("compare: the Go harness needs a Go toolchain on PATH")
    out = os.path.join(BUILD, "bench", "harness-go" + ("-wkd" if with_wkd else ""))
    env = dict(os.environ)
    cmd = ["go", "build", "-o", out]
    if with_wkd:
        cmd += ["-tags", "wkd"]
        env["PKG_CONFIG_PATH"] = os.path.join(BUILD, "pkgconfig")
    subprocess.run(cmd + ["."], cwd=GO_HARNESS_DIR, env=env, check=True)
    return [out]


# ---- running ----

def netns_prefix():
    """A fresh network namespace per run: as root directly, else in a user namespace."""
    if os.geteuid() == 0:
        return ["unshare", "--net"]
    return ["unshare", "--user", "--map-root-user", "--net"]


def run_harness(side, n, preset, window):
    """One run of one harness; returns its JSON result."""
    kind, cmd = side
    if kind == "cpp":
        args = cmd + ["--n", str(n), "--preset", preset, "--window", str(window), "--settle", str(SETTLE_S)]
    else:
        args = cmd + ["-n", str(n), "-preset", preset, "-window", f"{window}s", "-settle", f"{SETTLE_S}s"]
    shell = "ip link set lo up && exec " + " ".join(f"'{x}'" for x in args)
    p = subprocess.run(netns_prefix() + ["sh", "-c", shell], capture_output=True, text=True,
                       timeout=window + 600)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(prog="bench/compare", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true")
    mode.add_argument("--full", action="store_true")
    mode.add_argument("--self", action="store_true", dest="self_check")
    ap.add_argument("--runs", type=int, default=3, help="runs per side and size (default 3)")
    ap.add_argument("--window", type=float, default=None,
                    help="steady-state window in seconds (default 30, --full 60)")
    ap.add_argument("--sizes", default=None, help="comma-separated N (overrides the mode's sizes)")
    ap.add_argument("--report", action="store_true", help="rewrite BENCHMARKS.md and its plots afterwards")
    a = ap.parse_args()

    ns = [16, 64, 128] + ([256] if a.full else [])
    if a.sizes:
        ns = sorted(int(x) for x in a.sizes.split(","))
    presets = ["lan", "local"] if a.full else ["lan"]
    window = a.window if a.window is not None else (60 if a.full else 30)

    cpp = build_cpp()
    if a.self_check:
        sides = {"wkd-cpp": ("cpp", cpp), "wkd-go": ("go", build_go(with_wkd=True) + ["-backend", "wkd"])}
    else:
        sides = {"wkd": ("cpp", cpp), "memberlist": ("go", build_go(with_wkd=False) + ["-backend", "memberlist"])}
    names = list(sides)

    os.makedirs(RESULTS_DIR, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    mode_name = "self" if a.self_check else ("full" if a.full else "quick")
    out_path = os.path.join(RESULTS_DIR, f"{stamp}-{mode_name}.jsonl")
    results = {}
    began = time.monotonic()
    with open(out_path, "w") as out:
        meta = {"meta": True, "mode": mode_name, "started": stamp, "machine": machine(), "window_s": window,
                "runs": a.runs, "sizes": ns, "presets": presets, "sides": names}
        out.write(json.dumps(meta) + "\n")
        for preset in presets:
            for n in ns:
                for run in range(a.runs):
                    order = names if run % 2 == 0 else list(reversed(names))
                    for side in order:
                        log(f"compare: {side} {preset} N={n} run {run + 1}/{a.runs} "
                            f"({time.monotonic() - began:.0f} s so far)")
                        row = run_harness(sides[side], n, preset, window)
                        row["label"] = side
                        row["run"] = run + 1
                        results.setdefault((side, preset, n), []).append(row)
                        out.write(json.dumps(row) + "\n")
                        out.flush()
    log(f"compare: raw results in {os.path.relpath(out_path, ROOT)}")

    print(f"# bench/compare --{mode_name}: {names[0]} vs {names[1]}, window {window:g} s, "
          f"{a.runs} runs, {time.monotonic() - began:.0f} s")
    for preset in presets:
        print()
        print("\n".join(figures.table(results, names, preset)))
    ratios = figures.ratios(results, names[0], names[1], "lan")
    print()
    print(figures.ratio_line(results, names[0], names[1], "lan"))
    rc = 0
    if a.self_check:
        bad = [k for k, v in ratios.items() if not 0.8 <= v <= 1.25]
        if bad:
            print(f"self-check FAILED: {', '.join(bad)} outside 0.8-1.25: the harnesses measure different things")
            rc = 1
        else:
            print("self-check passed: every ratio within 0.8-1.25")
    if a.report:
        report_args = ["--self", out_path] if a.self_check else [out_path]
        subprocess.run([report_python(), os.path.join(HERE, "report.py")] + report_args, check=True)
    return rc


def report_python():
    """A Python with matplotlib: a venv of the build tree, made on first use (PyPI)."""
    venv = os.path.join(BUILD, "bench", "report-venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    if subprocess.run([py, "-c", "import matplotlib"], capture_output=True).returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "--quiet", "matplotlib"], check=True)
    return py


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mib": mem, "kernel": platform.release(),
            "go": subprocess.run(["go", "version"], capture_output=True, text=True).stdout.strip()
            if shutil.which("go") else None}


if __name__ == "__main__":
    sys.exit(main())
