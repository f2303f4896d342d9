#!/usr/bin/env python3
"""One cluster, four languages: a C, a Python, a Go and a Java node.

Each node is its language's node program (README.md here), started as a
process on its own loopback address. The test checks that every node sees
the other three alive with their groups and tags, that every node receives
the user event each other node fires, that the survivors see a SIGKILLed
node as failed, and that a graceful leave is seen as left.

    python3 tests/polyglot/polyglot_test.py            # defaults below
    python3 tests/polyglot/polyglot_test.py --kill go  # which node to SIGKILL

The commands default to the repository's build outputs; each can be set
with --c/--python/--go/--java (a shell-style command line).
"""
import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LANGS = ("c", "python", "go", "java")
# Four addresses of their own, outside the agent tests' blocks (127.0.0.100+).
ADDRS = {"c": "127.0.0.60", "python": "127.0.0.61", "go": "127.0.0.62", "java": "127.0.0.63"}
PORT = 7946

# Deadlines: five times what each step takes here (a JVM start is the slowest).
START_DEADLINE = 60.0
CONVERGE_DEADLINE = 60.0
EVENT_DEADLINE = 30.0
FAILED_DEADLINE = 60.0
EXIT_DEADLINE = 30.0


def default_commands():
    build = os.environ.get("WKD_BUILD_DIR", os.path.join(ROOT, "build"))
    venv_python = os.path.join(os.environ.get("WKD_PY_VENV", os.path.join(ROOT, "build-python", "venv")), "bin",
                               "python")
    return {
        "c": [os.path.join(build, "tests", "polyglot", "wkd_polyglot_node")],
        "python": [venv_python, os.path.join(ROOT, "python", "tests", "polyglot_node.py")],
        "go": [os.path.join(build, "polyglot", "wkd-polyglot-go")],
        "java": ["bash", os.path.join(ROOT, "java", "polyglot-node.sh")],
    }


class Node:
    """One node process: its stdout parsed line by line into events."""

    def __init__(self, lang, command, seed=None):
        self.lang = lang
        self.name = f"{lang}-node"
        self.addr = f"{ADDRS[lang]}:{PORT}"
        args = command + ["--name", self.name, "--bind", self.addr, "--lang", lang]
        if seed:
            args += ["--join", seed]
        self.events = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"ev": "garbage", "line": line}
            with self.cond:
                self.events.append(ev)
                self.cond.notify_all()
        with self.cond:
            self.events.append({"ev": "eof"})
            self.cond.notify_all()

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip())

    def wait_for(self, what, predicate, deadline):
        """Waits until predicate(events) is true; fails naming `what`."""
        end = time.monotonic() + deadline
        with self.cond:
            while not predicate(self.events):
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.name}: no {what} within {deadline:.0f} s\n{self.describe()}")
                self.cond.wait(left)

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def views(self):
        """Latest member event per member name."""
        with self.cond:
            latest = {}
            for ev in self.events:
                if ev.get("ev") == "member":
                    latest[ev["name"]] = ev
            return latest

    def errors(self):
        with self.cond:
            return [ev for ev in self.events if ev.get("ev") in ("error", "garbage")]

    def describe(self):
        with self.cond:
            tail = "\n".join("    " + json.dumps(ev) for ev in self.events[-30:])
        err = "\n".join("    " + line for line in self.stderr[-20:])
        return f"  {self.name} (pid {self.proc.pid}) events:\n{tail}\n  stderr:\n{err}"

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=EXIT_DEADLINE)


def sees_alive_with_identity(view, other):
    ev = view.get(other.name)
    if ev is None or ev["state"] != "alive":
        return False
    return ("polyglot" in ev["groups"] and f"lang-{other.lang}" in ev["groups"]
            and ev["tags"].get("lang") == other.lang and ev["tags"].get("db") == other.lang
            and ev["tags"].get("wire") == "polyglot" and ev["tags"].get("endpoint") == other.addr)


def run(commands, kill_lang, leave_lang):
    nodes = {}
    try:
        seed = Node("c", commands["c"])
        nodes["c"] = seed
        seed.wait_for("ready line", lambda evs: any(e.get("ev") == "ready" for e in evs), START_DEADLINE)
        for lang in LANGS[1:]:
            nodes[lang] = Node(lang, commands[lang], seed=seed.addr)
        for n in nodes.values():
            n.wait_for("ready line", lambda evs: any(e.get("ev") == "ready" for e in evs), START_DEADLINE)
        print(f"polyglot: 4 nodes started: {', '.join(n.name + '@' + n.addr for n in nodes.values())}")

        # 1. Every node sees the other three alive, with their groups and tags.
        for n in nodes.values():
            others = [o for o in nodes.values() if o is not n]
            n.wait_for("view of the other three alive with groups and tags",
                       lambda evs, n=n, others=others: all(sees_alive_with_identity(n.views(), o) for o in others),
                       CONVERGE_DEADLINE)
        print("polyglot: every node sees the other three alive with groups polyglot,lang-* and tag lang")

        # 2. Every node fires an event; every node receives the other three.
        for n in nodes.values():
            n.send(f"fire hello-{n.lang} from {n.lang}")
        for n in nodes.values():
            for o in nodes.values():
                if o is n:
                    continue
                n.wait_for(f"user event hello-{o.lang}",
                           lambda evs, o=o: any(e.get("ev") == "user" and e["name"] == f"hello-{o.lang}"
                                                and e["payload"] == f"from {o.lang}" for e in evs),
                           EVENT_DEADLINE)
        print("polyglot: every node received the user event of each of the other three")

        # 3. SIGKILL one; the three others see it failed.
        victim = nodes[kill_lang]
        victim.kill()
        survivors = [n for n in nodes.values() if n is not victim]
        for n in survivors:
            n.wait_for(f"{victim.name} failed",
                       lambda evs, n=n: n.views().get(victim.name, {}).get("state") == "failed", FAILED_DEADLINE)
        print(f"polyglot: {', '.join(n.name for n in survivors)} see the SIGKILLed {victim.name} as failed")

        # 4. One leaves gracefully; the others see it left; all exit 0.
        leaver = nodes[leave_lang]
        leaver.send("leave")
        leaver.wait_for("left line", lambda evs: any(e.get("ev") == "left" for e in evs), EXIT_DEADLINE)
        for n in survivors:
            if n is leaver:
                continue
            n.wait_for(f"{leaver.name} left",
                       lambda evs, n=n: n.views().get(leaver.name, {}).get("state") == "left", FAILED_DEADLINE)
        print(f"polyglot: the others see {leaver.name} left")
        for n in survivors:
            n.proc.stdin.close()
        for n in survivors:
            rc = n.proc.wait(timeout=EXIT_DEADLINE)
            if rc != 0:
                raise AssertionError(f"{n.name} exited {rc}\n{n.describe()}")
        for n in nodes.values():
            if n.errors():
                raise AssertionError(f"{n.name} reported errors: {n.errors()}\n{n.describe()}")
        print("polyglot: PASS (C, Python, Go and Java in one cluster)")
    finally:
        for n in nodes.values():
            if n.proc.poll() is None:
                n.kill()


def main():
    defaults = default_commands()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for lang in LANGS:
        p.add_argument(f"--{lang}", default=None, help=f"command of the {lang} node program")
    p.add_argument("--kill", choices=LANGS, default="java", help="the node to SIGKILL (default java)")
    p.add_argument("--leave", choices=LANGS, default="go", help="the node that leaves gracefully (default go)")
    a = p.parse_args()
    if a.kill == a.leave:
        p.error("--kill and --leave must name different nodes")
    commands = {lang: shlex.split(getattr(a, lang)) if getattr(a, lang) else defaults[lang] for lang in LANGS}
    try:
        run(commands, a.kill, a.leave)
    except (AssertionError, OSError, subprocess.TimeoutExpired) as e:
        print(f"polyglot: FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
