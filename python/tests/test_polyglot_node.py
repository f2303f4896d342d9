"""The polyglot node program: two of them see each other, a fired event
arrives, end of input exits 0."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from conftest import DEADLINE

PROGRAM = Path(__file__).resolve().parent / "polyglot_node.py"


class Proc:
    """A polyglot node subprocess whose JSON lines are read by a thread."""

    def __init__(self, *args: str) -> None:
        self.p = subprocess.Popen(
            [sys.executable, str(PROGRAM), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.seen: List[Dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.p.stdout is not None
        for line in self.p.stdout:
            self.lines.put(json.loads(line))

    def expect(self, match: Callable[[Dict[str, Any]], bool], what: str) -> Dict[str, Any]:
        for obj in self.seen:
            if match(obj):
                return obj
        deadline = time.monotonic() + DEADLINE
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no {what}; got {self.seen}")
            try:
                obj = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(obj)
            assert obj.get("ev") != "error", obj
            if match(obj):
                return obj

    def send(self, line: str) -> None:
        assert self.p.stdin is not None
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def kill(self) -> None:
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


def test_two_polyglot_nodes() -> None:
    a = Proc("--name", "py-a", "--bind", "127.0.0.1:0", "--lang", "python")
    b = None
    try:
        ready = a.expect(lambda o: o["ev"] == "ready", "ready from a")
        assert ready["name"] == "py-a" and ready["addr"].startswith("127.0.0.1:")
        assert not ready["addr"].endswith(":0")
        b = Proc("--name", "py-b", "--bind", "127.0.0.1:0", "--lang", "python", "--join", ready["addr"])
        b.expect(lambda o: o["ev"] == "ready", "ready from b")
        assert b.expect(lambda o: o["ev"] == "joined", "joined from b")["n"] == 1

        for proc, other in ((a, "py-b"), (b, "py-a")):
            m = proc.expect(
                lambda o: o["ev"] == "member" and o["name"] == other and o["state"] == "alive",
                f"member line for {other}",
            )
            assert m["type"] == "member-joined"
            assert sorted(m["groups"]) == ["lang-python", "polyglot"]
            assert m["tags"]["lang"] == "python" and m["tags"]["wire"] == "polyglot"

        b.send("fire hello from b")
        b.expect(lambda o: o == {"ev": "fired", "name": "hello"}, "fired from b")
        user = a.expect(lambda o: o["ev"] == "user", "user event at a")
        assert user == {"ev": "user", "name": "hello", "payload": "from b"}

        assert b.p.stdin is not None
        b.p.stdin.close()  # end of input
        assert b.p.wait(DEADLINE) == 0
        a.send("leave")
        a.expect(lambda o: o["ev"] == "left", "left from a")
        assert a.p.wait(DEADLINE) == 0
    finally:
        a.kill()
        if b is not None:
            b.kill()


def test_polyglot_node_reports_errors() -> None:
    p = subprocess.run(
        [sys.executable, str(PROGRAM), "--name", "bad", "--bind", "nowhere", "--lang", "python"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert p.returncode == 1
    obj = json.loads(p.stdout.strip().splitlines()[-1])
    assert obj["ev"] == "error" and "bind_addr" in obj["message"]
