#!/usr/bin/env python3
"""The CLI's service-registry commands against real agents (CTest label
`agent`): services, service, register (--file and flags), deregister,
select, deps, in tables and --json, with the CLI's exit codes, and --token
sent as a bearer header; the registry figures in /v1/agent/metrics.

    python3 agent_cli_services_test.py -v CliServicesTest
"""
import http.server
import json
import os
import subprocess
import threading

import agent_harness as h
from agent_test_base import AgentTestCase, main


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 200 `{}` (or `[]` under /api/v1/services/) and records each
    request's Authorization header on the server."""

    def do_GET(self):
        self.server.auth.append(self.headers.get("Authorization"))
        body = b"{}" if self.path.endswith("/status") or self.path == "/" else b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(ip):
    """A small HTTP server on ip (loopback), port chosen by the system, in a thread."""
    srv = http.server.ThreadingHTTPServer((ip, 0), _Recorder)
    srv.auth = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


class CliServicesTest(AgentTestCase):
    """Each CTest entry holds a block of loopback addresses (12 slots in
    all), so the metrics test shares this entry."""

    def setUp(self):
        super().setUp()
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()
        super().tearDown()

    def server(self, ip):
        s = serve(ip)
        self.servers.append(s)
        return s

    def test_service_commands(self):
        a = self.agent("svc-a").start()
        check = self.server(a.ip)
        url = "http://%s:%d/" % (a.ip, check.server_address[1])

        # register by flags, with an HTTP check that passes.
        rc, out, err = a.cli("register", "--service", "web", "--id", "w1", "--host", a.ip, "--port", "8080",
                             "--version", "1.2.0", "--tag", "blue", "--tag", "eu", "--meta", "team=core",
                             "--weight", "7", "--health-url", url, "--check-interval-ms", "300")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^registered web/w1 at %s:8080: \w+ \(owner svc-a\)" % a.ip.replace(".", r"\."))
        # The agent's view shows a registration moments after it returns.
        h.wait_for("web/w1 listed", lambda: len(a.get_json("/api/v1/services/web")) == 1, h.JOIN_TIMEOUT)
        inst = a.get_json("/api/v1/services/web")[0]
        self.assertEqual((inst["tags"], inst["metadata"], inst["weight"], inst["version"], inst["healthCheckUrl"]),
                         (["blue", "eu"], {"team": "core"}, 7, "1.2.0", url))

        # register --file, --json prints the API's instance.
        f = os.path.join(self.work.path, "api.json")
        with open(f, "w") as fh:
            json.dump({"serviceName": "api", "instanceId": "a1", "host": a.ip, "port": 9090}, fh)
        rc, out, err = a.cli("register", "--file", f, "--json")
        self.assertEqual(rc, 0, err)
        self.assertEqual((json.loads(out)["serviceName"], json.loads(out)["owner"]), ("api", "svc-a"))

        h.wait_for("web/w1 HEALTHY",
                   lambda: a.get_json("/api/v1/services/web")[0]["status"] == "HEALTHY", h.JOIN_TIMEOUT)

        # services: a table of names with total and healthy counts; --json the status object.
        rc, out, err = a.cli("services")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[0].split(), ["SERVICE", "STATUS", "TOTAL", "HEALTHY"])
        self.assertRegex(out, r"(?m)^web\s+UP\s+1\s+1$")
        self.assertRegex(out, r"(?m)^api\s+DOWN\s+1\s+0$")
        rc, out, _ = a.cli("services", "--json")
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out), a.get_json("/api/v1/services/status"))

        # service NAME [--healthy].
        rc, out, err = a.cli("service", "web")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[0].split()[:4], ["ID", "ADDRESS", "STATUS", "CHECK"])
        self.assertRegex(out, r"(?m)^w1\s+%s:8080\s+HEALTHY\s+passing\s+1\.2\.0\s+7\s+svc-a$" % a.ip.replace(".", r"\."))
        rc, out, _ = a.cli("service", "api", "--healthy", "--json")
        self.assertEqual((rc, json.loads(out)), (0, []))
        rc, out, _ = a.cli("service", "api", "--json")
        self.assertEqual([i["instanceId"] for i in json.loads(out)], ["a1"])

        # select: host:port and id; 3 (not found) when none is HEALTHY.
        rc, out, err = a.cli("select", "web")
        self.assertEqual((rc, out.strip()), (0, "%s:8080 w1" % a.ip), err)
        rc, out, _ = a.cli("select", "web", "--json")
        self.assertEqual(json.loads(out)["instanceId"], "w1")
        rc, out, err = a.cli("select", "api")
        self.assertEqual((rc, out), (3, ""))
        self.assertIn("api", err)
        self.assertEqual(a.cli("select", "nothing")[0], 3)

        # deps: dependencies with their health, then dependents.
        status, _, body = a.request("POST", "/api/v1/services/web/dependencies", json.dumps({"dependsOn": "api"}),
                                    {"Content-Type": "application/json"})
        self.assertEqual(status, 201, body)
        rc, out, err = a.cli("deps", "web")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"(?m)^api\s+RUNTIME\s+yes\s+no\s+0$")
        rc, out, _ = a.cli("deps", "api")
        self.assertRegex(out, r"(?m)^web\s+RUNTIME\s+yes$")
        rc, out, _ = a.cli("deps", "web", "--json")
        j = json.loads(out)
        self.assertEqual([d["dependsOn"] for d in j["dependencies"]], ["api"])
        self.assertEqual(j["health"]["allHealthy"], False)
        self.assertEqual(j["dependents"], [])

        # deregister; then it is gone from select and a second time is fine (kept for audit).
        rc, out, err = a.cli("deregister", "api", "a1")
        self.assertEqual((rc, out.strip()), (0, "deregistered api/a1"), err)
        rc, _, err = a.cli("deregister", "api", "nobody")
        self.assertEqual(rc, 3)
        self.assertIn("nobody", err)

        # API errors on stderr with exit 1; usage errors exit 2.
        with open(f, "w") as fh:
            json.dump({"serviceName": "api", "instanceId": "a2", "host": a.ip, "port": 0}, fh)
        rc, out, err = a.cli("register", "--file", f)
        self.assertEqual((rc, out), (1, ""))
        self.assertIn("answered 400: port", err)
        for bad in (["register"], ["register", "--service", "x", "--id", "y", "--host", "h"],
                    ["register", "--service", "x", "--id", "y", "--host", "h", "--port", "99999"],
                    ["register", "--service", "x", "--id", "y", "--host", "h", "--port", "1", "--meta", "novalue"],
                    ["register", "--file", os.path.join(self.work.path, "missing.json")],
                    ["register", "--file", f, "--id", "y"],
                    ["service"], ["select"], ["deregister", "api"], ["deps"], ["services", "extra"],
                    ["service", "web", "--bogus"]):
            rc, _, err = a.cli(*bad)
            self.assertEqual(rc, 2, (bad, err))

    def test_deregister_force_on_a_live_owner(self):
        a = self.agent("own-a").start()
        b = self.agent("own-b", seeds=[a.gossip]).start()
        self.wait_states(a, {"own-a": "alive", "own-b": "alive"})
        rc, _, err = a.cli("register", "--service", "db", "--id", "d1", "--host", a.ip, "--port", "5432")
        self.assertEqual(rc, 0, err)
        h.wait_for("db/d1 replicated to own-b",
                   lambda: [i["instanceId"] for i in b.get_json("/api/v1/services/db")] == ["d1"]
                   if "db" in b.get_json("/api/v1/services") else False, h.JOIN_TIMEOUT)
        rc, out, err = b.cli("deregister", "db", "d1")
        self.assertEqual((rc, out), (1, ""))
        self.assertIn("409", err)
        self.assertIn("own-a", err)
        rc, out, err = b.cli("deregister", "db", "d1", "--force")
        self.assertEqual((rc, out), (1, ""))
        self.assertIn("409", err)
        self.assertNotEqual(a.get_json("/api/v1/services/db")[0]["status"], "DEREGISTERED")

    def test_token_is_sent_as_bearer(self):
        ip = h.ADDRESSES.take()
        srv = self.server(ip)
        addr = "%s:%d" % (ip, srv.server_address[1])
        rc, _, err = h_run(["services", "--http", addr, "--token", "s3cret"])
        self.assertEqual(rc, 0, err)
        rc, _, err = h_run(["service", "web", "--http", addr], env={"WKD_TOKEN": "from-env"})
        self.assertEqual(rc, 0, err)
        rc, _, err = h_run(["services", "--http", addr], env={"WKD_TOKEN": ""})
        self.assertEqual(rc, 0, err)
        self.assertEqual(srv.auth, ["Bearer s3cret", "Bearer from-env", None])

    def test_registry_and_check_figures_move(self):
        a = self.agent("met-a").start()
        b = self.agent("met-b", seeds=[a.gossip]).start()
        self.wait_states(a, {"met-a": "alive", "met-b": "alive"})
        status, _, text = a.request("GET", "/v1/agent/metrics")
        text = text.decode()
        for family, kind in (("wkd_registry_instances", "gauge"), ("wkd_registry_services", "gauge"),
                             ("wkd_health_checks_run_total", "counter"),
                             ("wkd_health_check_results_total", "counter"),
                             ("wkd_health_status_changes_total", "counter"),
                             ("wkd_health_deregistrations_total", "counter"),
                             ("wkd_registry_bytes_sent_total", "counter"),
                             ("wkd_registry_bytes_received_total", "counter"),
                             ("wkd_registry_dropped_total", "counter")):
            self.assertIn("# HELP %s " % family, text)
            self.assertIn("# TYPE %s %s\n" % (family, kind), text)
        before_a, before_b = metrics(a), metrics(b)
        self.assertEqual(before_a["wkd_registry_services"], 0)
        self.assertEqual(before_a['wkd_registry_instances{status="HEALTHY"}'], 0)
        self.assertEqual(before_a['wkd_registry_dropped_total{reason="malformed"}'], 0)

        srv = serve(a.ip)
        try:
            url = "http://%s:%d/" % (a.ip, srv.server_address[1])
            for i in (1, 2):
                rc, _, err = a.cli("register", "--service", "pay", "--id", "p%d" % i, "--host", a.ip, "--port",
                                   str(9000 + i), "--health-url", url, "--check-interval-ms", "200")
                self.assertEqual(rc, 0, err)
            h.wait_for("two HEALTHY instances in met-a's metrics",
                       lambda: metrics(a)['wkd_registry_instances{status="HEALTHY"}'] == 2, h.JOIN_TIMEOUT)
            m = metrics(a)
            self.assertEqual(m["wkd_registry_services"], 1)
            self.assertGreaterEqual(m["wkd_health_checks_run_total"], 2)
            self.assertGreaterEqual(m["wkd_health_check_results_total"], 2)
            self.assertGreaterEqual(m["wkd_health_status_changes_total"], 2)
            self.assertGreater(m["wkd_registry_bytes_sent_total"], before_a["wkd_registry_bytes_sent_total"])
            h.wait_for("met-b received the records",
                       lambda: metrics(b)["wkd_registry_bytes_received_total"] >
                       before_b["wkd_registry_bytes_received_total"] and metrics(b)["wkd_registry_services"] == 1,
                       h.JOIN_TIMEOUT)
        finally:
            srv.shutdown()
            srv.server_close()
        # The check server is gone: the checks fail and the instances turn UNHEALTHY.
        changes = metrics(a)["wkd_health_status_changes_total"]
        h.wait_for("two UNHEALTHY instances in met-a's metrics",
                   lambda: metrics(a)['wkd_registry_instances{status="UNHEALTHY"}'] == 2, h.JOIN_TIMEOUT)
        m = metrics(a)
        self.assertGreater(m["wkd_health_status_changes_total"], changes)
        self.assertEqual(m['wkd_registry_instances{status="HEALTHY"}'], 0)
        rc, _, err = a.cli("deregister", "pay", "p1")
        self.assertEqual(rc, 0, err)
        h.wait_for("a tombstone in met-a's metrics",
                   lambda: metrics(a)['wkd_registry_instances{status="DEREGISTERED"}'] == 1, h.JOIN_TIMEOUT)


def metrics(agent):
    """The agent's /v1/agent/metrics as {"name{labels}": value}."""
    status, _, data = agent.request("GET", "/v1/agent/metrics")
    if status != 200:
        raise AssertionError("metrics on %s: %d" % (agent.name, status))
    out = {}
    for line in data.decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = int(value)
    return out


def h_run(args, env=None):
    """Runs wkd ARGS with WKD_TOKEN only as `env` gives it; (rc, stdout, stderr)."""
    e = dict(os.environ)
    e.pop("WKD_TOKEN", None)
    e.update(env or {})
    p = subprocess.run([h.WKD] + args, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=e)
    return p.returncode, p.stdout, p.stderr


if __name__ == "__main__":
    main()
