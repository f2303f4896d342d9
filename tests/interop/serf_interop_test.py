#!/usr/bin/env python3
"""Interop of wkd with real peers: the `serf` agent and HashiCorp memberlist.

Run by CTest (label `interop`), one group per CTest entry:

    python3 serf_interop_test.py -v SerfMembershipTest
    python3 serf_interop_test.py -v MemberlistTest

Environment (CTest sets it; see CMakeLists.txt):
    WKD_INTEROP_DRIVER    the wkd_node driver program (wkd_node.c)
    WKD_INTEROP_WORK_DIR  where logs and the Go peer binary go
    WKD_INTEROP_GO_SRC    the Go memberlist peer (go/)
    WKD_INTEROP_KEEP=1    keep each test's logs after it passes

Every node runs on its own 127.0.0.x address (x drawn at random per run, so
parallel runs do not share addresses) with OS-chosen free ports. Every wait
has a deadline; polling intervals are the only sleeps. Every process is
started in its own process group and killed when its test ends, pass or
fail. Standard library only.
"""
import base64
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.environ.get("WKD_INTEROP_DRIVER", "")
WORK_DIR = os.environ.get("WKD_INTEROP_WORK_DIR") or tempfile.gettempdir()
GO_SRC = os.environ.get("WKD_INTEROP_GO_SRC") or os.path.join(HERE, "go")
KEEP = os.environ.get("WKD_INTEROP_KEEP") == "1"

POLL = 0.1              # polling interval, seconds
START_TIMEOUT = 20      # a process is up
JOIN_TIMEOUT = 30       # both sides see each other alive
FAIL_TIMEOUT = 45       # a killed peer is declared failed
LEAVE_TIMEOUT = 30      # a graceful leave is seen
CMD_TIMEOUT = 30        # one `serf ...` command
GO_BUILD_TIMEOUT = 900  # first build downloads and compiles memberlist

# Every process any test started, so the final `finally` can kill leftovers.
_ALL_PROCS = []


def _die_with_parent():
    """In the child, before exec: be killed when the harness dies, even by
    SIGKILL (a CTest timeout), since each child has its own process group."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# ---- addresses ----------------------------------------------------------------

class _Addresses:
    """Hands out distinct loopback addresses 127.0.0.x, x in [2, 254],
    starting at a random x per run."""

    def __init__(self):
        self._next = random.SystemRandom().randrange(2, 255)
        self._lock = threading.Lock()

    def take(self):
        with self._lock:
            x = self._next
            self._next = 2 if x >= 254 else x + 1
        return "127.0.0.%d" % x


ADDRESSES = _Addresses()


def free_port(ip, udp_too=True, avoid=()):
    """A port free for TCP (and UDP when asked) on ip, chosen by the OS,
    other than those in avoid."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind((ip, 0))
            port = t.getsockname()[1]
            if port in avoid:
                continue
            if not udp_too:
                return port
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                u.bind((ip, port))
                return port
            except OSError:
                continue
            finally:
                u.close()
        finally:
            t.close()
    raise RuntimeError("no free port on %s" % ip)


# ---- processes ----------------------------------------------------------------

class Proc:
    """A child process in its own process group. Its stdout lines are kept
    (and parsed as JSON when json_lines) by a reader thread; stdout and
    stderr are also copied to log files."""

    def __init__(self, name, argv, log_dir, json_lines=True, env=None):
        self.name = name
        self.argv = argv
        self.json_lines = json_lines
        self.log_path = os.path.join(log_dir, name + ".log")
        self.err_path = os.path.join(log_dir, name + ".stderr")
        self._lines = []
        self._eof = False
        self._cond = threading.Condition()
        self._log = open(self.log_path, "w", encoding="utf-8")
        self._err = open(self.err_path, "w", encoding="utf-8")
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._err,
                                  start_new_session=True, env=env, preexec_fn=_die_with_parent)
        _ALL_PROCS.append(self)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self.p.stdout:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            self._log.write(text + "\n")
            self._log.flush()
            item = text
            if self.json_lines:
                try:
                    item = json.loads(text)
                except ValueError:
                    item = {"event": "unparsed", "text": text}
            with self._cond:
                self._lines.append(item)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def lines(self):
        with self._cond:
            return list(self._lines)

    def wait_for(self, pred, timeout, what):
        """The first line satisfying pred, waiting up to timeout seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for item in self._lines:
                    if pred(item):
                        return item
                if self._eof:
                    raise AssertionError("%s: output ended (exit status %s) without %s" % (
                        self.name, self.p.poll(), what))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("%s: timed out after %ss waiting for %s" % (self.name, timeout, what))
                self._cond.wait(min(left, POLL * 5))

    def alive(self):
        return self.p.poll() is None

    def signal(self, sig):
        if self.alive():
            try:
                os.killpg(self.p.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self):
        """SIGKILL the whole process group and reap it. Only while the
        leader is unreaped: its pid (the group id) is ours until then."""
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._reader.join(timeout=5)

    def wait_exit(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("%s did not exit within %ss" % (self.name, timeout))

    def close(self):
        self.kill()
        for f in (self._log, self._err):
            try:
                f.close()
            except OSError:
                pass
        if self.p.stdout is not None:
            self.p.stdout.close()

    def tail(self, n=40):
        out = []
        for path in (self.log_path, self.err_path):
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    lines = fh.read().splitlines()
            except OSError:
                continue
            if lines:
                out.append("--- %s (last %d of %d lines)" % (os.path.basename(path), min(n, len(lines)), len(lines)))
                out.extend(lines[-n:])
        return "\n".join(out)


class WkdNode(Proc):
    """The wkd_node driver: JSON events on stdout."""

    def __init__(self, name, log_dir, ip, join=(), encrypt=None, tags=None, groups=(), fire=(),
                 leave_on_signal=False, stats_at_exit=False, extra=()):
        if not DRIVER or not os.access(DRIVER, os.X_OK):
            raise AssertionError("WKD_INTEROP_DRIVER is not an executable: %r (run through CTest)" % DRIVER)
        argv = [DRIVER, "--name", name, "--bind", "%s:0" % ip, "--log-level", "info"]
        for seed in join:
            argv += ["--join", seed]
        if encrypt:
            argv += ["--encrypt", encrypt]
        for k, v in (tags or {}).items():
            argv += ["--tag", "%s=%s" % (k, v)]
        for g in groups:
            argv += ["--group", g]
        for f in fire:
            argv += ["--fire-event", f]
        if leave_on_signal:
            argv.append("--leave-on-signal")
        if stats_at_exit:
            argv.append("--stats-at-exit")
        argv += list(extra)
        super().__init__(name, argv, log_dir)
        started = self.wait_for(lambda j: j.get("event") == "started", START_TIMEOUT, "the started line")
        if not started.get("ok"):
            raise AssertionError("%s did not start: %s" % (name, started))
        self.addr = started["addr"]

    def view(self):
        """name -> state, from the member events printed so far."""
        states = {}
        for j in self.lines():
            ev = j.get("event", "")
            if ev == "member-reaped":
                states.pop(j.get("name"), None)
            elif ev.startswith("member-"):
                states[j.get("name")] = j.get("state")
        return states

    def wait_state(self, member, state, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.view().get(member) == state:
                return
            if time.monotonic() >= deadline:
                raise AssertionError("%s: %s is not %s after %ss (view: %s)" % (self.name, member, state, timeout,
                                                                                 self.view()))
            time.sleep(POLL)

    def last_member_event(self, member):
        found = None
        for j in self.lines():
            if j.get("event", "").startswith("member-") and j.get("name") == member:
                found = j
        return found

    def join_result(self):
        return self.wait_for(lambda j: j.get("event") == "join", JOIN_TIMEOUT, "the join result")

    def stats(self, timeout=START_TIMEOUT):
        """Asks for a stats line (SIGUSR1) and returns it."""
        before = len([j for j in self.lines() if j.get("event") == "stats"])
        self.signal(signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while True:
            found = [j for j in self.lines() if j.get("event") == "stats"]
            if len(found) > before:
                return found[-1]
            if time.monotonic() >= deadline:
                raise AssertionError("%s printed no stats line" % self.name)
            time.sleep(POLL)


class SerfAgent(Proc):
    """`serf agent` on its own address, with RPC on a free port."""

    def __init__(self, name, log_dir, ip, join=None, encrypt=None, tags=None, handler=None):
        self.ip = ip
        self.port = free_port(ip)
        self.rpc = "%s:%d" % (ip, free_port(ip, udp_too=False, avoid=(self.port,)))
        self.bind = "%s:%d" % (ip, self.port)
        argv = ["serf", "agent", "-node=" + name, "-bind=" + self.bind, "-advertise=" + self.bind,
                "-rpc-addr=" + self.rpc, "-profile=local", "-log-level=debug"]
        for k, v in (tags or {}).items():
            argv.append("-tag=%s=%s" % (k, v))
        if encrypt:
            argv.append("-encrypt=" + encrypt)
        if join:
            argv.append("-join=" + join)
        if handler:
            argv.append("-event-handler=" + handler)
        super().__init__(name, argv, log_dir, json_lines=False)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            r = self.cmd("members", "-format=json", check=False)
            if r.returncode == 0:
                break
            if not self.alive():
                raise AssertionError("serf agent %s exited (%s):\n%s" % (name, self.p.returncode, self.tail()))
            if time.monotonic() >= deadline:
                raise AssertionError("serf agent %s: RPC not up after %ss:\n%s" % (name, START_TIMEOUT, self.tail()))
            time.sleep(POLL * 2)

    def cmd(self, *args, check=True, timeout=CMD_TIMEOUT):
        argv = ["serf", args[0], "-rpc-addr=" + self.rpc] + list(args[1:])
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (" ".join(argv), r.returncode, r.stdout.decode(errors="replace")))
        return r

    def members(self):
        r = self.cmd("members", "-format=json", check=False)
        if r.returncode != 0:
            return {}
        return {m["name"]: m for m in json.loads(r.stdout.decode())["members"]}

    def wait_member(self, name, status, timeout, tags=None):
        """Waits until `serf members` shows name in status (with these tags)."""
        deadline = time.monotonic() + timeout
        while True:
            m = self.members().get(name)
            if m is not None and m["status"] == status and all(m["tags"].get(k) == v for k, v in (tags or {}).items()):
                return m
            if time.monotonic() >= deadline:
                raise AssertionError("serf %s: member %s not %s%s after %ss; it shows %s" % (
                    self.name, name, status, " with tags %s" % tags if tags else "", timeout, m))
            time.sleep(POLL * 2)

    def log_text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""

    def wait_log(self, pattern, timeout):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log_text())
            if m:
                return m
            if time.monotonic() >= deadline:
                raise AssertionError("serf %s: no log line matching %r after %ss" % (self.name, pattern, timeout))
            time.sleep(POLL)


# memberlist's push/pull refuses a peer whose delegate protocol version is
# outside the range every alive node understands (verifyProtocol). wkd speaks
# Serf's delegate protocol (2..5), so a memberlist program shares a cluster
# with wkd (or with serf) only when it advertises a version in that range, as
# Serf does: min 2, max 5, current 4. With memberlist's defaults (0,0,0) the
# join is refused on both sides; MemberlistTest checks that too.
SERF_DELEGATE_VSN = "2,5,4"


class GoPeer(Proc):
    """The memberlist peer (go/main.go)."""

    def __init__(self, name, log_dir, ip, binary, join=(), tags=None, delegate_vsn=SERF_DELEGATE_VSN, extra=()):
        argv = [binary, "-name", name, "-bind", "%s:0" % ip]
        if delegate_vsn:
            argv += ["-delegate-vsn", delegate_vsn]
        for seed in join:
            argv += ["-join", seed]
        for k, v in (tags or {}).items():
            argv += ["-tag", "%s=%s" % (k, v)]
        argv += list(extra)
        super().__init__(name, argv, log_dir)
        started = self.wait_for(lambda j: j.get("event") == "started", START_TIMEOUT, "the started line")
        if not started.get("ok"):
            raise AssertionError("%s did not start: %s" % (name, started))
        self.addr = started["addr"]

    def wait_member(self, member, state, timeout):
        """Waits for a member event about member in state: "alive", or
        "gone" (memberlist does not tell its delegate left from dead)."""
        return self.wait_for(lambda j: j.get("event", "").startswith("member-") and j.get("name") == member
                             and j.get("state") == state, timeout, "%s %s" % (member, state))


# ---- the test base ----------------------------------------------------------------

class InteropCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("serf") is None:
            raise AssertionError("the Debian `serf` package is not installed (bash .ci/setup.sh installs it)")

    def setUp(self):
        os.makedirs(WORK_DIR, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="interop-%s-" % self._testMethodName, dir=WORK_DIR)
        self.procs = []
        self.addCleanup(self._stop_all)

    def _stop_all(self):
        for p in self.procs:
            p.close()

    def run(self, result=None):
        # After the test and its cleanups (every process is dead by then):
        # on failure, print each process's command line and log tail and
        # keep the logs; on success, delete them (unless WKD_INTEROP_KEEP=1).
        if result is None:
            result = self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        super().run(result)
        failed = len(result.failures) + len(result.errors) > before
        log_dir = getattr(self, "dir", None)
        if failed:
            sys.stderr.write("\n==== logs of %s (kept in %s)\n" % (self.id(), log_dir))
            for p in getattr(self, "procs", []):
                sys.stderr.write("== %s: %s\n%s\n" % (p.name, " ".join(p.argv), p.tail()))
            sys.stderr.flush()
        elif log_dir and not KEEP:
            shutil.rmtree(log_dir, ignore_errors=True)
        return result

    def _track(self, proc):
        self.procs.append(proc)
        return proc

    def wkd(self, name, **kw):
        return self._spawn(lambda: WkdNode(name, self.dir, ADDRESSES.take(), **kw))

    def serf(self, name, **kw):
        return self._spawn(lambda: SerfAgent(name, self.dir, ADDRESSES.take(), **kw))

    def _spawn(self, make):
        # Keep a reference even when the constructor fails after Popen.
        before = len(_ALL_PROCS)
        try:
            return self._track(make())
        except BaseException:
            for p in _ALL_PROCS[before:]:
                if p not in self.procs:
                    self.procs.append(p)
            raise


WKD_TAGS = {"zone": "z1", "tier": "interop"}
SERF_TAGS = {"role": "serf-peer", "dc": "loop"}


# ---- serf --------------------------------------------------------------------------

class SerfMembershipTest(InteropCase):
    def check_serf_sees_wkd(self, s, w):
        m = s.wait_member("w1", "alive", JOIN_TIMEOUT, tags=WKD_TAGS)
        self.assertIn("wkd", m["tags"], "serf sees no wkd version tag: %s" % m["tags"])
        self.assertRegex(m["tags"]["wkd"], r"^\d+\.\d+\.\d+")
        self.assertEqual(m["tags"].get("health"), "passing")
        self.assertEqual(m["tags"].get("groups"), "orders")
        self.assertEqual(m["tags"].get("db"), "interopdb")
        self.assertEqual(m["addr"], w.addr)
        self.assertTrue(2 <= m["protocol"]["version"] <= 5, m["protocol"])

    def check_wkd_sees_serf(self, w, s):
        w.wait_state("s1", "alive", JOIN_TIMEOUT)
        ev = w.last_member_event("s1")
        for k, v in SERF_TAGS.items():
            self.assertEqual(ev["tags"].get(k), v, "wkd sees serf tags %s" % ev["tags"])
        self.assertEqual("%s:%d" % (ev["address"], ev["port"]), s.bind)
        self.assertEqual(ev["wkd_version"], "")
        self.assertEqual(ev["health"], "unknown")

    def start_pair(self, wkd_joins, **wkd_kw):
        kw = dict(tags=WKD_TAGS, groups=["orders"], extra=["--db", "interopdb"])
        kw.update(wkd_kw)
        if wkd_joins:
            s = self.serf("s1", tags=SERF_TAGS)
            w = self.wkd("w1", join=[s.bind], **kw)
            j = w.join_result()
            self.assertTrue(j["ok"], "wkd could not join serf: %s" % j)
            self.assertEqual(j["joined"], 1)
        else:
            w = self.wkd("w1", **kw)
            s = self.serf("s1", tags=SERF_TAGS, join=w.addr)
        self.check_serf_sees_wkd(s, w)
        self.check_wkd_sees_serf(w, s)
        return s, w

    def test_serf_agent_joins_wkd(self):
        self.start_pair(wkd_joins=False)

    def test_wkd_joins_serf_agent(self):
        self.start_pair(wkd_joins=True)

    def test_killed_serf_seen_failed_by_wkd(self):
        s, w = self.start_pair(wkd_joins=True)
        s.kill()
        w.wait_state("s1", "failed", FAIL_TIMEOUT)
        self.assertTrue(w.alive())

    def test_killed_wkd_seen_failed_by_serf(self):
        s, w = self.start_pair(wkd_joins=False)
        w.kill()
        s.wait_member("w1", "failed", FAIL_TIMEOUT)

    def test_wkd_graceful_leave_seen_left_by_serf(self):
        s, w = self.start_pair(wkd_joins=True, leave_on_signal=True)
        w.signal(signal.SIGTERM)
        self.assertEqual(w.wait_exit(LEAVE_TIMEOUT), 0)
        leave = w.wait_for(lambda j: j.get("event") == "leave", 1, "the leave result")
        self.assertTrue(leave["ok"], leave)
        s.wait_member("w1", "left", LEAVE_TIMEOUT)
        self.assertNotIn("EventMemberFailed: w1", s.log_text())

    def test_serf_graceful_leave_seen_left_by_wkd(self):
        s, w = self.start_pair(wkd_joins=False)
        s.cmd("leave")
        w.wait_state("s1", "left", LEAVE_TIMEOUT)
        self.assertNotIn("member-failed", [j.get("event") for j in w.lines() if j.get("name") == "s1"])


class SerfEventTest(InteropCase):
    def pair(self, **wkd_kw):
        handler_out = os.path.join(self.dir, "handler.out")
        script = os.path.join(self.dir, "handler.sh")
        with open(script, "w") as fh:
            fh.write("#!/bin/sh\n{ printf '%%s %%s\\n' \"$SERF_EVENT\" \"$SERF_USER_EVENT\"; cat; printf '\\n'; } >> '%s'\n"
                     % handler_out)
        os.chmod(script, 0o755)
        s = self.serf("s1", tags=SERF_TAGS, handler="user=" + script)
        w = self.wkd("w1", join=[s.bind], **wkd_kw)
        self.assertTrue(w.join_result()["ok"])
        s.wait_member("w1", "alive", JOIN_TIMEOUT)
        w.wait_state("s1", "alive", JOIN_TIMEOUT)
        return s, w, handler_out

    def test_serf_event_reaches_wkd(self):
        s, w, _ = self.pair()
        payload = 'v2 "quoted" \\ tab\t\u00e9'
        s.cmd("event", "deploy", payload)
        ev = w.wait_for(lambda j: j.get("event") == "user" and j.get("name") == "deploy", JOIN_TIMEOUT,
                        "the user event")
        self.assertEqual(ev["payload"], payload)
        self.assertEqual(bytes.fromhex(ev["payload_hex"]), payload.encode())
        # Uncoalesced events too, and each is delivered once.
        s.cmd("event", "-coalesce=false", "restart", "now")
        w.wait_for(lambda j: j.get("event") == "user" and j.get("name") == "restart", JOIN_TIMEOUT, "restart")
        self.assertEqual(len([j for j in w.lines() if j.get("event") == "user" and j.get("name") == "deploy"]), 1)

    def test_wkd_event_reaches_serf(self):
        s, w, handler_out = self.pair(fire=["wkd-deploy:from wkd"])
        fired = w.wait_for(lambda j: j.get("event") == "fired", START_TIMEOUT, "the fired line")
        self.assertTrue(fired["ok"], fired)
        mon = self._track(Proc("monitor", ["serf", "monitor", "-rpc-addr=" + s.rpc, "-log-level=debug"], self.dir,
                               json_lines=False))
        mon.wait_for(lambda line: "user-event: wkd-deploy" in line, JOIN_TIMEOUT,
                     "'user-event: wkd-deploy' in serf monitor")
        deadline = time.monotonic() + JOIN_TIMEOUT
        while True:
            text = ""
            if os.path.exists(handler_out):
                with open(handler_out, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
            if "user wkd-deploy\nfrom wkd" in text:
                break
            if time.monotonic() >= deadline:
                self.fail("serf's event handler did not get the wkd event; it got %r" % text)
            time.sleep(POLL)

    def test_serf_query_acked_by_wkd(self):
        s, w, _ = self.pair()
        r = s.cmd("query", "-format=json", "-timeout=3s", "uptime", "hello")
        out = json.loads(r.stdout.decode())
        self.assertIn("w1", out["Acks"], out)
        self.assertIn("s1", out["Acks"], out)
        # A query filtered to the wkd node only: only wkd acks it.
        r = s.cmd("query", "-format=json", "-timeout=3s", "-node=w1", "uptime", "again")
        out = json.loads(r.stdout.decode())
        self.assertEqual(out["Acks"], ["w1"], out)


class SerfEncryptionTest(InteropCase):
    def keygen(self):
        r = subprocess.run(["serf", "keygen"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=CMD_TIMEOUT,
                           check=True)
        key = r.stdout.decode().strip()
        self.assertEqual(len(base64.b64decode(key)), 32)
        return key

    def test_same_key_interoperates(self):
        key = self.keygen()
        s = self.serf("s1", tags=SERF_TAGS, encrypt=key)
        w = self.wkd("w1", join=[s.bind], encrypt=key, tags=WKD_TAGS)
        j = w.join_result()
        self.assertTrue(j["ok"], j)
        s.wait_member("w1", "alive", JOIN_TIMEOUT, tags=WKD_TAGS)
        w.wait_state("s1", "alive", JOIN_TIMEOUT)
        # A second serf agent joins through the wkd node, with the same key.
        s2 = self.serf("s2", encrypt=key, join=w.addr)
        s2.wait_member("s1", "alive", JOIN_TIMEOUT)
        s.wait_member("s2", "alive", JOIN_TIMEOUT)
        w.wait_state("s2", "alive", JOIN_TIMEOUT)
        self.assertEqual(w.stats()["drops_decrypt"], 0)
        self.assertNotIn("decrypt", s.log_text().lower())

    def test_wkd_with_wrong_key_cannot_join(self):
        s = self.serf("s1", encrypt=self.keygen())
        w = self.wkd("w1", join=[s.bind], encrypt=self.keygen(), stats_at_exit=True,
                     extra=["--join-timeout-ms", "5000"])
        j = w.join_result()
        self.assertFalse(j["ok"], "wkd joined serf with a wrong key: %s" % j)
        self.assertIn("decrypt", j["error"])
        s.wait_log(r"(?i)no installed keys could decrypt", JOIN_TIMEOUT)
        self.assertNotIn("w1", s.members())
        self.assertNotIn("s1", w.view())
        # serf's error reply, under its own key, is counted as a decryption drop.
        w.signal(signal.SIGTERM)
        self.assertEqual(w.wait_exit(LEAVE_TIMEOUT), 0)
        st = w.wait_for(lambda j: j.get("event") == "stats", 1, "the stats printed at exit")
        self.assertGreaterEqual(st["drops_decrypt"], 1, st)

    def test_serf_with_wrong_key_cannot_join_wkd(self):
        w = self.wkd("w1", encrypt=self.keygen())
        s = self.serf("s1", encrypt=self.keygen())
        r = s.cmd("join", w.addr, check=False)
        self.assertNotEqual(r.returncode, 0, "serf joined wkd with a wrong key: %s" % r.stdout.decode())
        deadline = time.monotonic() + JOIN_TIMEOUT
        while True:
            st = w.stats()
            if st["drops_decrypt"] > 0:
                break
            if time.monotonic() >= deadline:
                self.fail("wkd counted no decryption failure: %s" % st)
            time.sleep(POLL * 5)
        self.assertNotIn("w1", s.members())
        self.assertNotIn("s1", w.view())

    def test_plaintext_wkd_refused_by_encrypted_serf(self):
        s = self.serf("s1", encrypt=self.keygen())
        w = self.wkd("w1", join=[s.bind], extra=["--join-timeout-ms", "5000"])
        j = w.join_result()
        self.assertFalse(j["ok"], "a plaintext wkd node joined an encrypted serf: %s" % j)
        self.assertNotIn("w1", s.members())


# ---- memberlist (Go) ---------------------------------------------------------------

_GO_BINARY = None


def build_go_peer():
    """Builds go/ into the work dir once per process; raises with a clear
    message when Go or the module download is unavailable."""
    global _GO_BINARY
    if _GO_BINARY:
        return _GO_BINARY
    go = shutil.which("go")
    if go is None:
        raise AssertionError("the Go toolchain ('go') is not on PATH: the memberlist interop tests need it")
    out = os.path.join(WORK_DIR, "memberlist_peer")
    # Build beside the target and rename: a parallel run may be executing
    # the previous binary.
    tmp = "%s.%d.tmp" % (out, os.getpid())
    try:
        r = subprocess.run([go, "build", "-o", tmp, "."], cwd=GO_SRC, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=GO_BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError("go build of the memberlist peer took over %ss" % GO_BUILD_TIMEOUT)
    if r.returncode != 0:
        raise AssertionError("go build of the memberlist peer failed (Go toolchain or module proxy unavailable?):\n%s"
                             % r.stdout.decode(errors="replace"))
    os.replace(tmp, out)
    _GO_BINARY = out
    return out


class MemberlistTest(InteropCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.binary = build_go_peer()

    def go(self, name, **kw):
        return self._spawn(lambda: GoPeer(name, self.dir, ADDRESSES.take(), self.binary, **kw))

    def check_pair(self, g, w):
        w.wait_state("g1", "alive", JOIN_TIMEOUT)
        ev = w.last_member_event("g1")
        self.assertEqual("%s:%d" % (ev["address"], ev["port"]), g.addr)
        self.assertEqual(ev["tags"].get("lang"), "go")
        m = g.wait_member("w1", "alive", JOIN_TIMEOUT)
        self.assertEqual("%s:%d" % (m["addr"], m["port"]), w.addr)
        self.assertEqual(m["tags"].get("zone"), "z1")
        self.assertIn("wkd", m["tags"])

    def start_pair(self, go_joins, **wkd_kw):
        if go_joins:
            w = self.wkd("w1", tags=WKD_TAGS, **wkd_kw)
            g = self.go("g1", join=[w.addr], tags={"lang": "go"})
            j = g.wait_for(lambda j: j.get("event") == "join", JOIN_TIMEOUT, "the join result")
            self.assertTrue(j["ok"], "memberlist could not join wkd: %s" % j)
        else:
            g = self.go("g1", tags={"lang": "go"})
            w = self.wkd("w1", join=[g.addr], tags=WKD_TAGS, **wkd_kw)
            j = w.join_result()
            self.assertTrue(j["ok"], "wkd could not join memberlist: %s" % j)
        self.check_pair(g, w)
        return g, w

    def test_memberlist_joins_wkd(self):
        self.start_pair(go_joins=True)

    def test_wkd_joins_memberlist(self):
        self.start_pair(go_joins=False)

    def test_killed_memberlist_seen_failed_by_wkd(self):
        g, w = self.start_pair(go_joins=True)
        g.kill()
        w.wait_state("g1", "failed", FAIL_TIMEOUT)

    def test_memberlist_graceful_leave_seen_by_wkd_as_serf_sees_it(self):
        # A plain memberlist node leaves by gossiping dead-about-itself and
        # never sends Serf's leave intent. Serf turns that into "failed"
        # (serf.go handleNodeLeave: alive -> failed unless a leave intent made
        # it "leaving"), and wkd shows members "as Serf shows it"
        # (wkd/member.h). So: a serf agent and the wkd node in the same
        # cluster must agree, and wkd must learn it from the leave message
        # at once, not by suspecting the node first.
        s = self.serf("s1", tags=SERF_TAGS)
        w = self.wkd("w1", join=[s.bind], tags=WKD_TAGS)
        self.assertTrue(w.join_result()["ok"])
        g = self.go("g1", join=[w.addr], tags={"lang": "go"})
        self.assertTrue(g.wait_for(lambda j: j.get("event") == "join", JOIN_TIMEOUT, "the join result")["ok"])
        s.wait_member("g1", "alive", JOIN_TIMEOUT)
        w.wait_state("g1", "alive", JOIN_TIMEOUT)
        g.signal(signal.SIGTERM)
        self.assertEqual(g.wait_exit(LEAVE_TIMEOUT), 0)
        self.assertTrue(g.wait_for(lambda j: j.get("event") == "leave", 1, "the leave result")["ok"])
        serf_view = s.wait_member("g1", "failed", LEAVE_TIMEOUT)
        w.wait_state("g1", serf_view["status"], LEAVE_TIMEOUT)
        self.assertNotIn("member-suspect", [j.get("event") for j in w.lines() if j.get("name") == "g1"],
                         "wkd suspected g1 instead of taking its leave message")

    def test_default_delegate_version_refused_like_memberlist(self):
        # A memberlist node with the library's default delegate versions
        # (0,0,0) cannot share a cluster with Serf-protocol nodes: memberlist
        # itself refuses the push/pull, and so does wkd, in both directions.
        w = self.wkd("w1")
        g = self.go("g1", join=[w.addr], delegate_vsn=None)
        j = g.wait_for(lambda j: j.get("event") == "join", JOIN_TIMEOUT, "the join result")
        self.assertFalse(j["ok"], j)
        self.assertIn("incompatible", j["error"])
        w2 = self.wkd("w2", join=[g.addr], extra=["--join-timeout-ms", "5000"])
        j = w2.join_result()
        self.assertFalse(j["ok"], j)
        self.assertNotIn("g1", w.view())
        self.assertNotIn("g1", w2.view())

    def test_wkd_graceful_leave_seen_by_memberlist_as_leave(self):
        g, w = self.start_pair(go_joins=True, leave_on_signal=True)
        w.signal(signal.SIGTERM)
        self.assertEqual(w.wait_exit(LEAVE_TIMEOUT), 0)
        # memberlist reports departures through NotifyLeave without saying
        # whether the node left or failed; its log tells: a failure is
        # preceded by "Suspect w1 ..." / "Marking w1 as failed ...".
        g.wait_member("w1", "gone", LEAVE_TIMEOUT)
        with open(g.err_path, encoding="utf-8", errors="replace") as fh:
            log = fh.read()
        self.assertNotRegex(log, r"Suspect w1 |Marking w1 as failed", "memberlist detected a failure, not a leave")


def main():
    # SIGTERM (from a test runner) unwinds like an exception, so the finally
    # below still kills every process.
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(128 + sig))
    try:
        prog = unittest.main(exit=False, verbosity=1)
        ok = prog.result.wasSuccessful() and prog.result.testsRun > 0
        return 0 if ok else 1
    finally:
        for p in _ALL_PROCS:
            p.close()


if __name__ == "__main__":
    sys.exit(main())
