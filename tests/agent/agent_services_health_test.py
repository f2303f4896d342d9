#!/usr/bin/env python3
"""The registry's aggregates, health checks, dependencies and long polls
through `wkd agent` (CTest label `agent`), on real agents:

- /status, /health and /{name}/health with their exact fields and types;
- a healthCheckUrl registered as an HTTP check against a small HTTP server
  of the test's own (127.0.0.86, which no other test uses), run now by
  POST .../health-check (202), its result moving the instance; on another
  node a 409 naming the owner and its HTTP address;
- dependencies declared, listed both ways, judged (allHealthy flips when
  the last healthy instance of the dependency is deregistered), graphed and
  removed, a second declaration with other terms a 409;
- ?index=N&wait=D answering on a change, or at the wait's end with the
  same index;
- bad input: 400 naming the field, nothing changed.

    python3 agent_services_health_test.py -v ServicesHealthTest
"""
import http.client
import http.server
import json
import re
import threading

import agent_harness as h
from agent_test_base import AgentTestCase, main

CHECK_SERVER_IP = "127.0.0.86"
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def call(agent, method, target, body=None, expect=200):
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    status, headers, out = agent.request(method, target, body=data, headers={"Content-Type": "application/json"})
    if status != expect:
        raise AssertionError("%s %s on %s: %d (wanted %d) %s" % (method, target, agent.name, status, expect, out[:300]))
    return (json.loads(out) if out else None), headers


def instance(service, iid, port=9000, **extra):
    body = {"serviceName": service, "instanceId": iid, "host": "127.0.0.1", "port": port}
    body.update(extra)
    return body


class CheckServer:
    """An HTTP server answering every GET with the status code set."""

    def __init__(self):
        outer = self
        self.code = 200
        self.hits = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                self.send_response(outer.code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((CHECK_SERVER_IP, 0), Handler)
        self.url = "http://%s:%d/health" % (CHECK_SERVER_IP, self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def open_connections(agent):
    """The agent's open HTTP connections (this read's own included)."""
    status, _, data = agent.request("GET", "/v1/agent/metrics")
    for line in data.decode().splitlines():
        if line.startswith("wkd_http_connections "):
            return int(float(line.split()[1]))
    raise AssertionError("no wkd_http_connections in the metrics")


def set_check(agent, service, iid, state):
    call(agent, "PUT", "/api/v1/services/%s/instances/%s/check" % (service, iid), {"status": state})


class ServicesHealthTest(AgentTestCase):
    def test_aggregates_and_the_health_check_trigger(self):
        server = CheckServer()
        self.addCleanup(server.close)
        a = self.agent("hc-a").start()
        b = self.agent("hc-b", seeds=[a.gossip]).start()
        self.wait_states(a, {"hc-b": "alive"})

        # A long interval: the runs that matter are the ones asked for.
        reg, _ = call(a, "POST", "/api/v1/services/register",
                      instance("orders", "o-1", healthCheckUrl=server.url,
                               check={"intervalMs": 600000, "timeoutMs": 2000}))
        self.assertEqual(reg["healthCheckUrl"], server.url)
        call(a, "POST", "/api/v1/services/register", instance("orders", "o-2"))
        # The agent's view shows a registration moments after it answers.
        h.wait_for("both listed on hc-a", lambda: len(a.get_json("/api/v1/services/orders")) == 2, h.JOIN_TIMEOUT)

        got, _ = call(a, "POST", "/api/v1/services/orders/instances/o-1/health-check", expect=202)
        self.assertEqual(got, {"serviceName": "orders", "instanceId": "o-1", "checks": 1, "owner": "hc-a"})
        h.wait_for("o-1 HEALTHY on hc-b through its HTTP check",
                   lambda: [i["instanceId"] for i in b.get_json("/api/v1/services/orders/healthy")] == ["o-1"],
                   h.JOIN_TIMEOUT)
        self.assertGreaterEqual(server.hits, 1)

        # The status map.
        status = b.get_json("/api/v1/services/status")
        self.assertEqual(status, {"orders": {"totalInstances": 2, "healthyInstances": 1,
                                             "unhealthyInstances": 1, "overallStatus": "UP"}})
        # One service's health.
        health = b.get_json("/api/v1/services/orders/health")
        self.assertEqual(set(health), {"serviceName", "status", "totalInstances", "healthyInstances", "instances"})
        self.assertEqual((health["serviceName"], health["status"], health["totalInstances"],
                          health["healthyInstances"]), ("orders", "UP", 2, 1))
        by_id = {i["instanceId"]: i for i in health["instances"]}
        self.assertEqual(set(by_id), {"o-1", "o-2"})
        for i in by_id.values():
            self.assertEqual(set(i), {"instanceId", "status", "checkStatus", "lastHealthCheck",
                                      "consecutiveFailures", "owner"})
            self.assertEqual(i["owner"], "hc-a")
            self.assertIsInstance(i["consecutiveFailures"], int)
        self.assertEqual((by_id["o-1"]["status"], by_id["o-1"]["checkStatus"]), ("HEALTHY", "passing"))
        self.assertRegex(by_id["o-1"]["lastHealthCheck"], ISO_Z)
        self.assertEqual(by_id["o-2"]["status"], "STARTING")
        self.assertIsNone(by_id["o-2"]["lastHealthCheck"])
        # The platform.
        platform = b.get_json("/api/v1/services/health")
        self.assertEqual(platform, {"status": "UP", "totalServices": 1, "healthyServices": 1,
                                    "services": {"orders": "UP"}})
        call(b, "GET", "/api/v1/services/nope/health", expect=404)

        # The server fails: the next run asked for makes o-1 UNHEALTHY.
        server.code = 503
        call(a, "POST", "/api/v1/services/orders/instances/o-1/health-check", expect=202)
        h.wait_for("o-1 UNHEALTHY on hc-b",
                   lambda: {i["instanceId"]: i["status"] for i in
                            b.get_json("/api/v1/services/orders/health")["instances"]}.get("o-1") == "UNHEALTHY",
                   h.JOIN_TIMEOUT)
        health = a.get_json("/api/v1/services/orders/health")
        o1 = [i for i in health["instances"] if i["instanceId"] == "o-1"][0]
        self.assertEqual((o1["checkStatus"], o1["consecutiveFailures"]), ("critical", 1))
        self.assertEqual((health["status"], health["healthyInstances"]), ("DOWN", 0))
        self.assertEqual(b.get_json("/api/v1/services/status")["orders"]["overallStatus"], "DOWN")
        self.assertEqual(b.get_json("/api/v1/services/health")["status"], "DOWN")

        # Another node's instance: 409 naming the owner and its HTTP address.
        err, _ = call(b, "POST", "/api/v1/services/orders/instances/o-1/health-check", expect=409)
        self.assertIn("hc-a", err["error"])
        self.assertEqual(err["owner"], "hc-a")
        self.assertEqual(err["ownerHttpAddress"], "%s:%d" % (a.ip, h.HTTP_PORT))
        # Registered without a check that runs: nothing to run.
        err, _ = call(a, "POST", "/api/v1/services/orders/instances/o-2/health-check", expect=409)
        self.assertIn("no check", err["error"])
        call(a, "POST", "/api/v1/services/orders/instances/nope/health-check", expect=404)
        status, headers, _ = a.request("GET", "/api/v1/services/orders/instances/o-1/health-check")
        self.assertEqual((status, headers.get("allow")), (405, "POST"))

    def test_dependencies(self):
        a = self.agent("dep-a").start()
        b = self.agent("dep-b", seeds=[a.gossip]).start()
        self.wait_states(a, {"dep-b": "alive"})
        call(a, "POST", "/api/v1/services/register", instance("orders", "o-1", version="1.0.0"))
        call(a, "POST", "/api/v1/services/register", instance("payments", "p-1", version="2.3.0"))
        set_check(a, "orders", "o-1", "passing")
        set_check(a, "payments", "p-1", "passing")

        dep = {"dependsOn": "payments", "type": "RUNTIME", "required": True, "minVersion": "2.0.0",
               "maxVersion": "3.0.0", "healthCheckEndpoint": "/ready", "timeoutMs": 2000}
        got, _ = call(a, "POST", "/api/v1/services/orders/dependencies", dep, expect=201)
        self.assertEqual({k: got[k] for k in dep}, dep)
        self.assertEqual((got["serviceName"], got["owner"]), ("orders", "dep-a"))
        # The same terms again: no change; other terms: 409.
        again, _ = call(a, "POST", "/api/v1/services/orders/dependencies", dep, expect=201)
        self.assertEqual(again["createdAt"], got["createdAt"])
        err, _ = call(a, "POST", "/api/v1/services/orders/dependencies", dict(dep, timeoutMs=3000), expect=409)
        self.assertIn("payments", err["error"])
        call(a, "POST", "/api/v1/services/payments/dependencies", {"dependsOn": "ledger", "type": "optional",
                                                                    "required": False}, expect=201)

        h.wait_for("dep-b sees both dependencies",
                   lambda: len(b.get_json("/api/v1/services/dependencies/graph")["edges"]) == 2, h.JOIN_TIMEOUT)
        deps = b.get_json("/api/v1/services/orders/dependencies")
        self.assertEqual([(d["serviceName"], d["dependsOn"]) for d in deps], [("orders", "payments")])
        dependents = b.get_json("/api/v1/services/payments/dependents")
        self.assertEqual([(d["serviceName"], d["dependsOn"]) for d in dependents], [("orders", "payments")])
        self.assertEqual(b.get_json("/api/v1/services/orders/dependents"), [])
        graph = b.get_json("/api/v1/services/dependencies/graph")
        self.assertEqual(graph, {"nodes": ["ledger", "orders", "payments"],
                                 "edges": [{"from": "orders", "to": "payments", "type": "RUNTIME", "required": True},
                                           {"from": "payments", "to": "ledger", "type": "OPTIONAL",
                                            "required": False}]})

        h.wait_for("payments HEALTHY on dep-b",
                   lambda: len(b.get_json("/api/v1/services/payments/healthy")) == 1, h.JOIN_TIMEOUT)
        self.assertEqual(b.get_json("/api/v1/services/orders/dependencies/health"),
                         {"serviceName": "orders", "allHealthy": True,
                          "dependencies": [{"serviceName": "payments", "healthy": True, "healthyInstances": 1}]})
        # payments' optional dependency on ledger (no instance) degrades it.
        h.wait_for("orders HEALTHY on dep-b",
                   lambda: len(b.get_json("/api/v1/services/orders/healthy")) == 1, h.JOIN_TIMEOUT)
        self.assertEqual(b.get_json("/api/v1/services/health"),
                         {"status": "DEGRADED", "totalServices": 2, "healthyServices": 1,
                          "services": {"orders": "UP", "payments": "DEGRADED"}})

        # The last healthy instance of payments goes: the dependency fails.
        call(a, "DELETE", "/api/v1/services/payments/instances/p-1")
        h.wait_for("orders' dependency unhealthy on dep-b",
                   lambda: not b.get_json("/api/v1/services/orders/dependencies/health")["allHealthy"],
                   h.JOIN_TIMEOUT)
        self.assertEqual(b.get_json("/api/v1/services/orders/dependencies/health")["dependencies"],
                         [{"serviceName": "payments", "healthy": False, "healthyInstances": 0}])
        self.assertEqual(b.get_json("/api/v1/services/orders/health")["status"], "DOWN")

        # Only the owner removes; then it is gone everywhere.
        call(b, "DELETE", "/api/v1/services/orders/dependencies/payments", expect=409)
        removed, _ = call(a, "DELETE", "/api/v1/services/orders/dependencies/payments")
        self.assertEqual(removed["dependsOn"], "payments")
        h.wait_for("dep-b drops it", lambda: b.get_json("/api/v1/services/orders/dependencies") == [], h.JOIN_TIMEOUT)
        call(a, "DELETE", "/api/v1/services/orders/dependencies/ledger", expect=404)
        status, headers, _ = a.request("PUT", "/api/v1/services/orders/dependencies", body="{}")
        self.assertEqual((status, headers.get("allow")), (405, "GET, POST"))

    def test_bad_input_is_400_naming_the_field(self):
        a = self.agent("bad-a").start()
        target = "/api/v1/services/orders/dependencies"
        cases = [
            ("{not json", "JSON"),
            ("[1]", "object"),
            (json.dumps({"type": "RUNTIME"}), "dependsOn"),
            (json.dumps({"dependsOn": 5}), "dependsOn"),
            (json.dumps({"dependsOn": "payments", "type": "SOMETIMES"}), "type"),
            (json.dumps({"dependsOn": "payments", "required": "yes"}), "required"),
            (json.dumps({"dependsOn": "payments", "timeoutMs": 0}), "timeoutMs"),
            (json.dumps({"dependsOn": "payments", "timeoutMs": 600001}), "timeoutMs"),
            (json.dumps({"dependsOn": "payments", "timeoutMs": "5s"}), "timeoutMs"),
            (json.dumps({"dependsOn": "payments", "minVersion": "two"}), "minVersion"),
            (json.dumps({"dependsOn": "payments", "colour": "blue"}), "colour"),
            (json.dumps({"dependsOn": "orders"}), "dependsOn"),
            (json.dumps({"dependsOn": "payments", "serviceName": "billing"}), "serviceName"),
        ]
        for body, field in cases:
            err, _ = call(a, "POST", target, body, expect=400)
            self.assertIn(field, err["error"], body)
        self.assertEqual(a.get_json(target), [])
        self.assertEqual(a.get_json("/api/v1/services/dependencies/graph"), {"nodes": [], "edges": []})

        # The check settings of a registration.
        for extra, field in [
            ({"check": {"intervalMs": 60000}}, "healthCheckUrl"),
            ({"healthCheckUrl": "http://127.0.0.1:1/h", "check": {"intervalMs": 10}}, "check.intervalMs"),
            ({"healthCheckUrl": "http://127.0.0.1:1/h", "check": {"intervalMs": 1000, "timeoutMs": 2000}},
             "check.timeoutMs"),
            ({"healthCheckUrl": "http://127.0.0.1:1/h", "check": {"everyMs": 1000}}, "check.everyMs"),
            ({"healthCheckUrl": "http://127.0.0.1:1/h", "check": 5}, "check"),
        ]:
            err, _ = call(a, "POST", "/api/v1/services/register", instance("orders", "o-1", **extra), expect=400)
            self.assertIn(field, err["error"], extra)
        self.assertEqual(a.get_json("/api/v1/services/orders?includeDeregistered=true"), [])

        # Long-poll parameters.
        for query, field in [("index=x", "index"), ("index=-1", "index"), ("index=1&wait=5", None),
                             ("index=1&wait=soon", "wait"), ("index=1&wait=5parsecs", "wait"), ("wait=1s", "wait")]:
            status, _, data = a.request("GET", "/api/v1/services?" + query)
            if field is None:
                self.assertEqual(status, 200, (query, data))
                continue
            self.assertEqual(status, 400, (query, data))
            self.assertIn(field, json.loads(data)["error"], query)

    def test_long_polls(self):
        a = self.agent("poll-a").start()
        _, headers = call(a, "GET", "/api/v1/services")
        index = int(headers["x-wkd-index"])

        # Nothing changes: the wait ends with the same index.
        got, headers = call(a, "GET", "/api/v1/services?index=%d&wait=200ms" % index)
        self.assertEqual((got, int(headers["x-wkd-index"])), ([], index))
        # An index behind the view answers at once.
        _, headers = call(a, "GET", "/api/v1/services?index=0&wait=5m")
        self.assertEqual(int(headers["x-wkd-index"]), index)

        # A change answers the waiting reads.
        results = {}

        def poll(name, target):
            results[name] = call(a, "GET", target)

        polls = [threading.Thread(target=poll, args=(name, target)) for name, target in [
            ("list", "/api/v1/services?index=%d&wait=60s" % index),
            ("instances", "/api/v1/services/orders?index=%d&wait=1m" % index),
            ("status", "/api/v1/services/status?index=%d&wait=60s" % index),
        ]]
        for t in polls:
            t.start()
        # The three polls hold their connections open (the metrics read is
        # the fourth).
        h.wait_for("the polls to be waiting", lambda: open_connections(a) >= 4, 10)
        self.assertTrue(all(t.is_alive() for t in polls))
        call(a, "POST", "/api/v1/services/register", instance("orders", "o-1"))
        for t in polls:
            t.join(30)
            self.assertFalse(t.is_alive(), "a long poll did not answer")
        self.assertEqual(results["list"][0], ["orders"])
        self.assertEqual([i["instanceId"] for i in results["instances"][0]], ["o-1"])
        self.assertEqual(results["status"][0]["orders"]["totalInstances"], 1)
        for name, (_, headers) in results.items():
            self.assertGreater(int(headers["x-wkd-index"]), index, name)

    def test_a_waiting_poll_does_not_hold_up_a_leave(self):
        a = self.agent("poll-b").start()
        _, headers = call(a, "GET", "/api/v1/services/status")
        index = int(headers["x-wkd-index"])
        outcome = {}

        def poll():
            try:
                outcome["answer"] = a.request("GET", "/api/v1/services/status?index=%d&wait=5m" % index)
            except (OSError, http.client.HTTPException) as e:
                outcome["closed"] = repr(e)

        t = threading.Thread(target=poll, daemon=True)
        t.start()
        h.wait_for("the poll to be waiting", lambda: open_connections(a) >= 2, 10)
        status, _, data = a.request("PUT", "/v1/cluster/leave")
        self.assertEqual(status, 200, data)
        self.assertEqual(a.wait_exit(), 0)
        t.join(30)
        self.assertFalse(t.is_alive(), "the poll outlived the agent")


if __name__ == "__main__":
    main()
