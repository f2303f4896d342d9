#!/usr/bin/env python3
"""The agent's HTTP API against real agents (CTest label `agent`).

    python3 agent_api_test.py -v ClusterApiTest
"""
import json
import os
import re
import signal
import socket
import time
import unittest

import agent_harness as h
from agent_test_base import AgentTestCase, main

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
MEMBER_KEYS = {"name", "address", "port", "state", "incarnation", "tags", "groups", "databaseType",
               "wireProtocol", "endpoint", "capabilities", "health", "lastSeen"}


class ClusterApiTest(AgentTestCase):
    """Three agents: every read endpoint, filters, events, join, metrics."""

    def setUp(self):
        super().setUp()
        self.a = self.agent("api-a", groups=["orders", "eu"], database_type="postgres", wire_protocol="pgwire",
                            endpoint="db-a.example:5432", tags={"rack": "r1"}).start()
        self.b = self.agent("api-b", seeds=[self.a.gossip], groups=["orders"], database_type="redis",
                            wire_protocol="resp", tags={"rack": "r2"}).start()
        self.c = self.agent("api-c", seeds=[self.a.gossip], groups=["billing"], database_type="postgres",
                            wire_protocol="pgwire", tags={"rack": "r1"}).start()
        every = {"api-a": "alive", "api-b": "alive", "api-c": "alive"}
        for x in (self.a, self.b, self.c):
            self.wait_states(x, every)

    def test_members_fields(self):
        ms = self.b.members()
        self.assertEqual([m["name"] for m in ms], ["api-a", "api-b", "api-c"])
        a = next(m for m in ms if m["name"] == "api-a")
        self.assertTrue(MEMBER_KEYS <= set(a), sorted(MEMBER_KEYS - set(a)))
        self.assertEqual(a["address"], self.a.ip)
        self.assertEqual(a["port"], h.GOSSIP_PORT)
        self.assertEqual(a["state"], "alive")
        self.assertEqual(a["groups"], ["orders", "eu"])
        self.assertEqual(a["databaseType"], "postgres")
        self.assertEqual(a["wireProtocol"], "pgwire")
        self.assertEqual(a["endpoint"], "db-a.example:5432")
        self.assertEqual(a["health"], "passing")
        self.assertEqual(a["tags"]["rack"], "r1")
        self.assertIn("wkd", a["tags"])
        self.assertIsInstance(a["incarnation"], int)
        self.assertRegex(a["lastSeen"], RFC3339)

    def test_filters(self):
        names = lambda ms: sorted(m["name"] for m in ms)  # noqa: E731
        self.assertEqual(names(self.a.members(group="orders")), ["api-a", "api-b"])
        self.assertEqual(names(self.a.members(databaseType="postgres")), ["api-a", "api-c"])
        self.assertEqual(names(self.a.members(wireProtocol="resp")), ["api-b"])
        self.assertEqual(names(self.a.members(tag="rack:r1")), ["api-a", "api-c"])
        self.assertEqual(names(self.a.members(tag="rack:r1", group="orders")), ["api-a"])
        self.assertEqual(names(self.a.members(state="alive")), ["api-a", "api-b", "api-c"])
        self.assertEqual(names(self.a.members(state="failed")), [])
        self.assertEqual(names(self.a.members(group="nobody")), [])
        for bad in ("state=dead", "tag=norack", "colour=red"):
            status, _, body = self.a.request("GET", "/v1/cluster/members?" + bad)
            self.assertEqual(status, 400, bad)
            self.assertIn("error", json.loads(body))

    def test_member_groups_state(self):
        m = self.c.get_json("/v1/cluster/members/api-b")
        self.assertEqual(m["name"], "api-b")
        status, _, body = self.c.request("GET", "/v1/cluster/members/nobody")
        self.assertEqual(status, 404)
        self.assertIn("nobody", json.loads(body)["error"])
        g = self.c.get_json("/v1/cluster/groups")
        self.assertEqual(g, {"billing": ["api-c"], "eu": ["api-a"], "orders": ["api-a", "api-b"]})
        og = self.c.get_json("/v1/cluster/groups/orders")
        self.assertEqual(sorted(m["name"] for m in og), ["api-a", "api-b"])
        status, _, _ = self.c.request("GET", "/v1/cluster/groups/nogroup")
        self.assertEqual(status, 404)
        st = self.c.get_json("/v1/cluster/state")
        self.assertEqual(st["node"], "api-c")
        self.assertEqual(st["counts"], {"alive": 3, "suspect": 0, "failed": 0, "left": 0})
        self.assertEqual(st["protocol"]["memberlist"], {"min": 2, "max": 2, "highestCommon": 5})
        self.assertEqual(st["protocol"]["serf"], {"min": 5, "max": 5, "highestCommon": 5})
        self.assertEqual(st["self"]["name"], "api-c")

    def test_health_metrics_and_errors(self):
        # A probe that times out on a loaded machine raises awareness for a
        # while (a warning); the next answered probes lower it again.
        h.wait_for("api-a passing", lambda: self.a.request("GET", "/v1/health")[0] == 200,
                   h.JOIN_TIMEOUT)
        status, _, body = self.a.request("GET", "/v1/health")
        self.assertEqual(status, 200, body)
        hj = json.loads(body)
        self.assertEqual(hj["node"], "api-a")
        self.assertEqual(hj["status"], "passing")
        self.assertEqual(hj["reasons"], [])
        self.assertEqual(hj["members"]["alive"], 2)
        self.assertIn("awareness", hj)
        status, headers, body = self.a.request("GET", "/v1/agent/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain"))
        text = body.decode()
        self.assertIn('wkd_members{state="alive"} 2', text)
        self.assertRegex(text, r"(?m)^wkd_packets_received_total [1-9]\d*$")
        self.assertIn("# TYPE wkd_probes_total counter", text)
        status, headers, body = self.a.request("POST", "/v1/cluster/members")
        self.assertEqual(status, 405)
        self.assertEqual(headers["allow"], "GET")
        status, headers, _ = self.a.request("GET", "/v1/cluster/join")
        self.assertEqual(status, 405)
        self.assertEqual(headers["allow"], "PUT")
        status, _, body = self.a.request("GET", "/v1/nothing/here")
        self.assertEqual(status, 404)
        self.assertIn("error", json.loads(body))
        status, _, _ = self.a.request("GET", "/v1/health/service/x")
        self.assertEqual(status, 404)

    def test_user_event_reaches_every_agent_once(self):
        status, _, body = self.b.request("POST", "/v1/events/deploy", body=b"v42")
        self.assertEqual(status, 200, body)
        for x in (self.a, self.b, self.c):
            h.wait_for("event at " + x.name, lambda x=x: "user event: deploy (3 byte payload" in x.log(),
                       h.JOIN_TIMEOUT)
        time.sleep(1)
        for x in (self.a, self.b, self.c):
            self.assertEqual(x.log().count("user event: deploy (3 byte payload"), 1, x.name)
        status, _, _ = self.b.request("POST", "/v1/events/big", body=b"x" * 4096)
        self.assertEqual(status, 413)

    def test_join_endpoint(self):
        d = self.agent("api-d").start()
        status, _, body = d.request("PUT", "/v1/cluster/join?address=" + self.b.gossip)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {"joined": 1})
        self.wait_states(self.a, {"api-d": "alive"})
        status, _, body = d.request("PUT", "/v1/cluster/join?address=127.0.0.1:1")
        self.assertEqual(status, 502)
        self.assertIn("error", json.loads(body))
        status, _, _ = d.request("PUT", "/v1/cluster/join")
        self.assertEqual(status, 400)

    def test_killed_agent_is_failed_and_stopped_agent_left(self):
        self.c.kill()  # SIGKILL: no leave
        self.wait_states(self.a, {"api-c": "failed"}, h.FAIL_TIMEOUT)
        self.assertEqual(self.a.members(state="failed")[0]["name"], "api-c")
        self.b.signal(signal.SIGTERM)
        self.assertEqual(self.b.wait_exit(), 0)
        self.wait_states(self.a, {"api-b": "left"})
        self.assertIn("left the cluster", self.b.log())
        # api-a is neither leaving nor cut off from its seeds, so it is not
        # critical. Its probes of api-c went unanswered, which raises Lifeguard
        # awareness; only successful probes lower it again, and api-a may have
        # no live peer left to probe, so a warning naming awareness alone is
        # the correct answer too.
        status, _, body = self.a.request("GET", "/v1/health")
        hj = json.loads(body)
        self.assertEqual(hj["members"], {"alive": 0, "suspect": 0, "failed": 1, "left": 1}, body)
        if hj["awareness"] == 0:
            self.assertEqual((status, hj["status"], hj["reasons"]), (200, "passing", []), body)
        else:
            self.assertEqual((status, hj["status"]), (429, "warning"), body)
            self.assertEqual(len(hj["reasons"]), 1, body)
            self.assertRegex(hj["reasons"][0], r"^Lifeguard awareness is \d+ of 8$", body)
            self.assertLess(hj["awareness"], 4, body)


class LeaveApiTest(AgentTestCase):
    def test_put_leave_and_sigint(self):
        a = self.agent("lv-a").start()
        b = self.agent("lv-b", seeds=[a.gossip]).start()
        c = self.agent("lv-c", seeds=[a.gossip]).start()
        self.wait_states(a, {"lv-b": "alive", "lv-c": "alive"})
        status, _, body = b.request("PUT", "/v1/cluster/leave")
        self.assertEqual(status, 200, body)
        self.assertTrue(json.loads(body)["left"])
        self.assertEqual(b.wait_exit(), 0)
        self.wait_states(a, {"lv-b": "left"})
        c.signal(signal.SIGINT)
        self.assertEqual(c.wait_exit(), 0)
        self.wait_states(a, {"lv-c": "left"})


class EncryptionTest(AgentTestCase):
    """encrypt and keyring_file: same key joins, another key cannot; JSON logs."""

    KEY1 = "MDEyMzQ1Njc4OWFiY2RlZg=="                      # 16 bytes
    KEY2 = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="  # 32 bytes

    def test_keys(self):
        a = self.agent("enc-a", encrypt=self.KEY1, flags=["--log-json"]).start()
        ring = os.path.join(self.work.path, "keyring.json")
        with open(ring, "w") as f:
            json.dump([self.KEY1, self.KEY2], f)
        b = self.agent("enc-b", extra="keyring_file = %s" % json.dumps(ring)).start()
        status, _, body = b.request("PUT", "/v1/cluster/join?address=" + a.gossip)
        self.assertEqual(status, 200, body)
        self.wait_states(a, {"enc-b": "alive"})
        c = self.agent("enc-c", encrypt=self.KEY2).start()
        status, _, body = c.request("PUT", "/v1/cluster/join?address=" + a.gossip)
        self.assertEqual(status, 502, body)
        self.assertNotIn("enc-c", a.states())
        d = self.agent("enc-d").start()  # no key at all
        status, _, body = d.request("PUT", "/v1/cluster/join?address=" + a.gossip)
        self.assertEqual(status, 502, body)
        # --log-json: every line of a's log is one JSON object.
        lines = [l for l in a.log().splitlines() if l.strip()]
        self.assertTrue(lines)
        for line in lines:
            j = json.loads(line)
            self.assertEqual(set(j), {"ts", "level", "node", "msg"})
        self.assertTrue(any("member joined: enc-b" in json.loads(l)["msg"] for l in lines))


class HealthTest(AgentTestCase):
    def test_unanswered_seeds_are_critical_until_a_peer_answers(self):
        a = self.agent("hl-a")
        # A seed nobody listens on (a free address of our own): retried in the background.
        dead_ip = h.ADDRESSES.take()
        b = self.agent("hl-b", seeds=["%s:%d" % (dead_ip, h.GOSSIP_PORT)]).start()
        status, _, body = b.request("GET", "/v1/health")
        self.assertEqual(status, 503)
        hj = json.loads(body)
        self.assertEqual(hj["status"], "critical")
        self.assertTrue(any("seed" in r for r in hj["reasons"]), hj)
        h.wait_for("a retry in the log", lambda: "join attempt 2 failed" in b.log(), h.JOIN_TIMEOUT)
        a.start()
        status, _, body = b.request("PUT", "/v1/cluster/join?address=" + a.gossip)
        self.assertEqual(status, 200, body)
        h.wait_for("hl-b passing", lambda: b.request("GET", "/v1/health")[0] == 200, h.JOIN_TIMEOUT)


class LimitsTest(AgentTestCase):
    """The HTTP limits of a real agent: 431, 413, 503 beyond 256 connections,
    a slow client closed after 10 s without delaying others, idle close at 60 s."""

    def connect(self, a):
        s = socket.create_connection((a.ip, h.HTTP_PORT), timeout=30)
        return s

    def read_status(self, s):
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return int(data.split(b" ")[1]) if data else None

    def closed_by_peer(self, s, timeout):
        s.settimeout(timeout)
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    return True
        except (socket.timeout, TimeoutError):
            return False
        except ConnectionResetError:
            return True

    def test_limits(self):
        a = self.agent("lim-a").start()
        idle = self.connect(a)
        idle_since = time.monotonic()
        # Headers over 16 KiB.
        s = self.connect(a)
        s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (17 * 1024) + b"\r\n\r\n")
        self.assertEqual(self.read_status(s), 431)
        s.close()
        # A body over 1 MiB (announced).
        s = self.connect(a)
        s.sendall(b"POST /v1/events/x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (2 * 1024 * 1024))
        self.assertEqual(self.read_status(s), 413)
        s.close()
        # A slow client does not delay another, and is closed after 10 s.
        slow = self.connect(a)
        slow.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        slow_since = time.monotonic()
        status, _, _ = a.request("GET", "/v1/cluster/members", timeout=5)
        self.assertEqual(status, 200)
        self.assertTrue(self.closed_by_peer(slow, 50), "the slow request was not closed")
        self.assertGreaterEqual(time.monotonic() - slow_since, 9)
        # 256 connections at most: the next one is refused with 503.
        held = []
        try:
            # The idle connection above is one of the 256.
            for _ in range(255):
                held.append(self.connect(a))
            time.sleep(0.5)
            extra = self.connect(a)
            extra.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(self.read_status(extra), 503)
            extra.close()
        finally:
            for x in held:
                x.close()
        h.wait_for("connections released",
                   lambda: a.request("GET", "/v1/health", timeout=5)[0] == 200, 20)
        # The idle connection is closed once it has been idle for 60 s.
        left = 60 - (time.monotonic() - idle_since)
        self.assertTrue(self.closed_by_peer(idle, max(left, 0) + 40), "the idle connection was not closed")
        self.assertGreaterEqual(time.monotonic() - idle_since, 55)


if __name__ == "__main__":
    main()
