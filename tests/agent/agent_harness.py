"""Runs real `wkd agent` processes for the agent tests.

Every agent gets its own loopback address (a block per CTest entry, see
_Addresses; never 127.0.0.1, where the demo runs) with gossip on port 7474 and HTTP
on 7475, so a restarted agent comes back at the same address and parallel
CTest entries share nothing. Every wait has a deadline; polling intervals
are the only sleeps. Processes are killed when their test ends.

Environment: WKD_BIN (the wkd program), WKD_AGENT_WORK_DIR (logs),
WKD_AGENT_KEEP=1 keeps each test's directory.
"""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

WKD = os.environ.get("WKD_BIN", "wkd")
WORK_DIR = os.environ.get("WKD_AGENT_WORK_DIR") or tempfile.gettempdir()
KEEP = os.environ.get("WKD_AGENT_KEEP") == "1"

POLL = 0.1
START_TIMEOUT = 20   # an agent answers HTTP
JOIN_TIMEOUT = 30    # agents see each other alive
FAIL_TIMEOUT = 45    # a killed agent is failed everywhere
EXIT_TIMEOUT = 30    # an agent exits after a signal

GOSSIP_PORT = 7474
HTTP_PORT = 7475

_ALL = []


def _die_with_parent():
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Addresses:
    """Loopback addresses for the agents of one test. CTest gives each entry
    its own slot (WKD_AGENT_SLOT) N: the block of 12 addresses 127.0.(100+N).2
    and up, so entries running in parallel never share an address (and there
    is room for a hundred entries); run by hand, the block starts at random
    in 127.0.0.x. Each test starts over (reset())."""

    BLOCK = 12

    def __init__(self):
        slot = os.environ.get("WKD_AGENT_SLOT")
        if slot is not None:
            self._net = "127.0.%d." % (100 + int(slot))
            self._first = 2
        else:
            self._net = "127.0.0."
            self._first = random.SystemRandom().randrange(2, 255 - self.BLOCK)
        self._held = set()
        self._lock = threading.Lock()

    def reset(self):
        with self._lock:
            self._held.clear()

    def take(self):
        with self._lock:
            for k in range(self.BLOCK):
                ip = "%s%d" % (self._net, self._first + k)
                if ip in self._held:
                    continue
                if _free(ip, GOSSIP_PORT) and _free(ip, HTTP_PORT):
                    self._held.add(ip)
                    return ip
        raise AssertionError("no free loopback address left in this test's block of %d" % self.BLOCK)


def _free(ip, port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        if kind == socket.SOCK_STREAM:
            # As libuv binds: a listener's old connections in TIME_WAIT do not count.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


ADDRESSES = _Addresses()


def wait_for(what, predicate, timeout):
    """Polls predicate() until it returns a truthy value; fails after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except (OSError, http.client.HTTPException, ValueError) as e:
            last = e
            if isinstance(e, AssertionError):
                raise
        else:
            if last:
                return last
        time.sleep(POLL)
    raise AssertionError("timed out after %ss waiting for %s (last: %r)" % (timeout, what, last))


def toml_list(items):
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


class Agent:
    """One `wkd agent` process with its TOML file."""

    def __init__(self, workdir, name, seeds=(), groups=(), database_type="", wire_protocol="", endpoint="",
                 tags=None, snapshot=False, extra="", flags=(), ip=None, profile="local", encrypt="",
                 agent_extra=""):
        self.name = name
        self.agent_extra = agent_extra  # lines appended to [agent]
        self.ip = ip or ADDRESSES.take()
        self.gossip = "%s:%d" % (self.ip, GOSSIP_PORT)
        self.http_addr = "%s:%d" % (self.ip, HTTP_PORT)
        self.dir = workdir
        self.config_path = os.path.join(workdir, name + ".toml")
        self.log_path = os.path.join(workdir, name + ".log")
        self.snapshot_path = os.path.join(workdir, name + ".snapshot") if snapshot else ""
        self.flags = list(flags)
        self.proc = None
        self.write_config(seeds=seeds, groups=groups, database_type=database_type, wire_protocol=wire_protocol,
                          endpoint=endpoint, tags=tags or {}, extra=extra, profile=profile, encrypt=encrypt)

    def write_config(self, seeds=(), groups=(), database_type="", wire_protocol="", endpoint="", tags=None,
                     extra="", profile="local", encrypt=""):
        lines = ["[discovery]",
                 "node_name = %s" % json.dumps(self.name),
                 "bind = %s" % json.dumps(self.gossip),
                 "http = %s" % json.dumps(self.http_addr),
                 "profile = %s" % json.dumps(profile),
                 "seeds = %s" % toml_list(seeds)]
        if groups:
            lines.append("groups = %s" % toml_list(groups))
        if database_type:
            lines.append("database_type = %s" % json.dumps(database_type))
        if wire_protocol:
            lines.append("wire_protocol = %s" % json.dumps(wire_protocol))
        if endpoint:
            lines.append("endpoint = %s" % json.dumps(endpoint))
        if encrypt:
            lines.append("encrypt = %s" % json.dumps(encrypt))
        if self.snapshot_path:
            lines.append("snapshot_path = %s" % json.dumps(self.snapshot_path))
        if extra:
            lines.append(extra)
        if tags:
            lines.append("[discovery.tags]")
            for k, v in sorted(tags.items()):
                lines.append("%s = %s" % (k, json.dumps(v)))
        lines += ["[agent]", "log_level = \"debug\"", "leave_timeout_ms = 5000"]
        if self.agent_extra:
            lines.append(self.agent_extra)
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, wait=True):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([WKD, "agent", "--config", self.config_path] + self.flags,
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        _ALL.append(self.proc)
        if wait:
            wait_for("%s answering HTTP" % self.name, self._answers, START_TIMEOUT)
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError("agent %s exited with %s:\n%s" % (self.name, self.proc.returncode, self.log()))
        try:
            self.request("GET", "/v1/health", timeout=2)
            return True
        except OSError:
            return False

    def request(self, method, target, body=None, headers=None, timeout=30):
        """Returns (status, headers dict (lower-case names), body bytes)."""
        conn = http.client.HTTPConnection(self.ip, HTTP_PORT, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def get_json(self, target, expect=200):
        status, _, data = self.request("GET", target)
        if status != expect:
            raise AssertionError("GET %s on %s: %d %s" % (target, self.name, status, data[:300]))
        return json.loads(data)

    def members(self, **filters):
        q = "&".join("%s=%s" % (k, v) for k, v in filters.items())
        return self.get_json("/v1/cluster/members" + ("?" + q if q else ""))

    def states(self):
        return {m["name"]: m["state"] for m in self.members()}

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("agent %s did not exit within %ss:\n%s" % (self.name, timeout, self.log()))

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def cli(self, *args, timeout=60):
        """Runs `wkd ARGS --http <this agent>`; returns (rc, stdout, stderr)."""
        p = subprocess.run([WKD] + list(args) + ["--http", self.http_addr], capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr


class Workdir:
    """A scratch directory per test, kept when the test fails (or with WKD_AGENT_KEEP=1)."""

    def __init__(self, test_id):
        os.makedirs(WORK_DIR, exist_ok=True)
        self.path = tempfile.mkdtemp(prefix=test_id.split(".")[-1] + "-", dir=WORK_DIR)

    def cleanup(self, passed):
        if passed and not KEEP:
            shutil.rmtree(self.path, ignore_errors=True)


def kill_all():
    for p in _ALL:
        if p.poll() is None:
            try:
                p.kill()
                p.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
