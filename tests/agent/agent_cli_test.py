#!/usr/bin/env python3
"""The wkd program against real agents (CTest label `agent`): the CLI
clients and their exit codes, configuration errors, --print-config, both
signals, and a restart from the snapshot rejoining without seeds.

    python3 agent_cli_test.py -v CliTest
"""
import json
import os
import signal
import subprocess
import unittest

import agent_harness as h
from agent_test_base import AgentTestCase, main


def wkd(*args, timeout=60):
    p = subprocess.run([h.WKD] + list(args), capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


class CliTest(AgentTestCase):
    def test_clients_and_exit_codes(self):
        a = self.agent("cli-a", groups=["orders"], database_type="postgres").start()
        b = self.agent("cli-b", groups=["orders", "eu"]).start()
        rc, out, err = b.cli("join", a.gossip)
        self.assertEqual(rc, 0, err)
        self.assertIn("joined 1", out)
        self.wait_states(a, {"cli-b": "alive"})

        rc, out, err = a.cli("members")
        self.assertEqual(rc, 0, err)
        lines = out.strip().splitlines()
        self.assertEqual(lines[0].split()[:3], ["NAME", "ADDRESS", "STATE"])
        self.assertEqual(sorted(l.split()[0] for l in lines[1:]), ["cli-a", "cli-b"])
        self.assertIn("%s:%d" % (b.ip, h.GOSSIP_PORT), out)
        rc, out, _ = a.cli("members", "--json")
        self.assertEqual(rc, 0)
        self.assertEqual(sorted(m["name"] for m in json.loads(out)), ["cli-a", "cli-b"])
        rc, out, _ = a.cli("members", "--json", "--database-type", "postgres")
        self.assertEqual([m["name"] for m in json.loads(out)], ["cli-a"])

        rc, out, _ = a.cli("member", "cli-b")
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out)["name"], "cli-b")
        rc, _, err = a.cli("member", "nobody")
        self.assertEqual(rc, 3)
        self.assertIn("nobody", err)

        rc, out, _ = a.cli("groups")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"(?m)^orders\s+cli-a,cli-b$")
        self.assertRegex(out, r"(?m)^eu\s+cli-b$")
        rc, out, _ = a.cli("groups", "eu")
        self.assertEqual((rc, out.strip()), (0, "cli-b"))
        rc, _, _ = a.cli("groups", "none")
        self.assertEqual(rc, 3)

        rc, out, err = a.cli("event", "deploy", "v7")
        self.assertEqual(rc, 0, err)
        h.wait_for("event at cli-b", lambda: "user event: deploy (2 byte payload" in b.log(), h.JOIN_TIMEOUT)

        rc, _, err = a.cli("join", "127.0.0.1:1")
        self.assertEqual(rc, 1)
        self.assertIn(a.http_addr, err)

        # Usage errors.
        self.assertEqual(a.cli("member")[0], 2)
        self.assertEqual(a.cli("members", "--bogus")[0], 2)
        self.assertEqual(wkd("nonsense")[0], 2)
        self.assertEqual(wkd()[0], 2)
        rc, out, _ = wkd("version")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^wkd \d+\.\d+\.\d+")

        rc, out, err = b.cli("leave")
        self.assertEqual(rc, 0, err)
        self.assertEqual(b.wait_exit(), 0)
        self.wait_states(a, {"cli-b": "left"})

        # An agent nobody runs: exit 1 naming the address.
        dead = h.ADDRESSES.take() + ":%d" % h.HTTP_PORT
        rc, _, err = wkd("members", "--http", dead)
        self.assertEqual(rc, 1)
        self.assertIn(dead, err)


class ConfigTest(AgentTestCase):
    def write(self, name, text):
        path = os.path.join(self.work.path, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_errors_name_file_line_and_key(self):
        ip = h.ADDRESSES.take()
        cases = [
            ("unknown.toml", '[discovery]\nnode_name = "x"\nbind = "%s:7474"\ngossip_intervl_ms = 5\n' % ip,
             "unknown.toml:4", "gossip_intervl_ms"),
            ("type.toml", '[discovery]\nseeds = 5\n', "type.toml:2", "seeds"),
            ("range.toml", '[discovery]\nprobe_interval_ms = 0\n', "range.toml:2", "probe_interval_ms"),
            ("syntax.toml", '[discovery]\nbind = \n', "syntax.toml:2", ""),
            ("tls.toml", '[discovery]\ntls_cert = "/x.pem"\n', "tls.toml:2", "TLS"),
            ("group.toml", '[discovery]\ngroups = ["Bad Group"]\n', "group.toml:2", "groups"),
        ]
        for fname, text, where, key in cases:
            path = self.write(fname, text)
            rc, out, err = wkd("agent", "--config", path, "--http", "%s:7475" % ip)
            self.assertNotEqual(rc, 0, fname)
            self.assertIn(where, err, fname)
            self.assertIn(key, err, fname)
            self.assertEqual(out, "")
        rc, _, err = wkd("agent", "--config", os.path.join(self.work.path, "missing.toml"))
        self.assertNotEqual(rc, 0)
        self.assertIn("missing.toml", err)
        rc, _, err = wkd("agent", "--bind", "not-an-address")
        self.assertNotEqual(rc, 0)
        self.assertIn("--bind", err)
        rc, _, err = wkd("agent", "--no-such-flag")
        self.assertEqual(rc, 2)
        # Nothing started half-configured: the address is still free.
        self.assertTrue(h._free(ip, 7474) and h._free(ip, 7475))

    def test_start_failure_exits_1_naming_the_address(self):
        a = self.agent("busy-a").start()
        # Same gossip address, another HTTP address: the bind fails.
        other_http = h.ADDRESSES.take() + ":%d" % h.HTTP_PORT
        rc, _, err = wkd("agent", "--node-name", "busy-b", "--bind", a.gossip, "--http", other_http)
        self.assertEqual(rc, 1, err)
        self.assertIn(a.gossip, err)
        # Same HTTP address, another gossip address.
        other_gossip = h.ADDRESSES.take() + ":%d" % h.GOSSIP_PORT
        rc, _, err = wkd("agent", "--node-name", "busy-c", "--bind", other_gossip, "--http", a.http_addr)
        self.assertEqual(rc, 1, err)
        self.assertIn(a.http_addr, err)
        self.assertEqual(a.request("GET", "/v1/health")[0], 200)

    def test_print_config(self):
        path = self.write("ok.toml", '[discovery]\nnode_name = "pc"\nprobe_interval_ms = 2000\n'
                                     'suspicion_timeout_ms = 9000\n')
        rc, out, err = wkd("agent", "--config", path, "--print-config", "--join", "127.0.0.9:7474")
        self.assertEqual(rc, 0, err)
        self.assertIn('node_name = "pc"', out)
        self.assertIn("127.0.0.9:7474", out)
        self.assertIn("probe_interval_ms = 2000", out)
        # The printed configuration is itself a valid file.
        again = self.write("again.toml", out)
        rc2, out2, err2 = wkd("agent", "--config", again, "--print-config")
        self.assertEqual(rc2, 0, err2)
        settings = lambda text: [l for l in text.splitlines() if l and not l.startswith("#")]  # noqa: E731
        self.assertEqual(settings(out2), settings(out))
        self.assertIn("suspicion_mult = 5", out)


class SignalsAndSnapshotTest(AgentTestCase):
    def test_sigterm_sigint_and_restart_from_snapshot(self):
        a = self.agent("snap-a", snapshot=True).start()
        b = self.agent("snap-b", seeds=[a.gossip], snapshot=True).start()
        c = self.agent("snap-c", seeds=[a.gossip]).start()
        self.wait_states(a, {"snap-b": "alive", "snap-c": "alive"})
        self.wait_states(b, {"snap-a": "alive", "snap-c": "alive"})
        h.wait_for("b's snapshot lists a", lambda: "snap-a" in open(b.snapshot_path).read(), h.JOIN_TIMEOUT)

        b.signal(signal.SIGTERM)
        self.assertEqual(b.wait_exit(), 0)
        self.wait_states(a, {"snap-b": "left"})
        snap = json.load(open(b.snapshot_path))
        self.assertIn("snap-a", [p["name"] for p in snap["peers"]])

        # Restart with no seeds at all: the snapshot brings it back.
        b.write_config(seeds=[])
        b.start()
        self.wait_states(a, {"snap-b": "alive"})
        self.wait_states(b, {"snap-a": "alive", "snap-c": "alive"})
        self.assertIn("snapshot " + b.snapshot_path, b.log())

        c.signal(signal.SIGINT)
        self.assertEqual(c.wait_exit(), 0)
        self.wait_states(a, {"snap-c": "left"})

    def test_corrupt_snapshot_is_moved_aside(self):
        a = self.agent("snap-x", snapshot=True)
        with open(a.snapshot_path, "w") as f:
            f.write("{ not json")
        a.start()
        self.assertTrue(os.path.exists(a.snapshot_path + ".corrupt"))
        self.assertIn("snapshot unusable", a.log())
        # /v1/health says so (warning), naming the file and where it broke.
        status, _, body = a.request("GET", "/v1/health")
        health = json.loads(body)
        self.assertEqual((status, health["status"]), (429, "warning"), health)
        why = [r for r in health["reasons"] if "snapshot unusable" in r]
        self.assertEqual(len(why), 1, health)
        self.assertIn(a.snapshot_path + ": not valid JSON at byte offset ", why[0])
        self.assertIn("moved to " + a.snapshot_path + ".corrupt", why[0])

    def test_truncated_snapshot_names_the_offset(self):
        a = self.agent("snap-t", snapshot=True)
        a.start()
        a.signal(signal.SIGINT)
        self.assertEqual(a.wait_exit(), 0)
        with open(a.snapshot_path) as f:
            text = f.read()
        with open(a.snapshot_path, "w") as f:
            f.write(text[:len(text) // 2])
        a.start()
        self.assertTrue(os.path.exists(a.snapshot_path + ".corrupt"))
        self.assertIn("byte offset %d of %d (truncated)" % (len(text) // 2, len(text) // 2), a.log())


class DemoTest(AgentTestCase):
    """The README's first command, moved to its own loopback address."""

    def demo(self, *args):
        env = dict(os.environ, WKD_DEMO_IP=self.ip, WKD_DEMO_RUN_DIR=os.path.join(self.work.path, "run"),
                   WKD_DEMO_SKIP_SETUP="1", WKD_DEMO_BIN=h.WKD)
        script = os.path.join(os.environ.get("WKD_SOURCE_DIR", "../.."), ".ci", "demo.sh")
        p = subprocess.run(["bash", script] + list(args), capture_output=True, text=True, env=env, timeout=120,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def test_start_twice_then_stop(self):
        self.ip = h.ADDRESSES.take()
        try:
            rc, out, err = self.demo()
            self.assertEqual(rc, 0, out + err)
            for i in (1, 2, 3):
                self.assertRegex(out, r"(?m)^agent-%d\s+%s:%d\s+alive" % (i, self.ip.replace(".", r"\."), 7472 + 2 * i))
            self.assertIn("bash .ci/demo.sh stop", out)
            # The instances it registered are HEALTHY, checked against its servers on loopback.
            self.assertRegex(out, r"(?m)^web\s+UP\s+2\s+2$")
            self.assertRegex(out, r"(?m)^api\s+UP\s+1\s+1$")
            self.assertRegex(out, r"(?m)^web-1\s+%s:7490\s+HEALTHY\s+passing" % self.ip.replace(".", r"\."))
            self.assertIn("wkd select web --http %s:7475" % self.ip, out)
            rc, out, _ = wkd("select", "web", "--http", "%s:7475" % self.ip)
            self.assertEqual(rc, 0)
            self.assertRegex(out, r"^%s:749[01] web-[12]$" % self.ip.replace(".", r"\."))
            rc, out, err = self.demo()
            self.assertEqual(rc, 0, out + err)
            self.assertEqual(out.count("already running"), 3)
            rc, out, _ = self.demo("status")
            self.assertEqual(out.count("running (pid"), 3)
            self.assertEqual(out.count(": up (pid"), 3)
        finally:
            rc, out, err = self.demo("stop")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("stopped", out)
        rc, out, _ = self.demo("status")
        self.assertEqual(out.count("stopped"), 3)
        self.assertEqual(out.count(": down"), 3)
        for port in (7490, 7491, 7492):
            self.assertTrue(h._free(self.ip, port), "check server on port %d still listening" % port)
        log = open(os.path.join(self.work.path, "run", "agent-2.log")).read()
        self.assertIn("left the cluster", log)


if __name__ == "__main__":
    main()
