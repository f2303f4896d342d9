"""A private network for one fault scenario: one network namespace per
agent, each with a veth pair to a bridge that lives in a namespace of its
own, and nftables rules in each agent's namespace for the faults.

    bridge namespace  <prefix>-br : br0 10.213.1.254/24 (the observer)
    agent namespace   <prefix>-nI : eth0 10.213.1.(I+1)/24, lo

Every address exists only inside these namespaces, and every interface is
created inside one of them (`ip -n NS link add ... peer ... netns NS2`), so
the host's interfaces are never touched. The prefix is "wkdf" + the
runner's pid + a tag, so two runners never collide; a runner first deletes
the namespaces of runners that are gone (killed before they could clean
up), and deletes its own at exit, on SIGTERM/SIGINT/SIGHUP too.

Faults are rules of an `inet wkdfault` table in an agent's namespace,
applied to what arrives on eth0 from other agents only: traffic from the
observer's address (the HTTP API the checker polls) is never dropped.
  loss:      numgen random mod 100 < P drop
  partition: ip saddr { the other side } drop (one-way when set on one side)

The runner's own threads move into the bridge namespace (setns) to reach
every agent's HTTP API over the bridge.
"""
import atexit
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys

PREFIX = "wkdf"
SUBNET = "10.213.1"
OBSERVER_IP = SUBNET + ".254"
CLONE_NEWNET = 0x40000000
_STALE = re.compile(r"^%s(\d+)[a-z0-9]*-" % PREFIX)


class CannotRun(Exception):
    """The machine cannot run the fault suite (not root, no ip or nft)."""


def check_prerequisites():
    if os.geteuid() != 0:
        raise CannotRun("the fault suite needs root (network namespaces and nftables)")
    for tool in ("ip", "nft"):
        if shutil.which(tool) is None:
            raise CannotRun("'%s' is not installed (bash .ci/setup.sh installs iproute2 and nftables)" % tool)


def run(*args, input_text=None, check=True):
    p = subprocess.run(list(args), input=input_text, capture_output=True, text=True, timeout=30)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p.stdout


def list_namespaces():
    out = run("ip", "netns", "list", check=False)
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def delete_namespace(name):
    # Processes still inside (a runner killed with its agents) go first.
    for pid in run("ip", "netns", "pids", name, check=False).split():
        if pid == str(os.getpid()):
            continue  # the runner itself, observing from the bridge namespace
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    run("ip", "netns", "delete", name, check=False)


def sweep_stale():
    """Deletes the namespaces of runners that no longer exist."""
    swept = []
    for name in list_namespaces():
        m = _STALE.match(name)
        if m and not os.path.exists("/proc/%s" % m.group(1)):
            delete_namespace(name)
            swept.append(name)
    return swept


def setns(name):
    """Moves the calling thread into namespace `name` (threads it starts
    afterwards inherit it)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns(%s): %s" % (name, os.strerror(e)))
    finally:
        os.close(fd)


class Lab:
    """The namespaces, bridge and fault rules of one scenario."""

    def __init__(self, tag, nodes):
        self.prefix = "%s%d%s" % (PREFIX, os.getpid(), tag)
        self.nodes = nodes
        self.bridge_ns = self.prefix + "-br"
        self.made = []
        self._closed = False

    def ns(self, i):
        return "%s-n%d" % (self.prefix, i)

    def ip(self, i):
        return "%s.%d" % (SUBNET, i + 1)

    def create(self):
        sweep_stale()
        atexit.register(self.destroy)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        self._add_ns(self.bridge_ns)
        b = ("ip", "-n", self.bridge_ns)
        run(*b, "link", "set", "lo", "up")
        run(*b, "link", "add", "br0", "type", "bridge")
        run(*b, "addr", "add", OBSERVER_IP + "/24", "dev", "br0")
        run(*b, "link", "set", "br0", "up")
        for i in range(self.nodes):
            ns = self.ns(i)
            self._add_ns(ns)
            port = "p%d" % i
            run(*b, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns)
            run(*b, "link", "set", port, "master", "br0")
            run(*b, "link", "set", port, "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "addr", "add", self.ip(i) + "/24", "dev", "eth0")
            run("ip", "-n", ns, "link", "set", "eth0", "up")
            self._nft(i, "add table inet wkdfault\n"
                         "add chain inet wkdfault input { type filter hook input priority 0; policy accept; }\n")
        return self

    def _add_ns(self, name):
        run("ip", "netns", "add", name)
        self.made.append(name)

    def _nft(self, i, script):
        run("ip", "netns", "exec", self.ns(i), "nft", "-f", "-", input_text=script)

    def _rules(self, i, rules):
        script = "flush chain inet wkdfault input\n"
        for r in rules:
            script += "add rule inet wkdfault input iifname \"eth0\" ip saddr != %s %s\n" % (OBSERVER_IP, r)
        self._nft(i, script)

    def set_loss(self, i, percent):
        """Drops `percent` % of what node i receives from the other agents."""
        self._rules(i, ["numgen random mod 100 < %d counter drop" % percent])

    def block(self, i, sources):
        """Node i no longer hears the nodes in `sources`."""
        addrs = ", ".join(self.ip(j) for j in sources)
        self._rules(i, ["ip saddr { %s } counter drop" % addrs])

    def clear(self, i):
        self._rules(i, [])

    def sysctl(self, i, key, value):
        """Sets a per-namespace sysctl in node i's namespace."""
        run("ip", "netns", "exec", self.ns(i), "sysctl", "-q", "-w", "%s=%s" % (key, value))

    def dropped(self, i):
        """Packets node i's rules have dropped since they were set."""
        text = run("ip", "netns", "exec", self.ns(i), "nft", "list", "table", "inet", "wkdfault", check=False)
        return sum(int(n) for n in re.findall(r"counter packets (\d+)", text))

    def _on_signal(self, signum, _frame):
        self.destroy()
        sys.stderr.write("fault lab: cleaned up after signal %d\n" % signum)
        os._exit(128 + signum)

    def destroy(self):
        if self._closed:
            return
        self._closed = True
        for name in reversed(self.made):
            delete_namespace(name)
        self.made = []
