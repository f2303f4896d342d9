"""Real `wkd agent` processes in the namespaces of a netns_lab.Lab, an
observer that records what every agent reports, and the record of a
scenario (its checks, limits and observed figures) as JSON.

The observer polls every agent's GET /v1/cluster/members every 0.5 s over
the bridge (the management path, which the fault rules never drop) and
keeps every answer: (monotonic time, {member: state}), or None when the
agent did not answer (stopped, restarting). The checks are computed from
these samples, so "never reported failed by anyone" covers every answer of
every agent during the window.
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "agent"))
import agent_harness as ah  # noqa: E402

POLL_INTERVAL = 0.5
POLL_TIMEOUT = 2.0
LIVE = ("alive", "suspect")


class NsAgent(ah.Agent):
    """An agent in namespace `ns`, gossip and HTTP on its eth0 address."""

    def __init__(self, lab, i, workdir, seeds=(), snapshot=False, extra="", profile="lan"):
        self.ns = lab.ns(i)
        self.index = i
        super().__init__(workdir, "n%d" % i, seeds=seeds, snapshot=snapshot, extra=extra, ip=lab.ip(i),
                         profile=profile, flags=os.environ.get("WKD_FAULTS_AGENT_FLAGS", "").split(),
                         # The namespace address is not loopback and the lab has no tokens.
                         agent_extra="allow_unauthenticated_remote = true")

    def start(self, wait=True):
        log = open(self.log_path, "a")
        # `ip netns exec` execs the agent in place: proc.pid is the agent.
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns, ah.WKD, "agent", "--config", self.config_path]
                                     + self.flags, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True, preexec_fn=ah._die_with_parent)
        log.close()
        ah._ALL.append(self.proc)
        if wait:
            ah.wait_for("%s answering HTTP" % self.name, self._answers, ah.START_TIMEOUT)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class Observer:
    """One polling thread per agent; samples[name] = [(t, states or None)]."""

    def __init__(self, agents):
        self.agents = agents
        self.names = [a.name for a in agents]
        self.samples = {a.name: [] for a in agents}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._poll, args=(a,), daemon=True) for a in agents]

    def start(self):
        for t in self._threads:
            t.start()
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=POLL_TIMEOUT + 2)

    def _poll(self, agent):
        while not self._stop.is_set():
            t = time.monotonic()
            states = None
            try:
                status, _, body = agent.request("GET", "/v1/cluster/members", timeout=POLL_TIMEOUT)
                if status == 200:
                    states = {m["name"]: m["state"] for m in json.loads(body)}
            except (OSError, ValueError, KeyError):
                states = None
            except Exception:  # http.client errors while the agent restarts
                states = None
            with self._lock:
                self.samples[agent.name].append((t, states))
            self._stop.wait(max(0.0, POLL_INTERVAL - (time.monotonic() - t)))

    def window(self, t0, t1=None, observers=None):
        """(t, observer, states) of the answers taken in [t0, t1]."""
        with self._lock:
            out = []
            for name in observers or self.names:
                for t, s in self.samples[name]:
                    if s is not None and t >= t0 and (t1 is None or t <= t1):
                        out.append((t, name, s))
        return out

    def violations(self, t0, t1=None, observers=None, subjects=None, allowed=LIVE):
        """Every answer in which a subject was in a state not allowed, or
        missing: [(seconds after t0, observer, subject, state)]."""
        bad = []
        for t, obs, states in self.window(t0, t1, observers):
            for subj in subjects or self.names:
                st = states.get(subj, "missing")
                if st not in allowed:
                    bad.append((round(t - t0, 1), obs, subj, st))
        return bad

    def latest(self, name, since):
        with self._lock:
            for t, s in reversed(self.samples[name]):
                if t < since:
                    return None
                if s is not None:
                    return s
        return None

    def is_whole(self, since, names=None):
        names = names or self.names
        for obs in names:
            s = self.latest(obs, since)
            if s is None or any(s.get(n) != "alive" for n in names) or len(s) != len(names):
                return False
        return True

    def wait_whole(self, t0, limit):
        """Seconds from t0 until every agent reports every agent alive (and
        nothing else); AssertionError with the last answers after `limit`."""
        while time.monotonic() - t0 < limit:
            now = time.monotonic()
            if self.is_whole(max(t0, now - POLL_INTERVAL * 2.5)):
                return round(now - t0, 1)
            time.sleep(0.2)
        last = {n: self.latest(n, t0) for n in self.names}
        raise AssertionError("not whole within %s s; last answers: %s" % (limit, last))

    def episodes(self, t0, t1, state="suspect"):
        """Each (observer, subject) episode of `state`: [{observer, subject,
        start (s after t0), seconds}] from consecutive answers."""
        out, open_ = [], {}
        for t, obs, states in sorted(self.window(t0, t1), key=lambda x: x[0]):
            for subj in self.names:
                key = (obs, subj)
                if states.get(subj) == state:
                    open_.setdefault(key, [t, t])[1] = t
                elif key in open_:
                    start, end = open_.pop(key)
                    out.append({"observer": obs, "subject": subj, "start": round(start - t0, 1),
                                "seconds": round(end - start + POLL_INTERVAL, 1)})
        for (obs, subj), (start, end) in open_.items():
            out.append({"observer": obs, "subject": subj, "start": round(start - t0, 1),
                        "seconds": round(end - start + POLL_INTERVAL, 1)})
        return sorted(out, key=lambda e: e["start"])

    def seen_states(self, t0, t1, observer, subject):
        """How many answers of `observer` in [t0, t1] gave each state of `subject`."""
        counts = {}
        for _, _, states in self.window(t0, t1, [observer]):
            st = states.get(subject, "missing")
            counts[st] = counts.get(st, 0) + 1
        return counts

    def unanswered(self, t0, t1=None):
        with self._lock:
            return {n: sum(1 for t, s in self.samples[n] if s is None and t >= t0 and (t1 is None or t <= t1))
                    for n in self.names}


class Record:
    """What a scenario checked and observed, written as JSON."""

    def __init__(self, scenario, description, out_dir):
        self.path = os.path.join(out_dir, scenario + ".json")
        self.data = {"scenario": scenario, "description": description, "checks": [], "figures": {},
                     "passed": False, "started_unix": int(time.time())}
        self._t0 = time.monotonic()
        os.makedirs(out_dir, exist_ok=True)

    def figure(self, key, value):
        self.data["figures"][key] = value

    def check(self, ok, what, limit_s=None, observed=None):
        self.data["checks"].append({"check": what, "limit_s": limit_s, "observed": observed, "passed": bool(ok)})
        line = "%s: %s (limit %s s, observed %s)" % ("PASS" if ok else "FAIL", what, limit_s, _short(observed))
        print(line, flush=True)
        if not ok:
            raise AssertionError(line)

    def within(self, what, limit_s, measure):
        """Runs measure() (which raises AssertionError past limit_s) and
        records the seconds it returned, or the failure."""
        try:
            seconds = measure()
        except AssertionError as e:
            self.check(False, what, limit_s, str(e)[:2000])
        self.check(True, what, limit_s, seconds)
        return seconds

    def finish(self, passed, error=None):
        self.data["passed"] = passed
        self.data["seconds"] = round(time.monotonic() - self._t0, 1)
        if error:
            self.data["error"] = error
        with open(self.path, "w") as f:
            json.dump(self.data, f, indent=2, sort_keys=True)
            f.write("\n")


def _short(v):
    s = json.dumps(v) if not isinstance(v, str) else v
    return s if len(s) < 300 else s[:300] + "..."
