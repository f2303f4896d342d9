"""The registry under faults: six real agents in network namespaces with
instances registered through /api/v1/services (the scenario harness of
scenarios.py).

  registry_loss         20 % receive loss on every node for 120 s while
                        instances register, change status and deregister;
                        after the loss, every node's registry equals the
                        owners' records, record by record: nothing lost,
                        nothing resurrected.
  registry_owner_crash  3|3 partition; an owner SIGKILLed during it: its
                        instances are DOWN on both sides, then dropped
                        (registry_down_drop_after_ms); after healing every
                        node equals the live owners' records.
"""
import json
import random
import time

import fault_harness as fh
from scenarios import NODES, Scenario

SERVICES = ("orders", "billing")


def call(agent, method, target, body=None, tries=6):
    """An API call through the lossy network: retried on a transport error
    (a request lost with its connection), never on an HTTP answer."""
    last = None
    for _ in range(tries):
        try:
            status, _, data = agent.request(method, target, body=None if body is None else json.dumps(body),
                                            timeout=20)
            return status, (json.loads(data) if data else None)
        except OSError as e:
            last = e
            time.sleep(0.5)
    raise AssertionError("%s %s on %s: %s" % (method, target, agent.name, last))


def registry_of(agent):
    """Every record the agent holds (tombstones included), by key."""
    out = {}
    for svc in SERVICES:
        status, body = call(agent, "GET", "/api/v1/services/%s?includeDeregistered=true" % svc)
        if status != 200:
            raise AssertionError("GET %s on %s: %d %s" % (svc, agent.name, status, body))
        for rec in body:
            out[(rec["serviceName"], rec["instanceId"])] = rec
    return out


# What must agree between a node's copy and the owner's record.
FIELDS = ("id", "owner", "status", "checkStatus", "weight", "metadata", "tags", "registeredAt", "deregisteredAt")


def truth(agents):
    """The owners' own records: what each live agent holds of its own."""
    out = {}
    for a in agents:
        for key, rec in registry_of(a).items():
            if rec["owner"] == a.name:
                out[key] = rec
    return out


def differences(agent, expected):
    got = registry_of(agent)
    diffs = []
    for key, rec in expected.items():
        mine = got.get(key)
        if mine is None:
            diffs.append("%s: missing %s/%s" % (agent.name, key[0], key[1]))
            continue
        for f in FIELDS:
            if mine.get(f) != rec.get(f):
                diffs.append("%s: %s/%s %s=%r, owner has %r" % (agent.name, key[0], key[1], f, mine.get(f), rec.get(f)))
    for key in got:
        if key not in expected:
            diffs.append("%s: holds %s/%s that no live owner has (%s)" % (agent.name, key[0], key[1],
                                                                          got[key]["status"]))
    return diffs


def wait_equal(rec, what, agents, expected_fn, limit):
    """Waits until every agent equals the expectation; returns seconds."""
    t0 = time.monotonic()
    last = []
    while time.monotonic() - t0 < limit:
        expected = expected_fn()
        last = [d for a in agents for d in differences(a, expected)]
        if not last:
            return round(time.monotonic() - t0, 1)
        time.sleep(1)
    rec.figure(what + " (differences left)", last[:30])
    raise AssertionError("%s: %d differences after %d s, first: %s" % (what, len(last), limit, last[:5]))


class RegistryLoss(Scenario):
    description = "20 % loss for 120 s while 300 instances register, change status and deregister"
    tag = "h"
    WINDOW, RECOVER, PER_NODE = 120, 90, 50

    def run(self):
        rng = random.Random(19)
        ops = []
        for i, a in enumerate(self.agents):
            for k in range(self.PER_NODE):
                ops.append(("register", a, SERVICES[k % 2], "n%d-%d" % (i, k)))
        rng.shuffle(ops)
        registered = []
        counts = {"register": 0, "check": 0, "deregister": 0, "failed_calls": 0}
        for i in range(NODES):
            self.lab.set_loss(i, 20)
        t0 = time.monotonic()
        step = self.WINDOW / (len(ops) * 1.6)
        while time.monotonic() - t0 < self.WINDOW:
            if ops:
                kind, a, svc, iid = ops.pop()
                body = {"serviceName": svc, "instanceId": iid, "host": a.ip, "port": 8000 + len(ops),
                        "metadata": {"owner-index": str(a.index)}, "tags": ["loss"]}
                status, _ = call(a, "POST", "/api/v1/services/register", body)
                counts["register" if status == 200 else "failed_calls"] += 1
                registered.append((a, svc, iid))
            elif registered:
                a, svc, iid = registered[rng.randrange(len(registered))]
                if rng.random() < 0.2:
                    status, _ = call(a, "DELETE", "/api/v1/services/%s/instances/%s" % (svc, iid))
                    registered.remove((a, svc, iid))
                    counts["deregister" if status == 200 else "failed_calls"] += 1
                else:
                    state = rng.choice(["passing", "warning", "critical"])
                    status, _ = call(a, "PUT", "/api/v1/services/%s/instances/%s/check" % (svc, iid),
                                     {"status": state})
                    counts["check" if status == 200 else "failed_calls"] += 1
            time.sleep(step)
        self.lift()
        t1 = time.monotonic()
        self.rec.figure("operations", counts)
        self.rec.check(counts["failed_calls"] == 0, "every API call on an owner succeeded", None, counts)
        self.rec.within("whole after the loss is lifted", self.RECOVER, lambda: self.obs.wait_whole(t1, self.RECOVER))
        expected = truth(self.agents)
        self.rec.figure("records", len(expected))
        self.rec.check(len(expected) == NODES * self.PER_NODE, "the owners hold every instance registered", None,
                       len(expected))
        self.rec.within("every node's registry equals the owners', record by record", self.RECOVER,
                        lambda: wait_equal(self.rec, "registry", self.agents, lambda: truth(self.agents),
                                           self.RECOVER))


class RegistryOwnerCrash(Scenario):
    description = "3|3 partition, an owner SIGKILLed during it: its instances DOWN on both sides, then dropped"
    tag = "i"
    DROP_S = 20
    extra = "registry_down_drop_after_ms = %d" % (DROP_S * 1000)
    PER_NODE, WINDOW, LIMIT = 10, 90, 60

    def run(self):
        refused = []
        for i, a in enumerate(self.agents):
            for k in range(self.PER_NODE):
                body = {"serviceName": SERVICES[k % 2], "instanceId": "n%d-%d" % (i, k), "host": a.ip, "port": 9000 + k}
                status, data = call(a, "POST", "/api/v1/services/register", body)
                if status != 200:
                    refused.append(("n%d-%d" % (i, k), status, data))
        self.rec.check(not refused, "every agent registered its %d instances" % self.PER_NODE, None,
                       refused[:5] or NODES * self.PER_NODE)
        self.rec.within("registry converged", self.LIMIT,
                        lambda: wait_equal(self.rec, "registry", self.agents, lambda: truth(self.agents), self.LIMIT))
        for i in range(NODES):
            self.lab.block(i, [j for j in range(NODES) if (j < 3) != (i < 3)])
        t0 = time.monotonic()
        victim = self.agents[1]
        time.sleep(5)
        victim.proc.kill()
        victim.proc.wait(timeout=10)
        live = [a for a in self.agents if a is not victim]
        mine = {("orders" if k % 2 == 0 else "billing", "n1-%d" % k) for k in range(self.PER_NODE)}

        # Each side declares n1 failed at its own time (side B when the cut
        # hides it, side A after the kill), and drops its instances
        # DROP_S later: every node must be seen showing them DOWN, not all
        # at the same moment.
        seen_down = set()

        def victim_down():
            while time.monotonic() - t0 < self.LIMIT:
                for a in live:
                    v = registry_of(a)
                    if all(v.get(key, {}).get("status") == "DOWN" for key in mine):
                        seen_down.add(a.name)
                if len(seen_down) == len(live):
                    return round(time.monotonic() - t0, 1)
                time.sleep(0.5)
            raise AssertionError("n1's instances never seen DOWN on %s" % sorted(set(a.name for a in live) - seen_down))
        self.rec.within("the killed owner's instances are DOWN on both sides", self.LIMIT, victim_down)

        def victim_dropped():
            while time.monotonic() - t0 < self.LIMIT + self.DROP_S:
                if all(not (mine & set(registry_of(a))) for a in live):
                    return round(time.monotonic() - t0, 1)
                time.sleep(0.5)
            raise AssertionError("n1's instances not dropped everywhere")
        self.rec.within("then dropped on both sides", self.LIMIT + self.DROP_S, victim_dropped)
        remaining = self.WINDOW - (time.monotonic() - t0)
        if remaining > 0:
            self.hold(remaining)
        self.lift([i for i in range(NODES) if i != 1])
        t1 = time.monotonic()
        names = [a.name for a in live]

        def live_whole():
            while time.monotonic() - t1 < self.LIMIT:
                try:
                    if all(all(a.states().get(n) == "alive" for n in names) for a in live):
                        return round(time.monotonic() - t1, 1)
                except OSError:
                    pass
                time.sleep(0.5)
            raise AssertionError("the live agents do not all see each other alive")
        self.rec.within("the live nodes see each other alive after healing", self.LIMIT, live_whole)
        self.rec.within("every live node equals the live owners' records; n1's stay dropped", self.LIMIT,
                        lambda: wait_equal(self.rec, "registry after healing", live, lambda: truth(live), self.LIMIT))


SCENARIOS = {"registry_loss": RegistryLoss, "registry_owner_crash": RegistryOwnerCrash}
