#!/usr/bin/env python3
"""The registry through `wkd agent` (CTest label `agent`): /api/v1/services
on two real agents. A registration on one is listed by the other; the
upsert, a status change, a deregistration kept for audit, a write refused on
the node that does not own the instance (409 naming the owner), and bad
input (400 naming the field, nothing registered).

    python3 agent_services_test.py -v ServicesApiTest
"""
import json

import agent_harness as h
from agent_test_base import AgentTestCase, main


def post(agent, target, body, expect=200):
    status, headers, data = agent.request("POST", target, body=json.dumps(body),
                                          headers={"Content-Type": "application/json"})
    if status != expect:
        raise AssertionError("POST %s on %s: %d %s" % (target, agent.name, status, data[:300]))
    return json.loads(data), headers


def instance(service, iid, port=9000, **extra):
    body = {"serviceName": service, "instanceId": iid, "host": "127.0.0.1", "port": port}
    body.update(extra)
    return body


class ServicesApiTest(AgentTestCase):
    def test_register_discover_change_deregister(self):
        a = self.agent("svc-a").start()
        b = self.agent("svc-b", seeds=[a.gossip]).start()
        self.wait_states(a, {"svc-b": "alive"})

        reg, _ = post(a, "/api/v1/services/register",
                      instance("orders", "o-1", version="2.1.0", tags=["primary"], metadata={"dc": "x"}, weight=50))
        self.assertEqual((reg["status"], reg["consecutiveFailures"], reg["owner"]), ("STARTING", 0, "svc-a"))
        self.assertRegex(reg["id"], r"^[0-9a-f]{8}-[0-9a-f]{4}-")
        self.assertTrue(reg["registeredAt"].endswith("Z"))

        # Every node answers for the whole registry.
        h.wait_for("svc-b lists orders", lambda: b.get_json("/api/v1/services") == ["orders"], h.JOIN_TIMEOUT)
        got = b.get_json("/api/v1/services/orders")
        self.assertEqual(len(got), 1)
        self.assertEqual((got[0]["instanceId"], got[0]["weight"], got[0]["tags"], got[0]["metadata"]),
                         ("o-1", 50, ["primary"], {"dc": "x"}))
        self.assertEqual(got[0]["id"], reg["id"])
        self.assertEqual((got[0]["owner"], got[0]["ownerState"]), ("svc-a", "alive"))
        self.assertEqual(b.get_json("/api/v1/services/orders/healthy"), [])

        # The same key again is an upsert: one instance, same id.
        again, _ = post(a, "/api/v1/services/register", instance("orders", "o-1", weight=70))
        self.assertEqual(again["id"], reg["id"])
        h.wait_for("the update reaches svc-b",
                   lambda: b.get_json("/api/v1/services/orders")[0]["weight"] == 70, h.JOIN_TIMEOUT)

        # The application's check: passing makes it HEALTHY everywhere.
        status, _, data = a.request("PUT", "/api/v1/services/orders/instances/o-1/check",
                                    body=json.dumps({"status": "passing"}))
        self.assertEqual(status, 200, data)
        h.wait_for("healthy on svc-b", lambda: len(b.get_json("/api/v1/services/orders/healthy")) == 1,
                   h.JOIN_TIMEOUT)

        # Only the owner writes: svc-b is refused, naming svc-a.
        status, _, data = b.request("DELETE", "/api/v1/services/orders/instances/o-1")
        self.assertEqual(status, 409, data)
        self.assertIn("svc-a", json.loads(data)["error"])

        # Deregistered: out of discovery, kept for audit.
        status, _, data = a.request("DELETE", "/api/v1/services/orders/instances/o-1")
        self.assertEqual(status, 200, data)
        self.assertEqual(json.loads(data)["status"], "DEREGISTERED")
        h.wait_for("svc-b drops it from discovery", lambda: b.get_json("/api/v1/services") == [], h.JOIN_TIMEOUT)
        self.assertEqual(b.get_json("/api/v1/services/orders"), [])
        audit = b.get_json("/api/v1/services/orders?includeDeregistered=true")
        self.assertEqual(audit[0]["status"], "DEREGISTERED")
        self.assertTrue(audit[0]["deregisteredAt"].endswith("Z"))

    def test_one_healthy_instance_is_selected_by_weight(self):
        a = self.agent("sel-a").start()
        b = self.agent("sel-b", seeds=[a.gossip]).start()
        self.wait_states(a, {"sel-b": "alive"})
        status, _, data = b.request("GET", "/api/v1/services/pay/instance")
        self.assertEqual(status, 404, data)
        self.assertIn("pay", json.loads(data)["error"])
        for iid, weight in (("p-1", 300), ("p-2", 100), ("p-sick", 100)):
            post(a, "/api/v1/services/register", instance("pay", iid, weight=weight))
        for iid in ("p-1", "p-2"):
            status, _, data = a.request("PUT", "/api/v1/services/pay/instances/%s/check" % iid,
                                        body=json.dumps({"status": "passing"}))
            self.assertEqual(status, 200, data)
        h.wait_for("both healthy on sel-b", lambda: len(b.get_json("/api/v1/services/pay/healthy")) == 2,
                   h.JOIN_TIMEOUT)
        seen = {}
        for _ in range(200):
            got = b.get_json("/api/v1/services/pay/instance")
            self.assertEqual((got["serviceName"], got["status"]), ("pay", "HEALTHY"))
            seen[got["instanceId"]] = seen.get(got["instanceId"], 0) + 1
        # Never the instance that is not HEALTHY; both healthy ones, the
        # heavier one more often (3:1 weights: about 150 of 200).
        self.assertEqual(set(seen), {"p-1", "p-2"})
        self.assertGreater(seen["p-1"], seen["p-2"])
        status, _, _ = b.request("POST", "/api/v1/services/pay/instance")
        self.assertEqual(status, 405)

    def test_bad_input_names_the_field_and_registers_nothing(self):
        a = self.agent("svc-c").start()
        cases = [
            ("{not json", None),
            (json.dumps(instance("Orders", "x")), "serviceName"),
            (json.dumps(instance("status", "x")), "serviceName"),
            (json.dumps(instance("orders", "x", port=0)), "port"),
            (json.dumps(instance("orders", "x", port="80")), "port"),
            (json.dumps(instance("orders", "a/b")), "instanceId"),
            (json.dumps(instance("orders", "x", weight=-1)), "weight"),
            (json.dumps(instance("orders", "x", version="1.x")), "version"),
            (json.dumps(instance("orders", "x", metadata={"k": 1})), "metadata.k"),
            (json.dumps(instance("orders", "x", colour="blue")), "colour"),
            (json.dumps({"serviceName": "orders", "host": "h", "port": 1}), "instanceId"),
        ]
        for body, field in cases:
            status, _, data = a.request("POST", "/api/v1/services/register", body=body)
            self.assertEqual(status, 400, (body, data))
            err = json.loads(data)["error"]
            if field:
                self.assertIn(field, err, body)
        too_big = instance("orders", "x", metadata={"blob": "x" * (70 * 1024)})
        status, _, data = a.request("POST", "/api/v1/services/register", body=json.dumps(too_big))
        self.assertEqual(status, 413, data)
        self.assertIn("metadata", json.loads(data)["error"])
        self.assertEqual(a.get_json("/api/v1/services/orders?includeDeregistered=true"), [])
        status, _, _ = a.request("DELETE", "/api/v1/services/orders/instances/nope")
        self.assertEqual(status, 404)
        status, _, _ = a.request("GET", "/api/v1/services/orders/bogus/path")
        self.assertEqual(status, 404)
        # A wrong method is a 405 naming the right one in Allow.
        for method, target, allow in [
            ("GET", "/api/v1/services/register", "POST"),
            ("POST", "/api/v1/services/orders/instances/x/check", "PUT"),
            ("PUT", "/api/v1/services/orders/instances/x", "DELETE"),
            ("POST", "/api/v1/services/orders", "GET"),
        ]:
            status, headers, _ = a.request(method, target, body="{}")
            self.assertEqual(status, 405, (method, target))
            self.assertEqual(headers.get("allow"), allow, (method, target))


if __name__ == "__main__":
    main()
