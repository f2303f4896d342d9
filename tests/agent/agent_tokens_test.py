#!/usr/bin/env python3
"""Bearer tokens of the agent's HTTP API (CTest label `agent`): secrets from
a file and from the environment, 401 without or with a wrong token, 403 for
a read token on a write and for a prefix-limited write token on another
service or on the membership API, the secrets kept out of the log and
--print-config, a short secret refused at start, the loopback rule without
tokens and its opt-in, and the CLI's --token / WKD_TOKEN.

    python3 agent_tokens_test.py -v TokensTest
"""
import json
import os
import re
import subprocess
import unittest

import agent_harness as h
from agent_test_base import AgentTestCase, main

WRITE_SECRET = "w-0123456789abcdef-write"
TEAM_SECRET = "t-0123456789abcdef-team"
READ_SECRET = "r-0123456789abcdef-read"
READ_ENV = "WKD_TEST_READ_TOKEN"


def wkd(*args, env=None, timeout=60):
    p = subprocess.run([h.WKD] + list(args), capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, env=env)
    return p.returncode, p.stdout, p.stderr


def bearer(secret):
    return {"Authorization": "Bearer " + secret}


def registration(service, instance="i-1"):
    return json.dumps({"serviceName": service, "instanceId": instance, "host": "127.0.0.1", "port": 8080})


class TokensTest(AgentTestCase):
    def setUp(self):
        super().setUp()
        os.environ[READ_ENV] = READ_SECRET
        self.write_file = self.secret_file("write.token", WRITE_SECRET + "\n")
        self.team_file = self.secret_file("team.token", TEAM_SECRET)

    def tearDown(self):
        os.environ.pop(READ_ENV, None)
        super().tearDown()

    def secret_file(self, name, text):
        path = os.path.join(self.work.path, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def tokens(self):
        return "\n".join([
            "[[agent.token]]", 'name = "ops"', 'scope = "write"', "secret_file = %s" % json.dumps(self.write_file),
            "[[agent.token]]", 'name = "team"', 'scope = "write"', "secret_file = %s" % json.dumps(self.team_file),
            'service_prefixes = ["orders-"]',
            "[[agent.token]]", 'name = "viewer"', 'scope = "read"', "secret_env = %s" % json.dumps(READ_ENV)])

    def test_scopes_and_prefixes(self):
        a = self.agent("tok-a", agent_extra=self.tokens()).start()

        # No header, a wrong token, a malformed header: 401 with the challenge.
        for headers in ({}, bearer("x-0123456789abcdef-nope"), {"Authorization": "Basic " + WRITE_SECRET}):
            status, hdrs, body = a.request("GET", "/v1/cluster/members", headers=headers)
            self.assertEqual(status, 401, (headers, body))
            self.assertEqual(hdrs.get("www-authenticate"), "Bearer")
            self.assertIn("error", json.loads(body))
        status, _, _ = a.request("GET", "/api/v1/services")
        self.assertEqual(status, 401)
        # The liveness endpoint stays open.
        status, _, _ = a.request("GET", "/v1/health")
        self.assertEqual(status, 200)

        # A read token (from the environment) reads, and may not write.
        for target in ("/v1/cluster/members", "/api/v1/services"):
            status, _, body = a.request("GET", target, headers=bearer(READ_SECRET))
            self.assertEqual(status, 200, body)
        status, _, body = a.request("POST", "/api/v1/services/register", body=registration("orders-api"),
                                    headers=bearer(READ_SECRET))
        self.assertEqual(status, 403, body)
        self.assertIn("viewer", json.loads(body)["error"])
        status, _, body = a.request("POST", "/v1/events/deploy", body=b"x", headers=bearer(READ_SECRET))
        self.assertEqual(status, 403, body)

        # The unrestricted write token (from a file, trailing newline dropped).
        status, _, body = a.request("POST", "/api/v1/services/register", body=registration("billing"),
                                    headers=bearer(WRITE_SECRET))
        self.assertEqual(status, 200, body)
        status, _, body = a.request("POST", "/v1/events/deploy", body=b"x", headers=bearer(WRITE_SECRET))
        self.assertEqual(status, 200, body)

        # The team token writes orders-* only.
        status, _, body = a.request("POST", "/api/v1/services/register", body=registration("orders-api"),
                                    headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 200, body)
        status, _, body = a.request("POST", "/api/v1/services/register", body=registration("billing", "i-2"),
                                    headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 403, body)
        self.assertIn("billing", json.loads(body)["error"])
        status, _, body = a.request("DELETE", "/api/v1/services/billing/instances/i-1", headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 403, body)
        self.assertIn("billing", json.loads(body)["error"])
        status, _, body = a.request("PUT", "/api/v1/services/billing/instances/i-1/check",
                                    body=json.dumps({"status": "passing"}), headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 403, body)
        # ... and none of the membership API's writes.
        status, _, body = a.request("POST", "/v1/events/deploy", body=b"x", headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 403, body)
        status, _, body = a.request("PUT", "/v1/cluster/leave", headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 403, body)
        # It still reads everything.
        status, _, body = a.request("GET", "/api/v1/services/billing", headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 200, body)
        status, _, body = a.request("DELETE", "/api/v1/services/orders-api/instances/i-1",
                                    headers=bearer(TEAM_SECRET))
        self.assertEqual(status, 200, body)
        # billing is still there: the refused DELETE did nothing.
        status, _, body = a.request("GET", "/api/v1/services/billing", headers=bearer(READ_SECRET))
        self.assertEqual([i["instanceId"] for i in json.loads(body)], ["i-1"])

        # Secrets never reach the log or --print-config; token names do.
        log = a.log()
        self.assertIn("HTTP API authenticated", log)
        self.assertIn("team", log)
        rc, out, err = wkd("agent", "--config", a.config_path, "--print-config")
        self.assertEqual(rc, 0, err)
        self.assertIn("secret_env = %s" % json.dumps(READ_ENV), out)
        self.assertIn("secret_file = %s" % json.dumps(self.write_file), out)
        for secret in (WRITE_SECRET, TEAM_SECRET, READ_SECRET):
            self.assertNotIn(secret, log)
            self.assertNotIn(secret, out + err)

    def test_cli_token(self):
        a = self.agent("tok-c", agent_extra=self.tokens()).start()
        env = {k: v for k, v in os.environ.items() if k != "WKD_TOKEN"}
        rc, _, err = wkd("members", "--http", a.http_addr, env=env)
        self.assertEqual(rc, 1)
        self.assertIn("401", err)
        self.assertIn("--token", err)
        rc, out, err = wkd("members", "--http", a.http_addr, "--token", READ_SECRET, env=env)
        self.assertEqual(rc, 0, err)
        self.assertIn("tok-c", out)
        rc, out, err = wkd("members", "--http", a.http_addr, env=dict(env, WKD_TOKEN=READ_SECRET))
        self.assertEqual(rc, 0, err)
        rc, _, err = wkd("event", "deploy", "--http", a.http_addr, "--token", READ_SECRET, env=env)
        self.assertEqual(rc, 1)
        self.assertIn("403", err)
        rc, _, err = wkd("event", "deploy", "--http", a.http_addr, "--token", WRITE_SECRET, env=env)
        self.assertEqual(rc, 0, err)
        for secret in (WRITE_SECRET, READ_SECRET):
            self.assertNotIn(secret, a.log())

    def test_bad_secrets_refused_at_start(self):
        short = self.secret_file("short.token", "0123456789\n")
        cases = [
            ('[[agent.token]]\nname = "s"\nscope = "read"\nsecret_file = %s' % json.dumps(short),
             "agent.token.secret_file", "token s", "at least 16"),
            ('[[agent.token]]\nname = "e"\nscope = "read"\nsecret_env = "WKD_TEST_NO_SUCH_VAR"',
             "agent.token.secret_env", "token e", "WKD_TEST_NO_SUCH_VAR is not set"),
            ('[[agent.token]]\nname = "m"\nscope = "read"\nsecret_file = %s'
             % json.dumps(os.path.join(self.work.path, "missing.token")),
             "agent.token.secret_file", "token m", "cannot read"),
            ('[[agent.token]]\nname = "b"\nscope = "read"\nsecret_env = "%s"\nsecret_file = %s'
             % (READ_ENV, json.dumps(self.write_file)), "agent.token", "token b", "exactly one"),
            ('[[agent.token]]\nname = "p"\nscope = "read"\nsecret_env = "%s"\nservice_prefixes = ["a"]' % READ_ENV,
             "agent.token", "token p", "only applies to a write token"),
            ('[[agent.token]]\nname = "x"\nscope = "admin"\nsecret_env = "%s"' % READ_ENV,
             "agent.token.scope", "", "read"),
        ]
        for body, key, who, what in cases:
            a = self.agent("tok-bad", agent_extra=body)
            rc, out, err = wkd("agent", "--config", a.config_path, timeout=30)
            self.assertEqual(rc, 2, (body, out, err))
            self.assertRegex(err, re.escape(a.config_path) + r":\d+: " + re.escape(key) + ": ", body)
            self.assertIn(who, err)
            self.assertIn(what, err)
            for secret in ("0123456789", READ_SECRET, WRITE_SECRET):
                self.assertNotIn(secret, out + err)

    def test_loopback_only_without_tokens(self):
        # Without tokens, an address that is not loopback is refused...
        a = self.agent("tok-open")
        with open(a.config_path) as f:
            text = f.read().replace('http = %s' % json.dumps(a.http_addr), 'http = "192.0.2.1:%d"' % h.HTTP_PORT)
        with open(a.config_path, "w") as f:
            f.write(text)
        rc, _, err = wkd("agent", "--config", a.config_path, timeout=30)
        self.assertEqual(rc, 2, err)
        self.assertRegex(err, re.escape(a.config_path) + r":\d+: discovery\.http: .*not a loopback address")
        self.assertIn("allow_unauthenticated_remote", err)
        rc, _, err = wkd("agent", "--config", self.agent("tok-flag").config_path, "--http", "192.0.2.1:0",
                         "--print-config", timeout=30)
        self.assertEqual(rc, 2, err)
        self.assertIn("--http", err)
        # ... unless the operator opts in; with tokens it is allowed.
        with open(a.config_path, "a") as f:
            f.write("allow_unauthenticated_remote = true\n")
        rc, out, err = wkd("agent", "--config", a.config_path, "--print-config", timeout=30)
        self.assertEqual(rc, 0, err)
        self.assertIn("allow_unauthenticated_remote = true", out)
        t = self.agent("tok-remote", agent_extra=self.tokens())
        rc, _, err = wkd("agent", "--config", t.config_path, "--http", "192.0.2.1:0", "--print-config", timeout=30)
        self.assertEqual(rc, 0, err)

        # A loopback agent without tokens says so at start.
        b = self.agent("tok-local").start()
        h.wait_for("the start-up log line", lambda: "loopback only" in b.log(), h.START_TIMEOUT)
        status, _, _ = b.request("GET", "/v1/cluster/members")
        self.assertEqual(status, 200)


if __name__ == "__main__":
    main()
