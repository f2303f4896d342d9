#!/usr/bin/env python3
"""Service definitions in the agent's TOML (CTest label `agent`):
[[discovery.service]] registered at start and seen by a second agent, a
[[discovery.service.check]] against a local HTTP server turning the
instance HEALTHY, bad definitions refused at start (FILE:LINE, exit 2),
SIGHUP adding, changing and removing definitions, a bad reload keeping the
running set, and on_critical refused without script checks and run when
they are enabled. Registrations made through the API survive a restart
(kept in SNAPSHOT.services) until deregistered; a corrupt file is moved
aside as .corrupt and /v1/health warns until the next write.

    python3 agent_service_defs_test.py -v ServiceDefsTest
    python3 agent_service_defs_test.py -v RegistrationPersistenceTest
"""
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import threading

import agent_harness as h
from agent_test_base import AgentTestCase, main


def toml_value(v):
    if isinstance(v, dict):
        return "{" + ", ".join("%s = %s" % (k, toml_value(x)) for k, x in v.items()) + "}"
    return json.dumps(v)


def service(name, iid, port=9000, checks=(), **fields):
    lines = ["[[discovery.service]]",
             "service_name = %s" % json.dumps(name),
             "instance_id = %s" % json.dumps(iid),
             "host = \"127.0.0.1\"",
             "port = %d" % port]
    for k, v in fields.items():
        lines.append("%s = %s" % (k, toml_value(v)))
    for c in checks:
        lines.append("[[discovery.service.check]]")
        for k, v in c.items():
            lines.append("%s = %s" % (k, toml_value(v)))
    return "\n".join(lines)


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceDefsTest(AgentTestCase):
    def configure(self, agent, services, script_checks=False):
        agent.write_config(extra="\n".join(services))
        if script_checks:
            # [agent] is the file's last table.
            with open(agent.config_path, "a") as f:
                f.write("script_checks = true\n")

    def names(self, agent, svc):
        status, _, data = agent.request("GET", "/api/v1/services/%s" % svc)
        if status == 404:
            return set()
        return {i["instanceId"] for i in json.loads(data) if i["status"] != "DEREGISTERED"}

    def test_registered_at_start_and_checked(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        url = "http://127.0.0.1:%d/health" % server.server_address[1]
        a = self.agent("defs-a")
        self.configure(a, [service("orders", "o-1", tags=["primary"], metadata={"dc": "x"},
                                   checks=[{"kind": "http", "target": url, "interval_ms": 200}])])
        a.start()
        b = self.agent("defs-b", seeds=[a.gossip]).start()
        self.wait_states(b, {"defs-a": "alive"})
        got = h.wait_for("defs-b sees orders/o-1 HEALTHY",
                         lambda: [i for i in b.get_json("/api/v1/services/orders") if i["status"] == "HEALTHY"],
                         h.JOIN_TIMEOUT)
        self.assertEqual((got[0]["instanceId"], got[0]["owner"], got[0]["tags"], got[0]["metadata"]),
                         ("o-1", "defs-a", ["primary"], {"dc": "x"}))

        # --print-config shows the definition, and reads back the same.
        p = subprocess.run([h.WKD, "agent", "--config", a.config_path, "--print-config"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("[[discovery.service]]", p.stdout)
        self.assertIn("[[discovery.service.check]]", p.stdout)
        again = os.path.join(self.work.path, "again.toml")
        with open(again, "w") as f:
            f.write(p.stdout)
        p2 = subprocess.run([h.WKD, "agent", "--config", again, "--print-config"], capture_output=True,
                            text=True, timeout=30)
        self.assertEqual(p2.returncode, 0, p2.stderr)
        self.assertEqual(p2.stdout.split("\n", 1)[1], p.stdout.split("\n", 1)[1])

    def test_bad_definitions_refused_at_start(self):
        a = self.agent("defs-bad")
        cases = [
            (service("orders", "o-1", port=0), "port"),
            (service("orders", "o-1", weight=20000), "weight"),
            (service("orders", "o-1", version="one"), "version"),
            (service("Not A Label", "o-1"), "service_name"),
            (service("orders", "o-1", checks=[{"kind": "http", "target": "http://x/", "method": "get"}]),
             "check[0].method"),
            (service("orders", "o-1", checks=[{"kind": "http", "target": "http://x/", "interval_ms": 5}]),
             "check[0].interval_ms"),
            (service("orders", "o-1", checks=[{"kind": "carrier-pigeon"}]), "check[0].kind"),
            (service("orders", "o-1", checks=[{"kind": "ttl", "ttl_ms": 1000, "bogus": 1}]), "check[0].bogus"),
            (service("orders", "o-1", checks=[{"kind": "ttl", "ttl_ms": 1000, "on_critical": "true"}]),
             "check[0].on_critical"),
            (service("orders", "o-1", checks=[{"kind": "script", "target": "true"}]), "check[0].kind"),
            (service("orders", "o-1") + "\n" + service("orders", "o-1"), "instance_id"),
        ]
        for text, key in cases:
            self.configure(a, [text])
            p = subprocess.run([h.WKD, "agent", "--config", a.config_path], capture_output=True, text=True,
                               timeout=30, stdin=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 2, (text, p.stderr))
            self.assertRegex(p.stderr, re.escape(a.config_path) + r":\d+: discovery\.service\[\d\]\." +
                             re.escape(key) + ": ", text)

    def test_sighup_applies_the_diff_and_refuses_errors(self):
        a = self.agent("defs-hup")
        self.configure(a, [service("orders", "o-1"), service("orders", "o-2"), service("billing", "b-1")])
        a.start()
        h.wait_for("o-1, o-2 registered", lambda: self.names(a, "orders") == {"o-1", "o-2"}, h.START_TIMEOUT)
        self.assertEqual(self.names(a, "billing"), {"b-1"})
        # An API registration is not a definition: a reload leaves it alone.
        status, _, data = a.request("POST", "/api/v1/services/register", body=json.dumps(
            {"serviceName": "orders", "instanceId": "api-1", "host": "127.0.0.1", "port": 9100}))
        self.assertEqual(status, 200, data)

        # o-2 changes, b-1 goes, c-1 comes.
        self.configure(a, [service("orders", "o-1"), service("orders", "o-2", weight=7), service("cart", "c-1")])
        a.signal(signal.SIGHUP)
        h.wait_for("cart/c-1 registered", lambda: self.names(a, "cart") == {"c-1"}, h.START_TIMEOUT)
        h.wait_for("billing/b-1 deregistered", lambda: self.names(a, "billing") == set(), h.START_TIMEOUT)
        h.wait_for("o-2 weight 7", lambda: [i["weight"] for i in a.get_json("/api/v1/services/orders")
                                            if i["instanceId"] == "o-2"] == [7], h.START_TIMEOUT)
        self.assertEqual(self.names(a, "orders"), {"o-1", "o-2", "api-1"})

        # A bad file: logged with FILE:LINE, nothing changes.
        self.configure(a, [service("orders", "o-1", port=70000)])
        a.signal(signal.SIGHUP)
        h.wait_for("the refusal logged", lambda: "reload refused" in a.log(), h.START_TIMEOUT)
        self.assertRegex(a.log(), r"reload refused: %s:\d+: discovery\.service\[0\]\.port" %
                         a.config_path.replace(".", r"\."))
        self.assertEqual(self.names(a, "orders"), {"o-1", "o-2", "api-1"})
        self.assertEqual(self.names(a, "cart"), {"c-1"})
        self.assertIsNone(a.proc.poll())

    def test_on_critical_runs_when_script_checks_are_enabled(self):
        marker = os.path.join(self.work.path, "healed")
        a = self.agent("defs-heal")
        # Nothing listens on this port: the TCP check fails.
        dead = "127.0.0.1:%d" % free_port()
        self.configure(a, [service("orders", "o-1", checks=[
            {"id": "tcp", "kind": "tcp", "target": dead, "interval_ms": 200, "timeout_ms": 100,
             "on_critical": "echo \"$WKD_SERVICE/$WKD_INSTANCE/$WKD_CHECK\" > %s" % marker}])],
            script_checks=True)
        a.start()
        h.wait_for("the on_critical marker", lambda: os.path.exists(marker) and os.path.getsize(marker) > 0,
                   h.START_TIMEOUT)
        with open(marker) as f:
            self.assertEqual(f.read().strip(), "orders/o-1/tcp")


def read_json(path):
    with open(path) as f:
        return json.load(f)


def register(agent, service, iid, port=9100):
    status, _, data = agent.request("POST", "/api/v1/services/register", body=json.dumps(
        {"serviceName": service, "instanceId": iid, "host": "127.0.0.1", "port": port, "tags": ["api"]}))
    if status != 200:
        raise AssertionError("register %s/%s: %d %s" % (service, iid, status, data[:300]))


class RegistrationPersistenceTest(AgentTestCase):
    """API registrations kept next to the snapshot across restarts."""

    def names(self, agent, svc):
        status, _, data = agent.request("GET", "/api/v1/services/%s" % svc)
        if status == 404:
            return set()
        return {i["instanceId"] for i in json.loads(data) if i["status"] != "DEREGISTERED"}

    def restart(self, agent):
        agent.signal(signal.SIGTERM)
        self.assertEqual(agent.wait_exit(), 0)
        agent.start()

    def test_registrations_survive_a_restart_until_deregistered(self):
        a = self.agent("persist-a", snapshot=True)
        a.start()
        register(a, "orders", "o-1")
        register(a, "orders", "o-2", port=9101)
        h.wait_for("the registrations file", lambda: len(read_json(a.snapshot_path + ".services")["registrations"]) == 2,
                   h.START_TIMEOUT)
        self.restart(a)
        h.wait_for("both restored", lambda: self.names(a, "orders") == {"o-1", "o-2"}, h.START_TIMEOUT)
        got = {i["instanceId"]: i for i in a.get_json("/api/v1/services/orders")}
        self.assertEqual((got["o-2"]["port"], got["o-2"]["tags"], got["o-2"]["owner"]), (9101, ["api"], "persist-a"))

        status, _, data = a.request("DELETE", "/api/v1/services/orders/instances/o-1")
        self.assertEqual(status, 200, data)
        self.restart(a)
        h.wait_for("only o-2 restored", lambda: self.names(a, "orders") == {"o-2"}, h.START_TIMEOUT)

    def test_a_corrupt_file_is_moved_aside_and_reported_until_the_next_write(self):
        a = self.agent("persist-bad", snapshot=True)
        path = a.snapshot_path + ".services"
        with open(path, "w") as f:
            f.write('{"format": 1, "registrations": [{"serviceName": "orders", ')
        a.start()
        self.assertTrue(os.path.exists(path + ".corrupt"))
        status, _, body = a.request("GET", "/v1/health")
        health = json.loads(body)
        self.assertEqual((status, health["status"]), (429, "warning"), health)
        why = [r for r in health["reasons"] if "API registrations unusable" in r]
        self.assertEqual(len(why), 1, health)
        self.assertIn("byte offset", why[0])
        self.assertIn(path + ".corrupt", why[0])

        register(a, "orders", "o-1")
        h.wait_for("the warning cleared by the next write",
                   lambda: a.request("GET", "/v1/health")[0] == 200, h.START_TIMEOUT)
        with open(path) as f:
            self.assertEqual([r["instanceId"] for r in json.load(f)["registrations"]], ["o-1"])


if __name__ == "__main__":
    main()
