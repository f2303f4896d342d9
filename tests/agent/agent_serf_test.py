#!/usr/bin/env python3
"""A real `serf agent` (Debian's serf 0.9.4) and `wkd agent` in one cluster
(CTest label `agent`): each joins the other, sees the other's tags, user
events cross both ways, a graceful leave is `left` and a SIGKILL `failed`.

    python3 agent_serf_test.py -v SerfThroughAgentTest
"""
import json
import os
import shutil
import signal
import stat
import subprocess
import unittest

import agent_harness as h
from agent_test_base import AgentTestCase, main

SERF_GOSSIP = 7946
SERF_RPC = 7373


class Serf:
    def __init__(self, workdir, name, ip, join=None, handler=None):
        self.name = name
        self.ip = ip
        self.gossip = "%s:%d" % (ip, SERF_GOSSIP)
        self.rpc = "%s:%d" % (ip, SERF_RPC)
        argv = ["serf", "agent", "-node=" + name, "-bind=" + self.gossip, "-advertise=" + self.gossip,
                "-rpc-addr=" + self.rpc, "-profile=local", "-log-level=debug", "-tag", "role=serf"]
        if join:
            argv.append("-join=" + join)
        if handler:
            argv.append("-event-handler=" + handler)
        self.log_path = os.path.join(workdir, name + ".log")
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                                     preexec_fn=h._die_with_parent)
        log.close()
        h._ALL.append(self.proc)
        h.wait_for("serf RPC of " + name, lambda: self.cmd("members", check=False).returncode == 0, h.START_TIMEOUT)

    def cmd(self, *args, check=True):
        argv = ["serf", args[0], "-rpc-addr=" + self.rpc] + list(args[1:])
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError("%s: %s" % (" ".join(argv), r.stdout + r.stderr))
        return r

    def members(self):
        r = self.cmd("members", "-format=json", check=False)
        if r.returncode != 0:
            return {}
        return {m["name"]: m for m in json.loads(r.stdout)["members"]}

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@unittest.skipIf(shutil.which("serf") is None, "the serf package is not installed (.ci/setup.sh installs it)")
class SerfThroughAgentTest(AgentTestCase):
    def test_serf_and_wkd_agents_in_one_cluster(self):
        events = os.path.join(self.work.path, "serf-events.txt")
        handler = os.path.join(self.work.path, "handler.sh")
        with open(handler, "w") as f:
            f.write('#!/bin/sh\n{ echo "$SERF_EVENT $SERF_USER_EVENT"; cat; echo; } >> %s\n' % events)
        os.chmod(handler, os.stat(handler).st_mode | stat.S_IEXEC)

        w = self.agent("wkd-1", groups=["orders"], database_type="postgres", wire_protocol="pgwire").start()
        serf1 = Serf(self.work.path, "serf-1", h.ADDRESSES.take(), join=w.gossip, handler=handler)
        self.serfs = [serf1]
        try:
            # serf joined wkd: both see both, with each other's tags.
            self.wait_states(w, {"serf-1": "alive"})
            self.assertEqual(w.get_json("/v1/cluster/members/serf-1")["tags"]["role"], "serf")
            h.wait_for("serf sees wkd-1", lambda: serf1.members().get("wkd-1", {}).get("status") == "alive",
                       h.JOIN_TIMEOUT)
            tags = serf1.members()["wkd-1"]["tags"]
            self.assertEqual((tags.get("db"), tags.get("wire"), tags.get("groups")), ("postgres", "pgwire", "orders"))
            self.assertIn("wkd", tags)

            # wkd joins serf (through the CLI).
            w2 = self.agent("wkd-2").start()
            rc, out, err = w2.cli("join", serf1.gossip)
            self.assertEqual(rc, 0, err)
            h.wait_for("serf sees wkd-2", lambda: serf1.members().get("wkd-2", {}).get("status") == "alive",
                       h.JOIN_TIMEOUT)

            # User events both ways.
            serf1.cmd("event", "from-serf", "p1")
            h.wait_for("wkd-1 got the serf event", lambda: "user event: from-serf (2 byte payload" in w.log(),
                       h.JOIN_TIMEOUT)
            rc, _, err = w.cli("event", "from-wkd", "payload")
            self.assertEqual(rc, 0, err)
            h.wait_for("serf's handler ran", lambda: os.path.exists(events) and "from-wkd" in open(events).read(),
                       h.JOIN_TIMEOUT)
            self.assertIn("payload", open(events).read())

            # A graceful wkd leave is `left` in serf; a killed serf is `failed` in wkd.
            w2.signal(signal.SIGTERM)
            self.assertEqual(w2.wait_exit(), 0)
            h.wait_for("serf sees wkd-2 left", lambda: serf1.members().get("wkd-2", {}).get("status") == "left",
                       h.JOIN_TIMEOUT)
            serf1.kill()
            self.wait_states(w, {"serf-1": "failed"}, h.FAIL_TIMEOUT)
        finally:
            for s in self.serfs:
                if self.id() and s.proc.poll() is None:
                    s.kill()

    def test_services_on_wkd_agents_never_reach_serf(self):
        """The registry travels among wkd agents only: with services
        registered, changed and deregistered on two wkd agents, the serf
        agent in the same cluster never logs an unknown message type."""
        w1 = self.agent("wkd-r1").start()
        w2 = self.agent("wkd-r2", seeds=[w1.gossip]).start()
        serf1 = Serf(self.work.path, "serf-r", h.ADDRESSES.take(), join=w1.gossip)
        self.serfs = [serf1]
        try:
            self.wait_states(w1, {"wkd-r2": "alive", "serf-r": "alive"})
            h.wait_for("serf sees both wkd agents",
                       lambda: all(serf1.members().get(n, {}).get("status") == "alive" for n in ("wkd-r1", "wkd-r2")),
                       h.JOIN_TIMEOUT)
            for agent in (w1, w2):
                for i in range(20):
                    body = {"serviceName": "orders", "instanceId": "%s-%d" % (agent.name, i), "host": "127.0.0.1",
                            "port": 9000 + i, "metadata": {"blob": "m" * (2000 if i == 0 else 10)}}
                    status, _, data = agent.request("POST", "/api/v1/services/register", body=json.dumps(body))
                    self.assertEqual(status, 200, data)
                for i in range(0, 20, 2):
                    status, _, data = agent.request("PUT", "/api/v1/services/orders/instances/%s-%d/check"
                                                    % (agent.name, i), body=json.dumps({"status": "passing"}))
                    self.assertEqual(status, 200, data)
                status, _, data = agent.request("DELETE", "/api/v1/services/orders/instances/%s-19" % agent.name)
                self.assertEqual(status, 200, data)

            def listed(agent):
                return len(agent.get_json("/api/v1/services/orders")), \
                    len(agent.get_json("/api/v1/services/orders/healthy"))
            for agent in (w1, w2):
                h.wait_for("%s lists both agents' instances" % agent.name, lambda: listed(agent) == (38, 20),
                           h.JOIN_TIMEOUT)
            # Long enough for anti-entropy and push/pull rounds to run too.
            import time
            time.sleep(12)
            with open(serf1.log_path) as f:
                serf_log = f.read()
            for bad in ("unknown type", "Failed to decode", "bad type prefix"):
                lines = [line for line in serf_log.splitlines() if bad in line]
                self.assertEqual(lines[:3], [], "serf logged %d line(s) with %r" % (len(lines), bad))
            self.assertIn("wkd-r2", serf_log)  # the log is serf's, at debug level
            for agent in (w1, w2):
                self.assertEqual(listed(agent), (38, 20))
                self.assertNotIn("registry: dropped", agent.log())
        finally:
            for s in self.serfs:
                if s.proc.poll() is None:
                    s.kill()


if __name__ == "__main__":
    main()
