"""The base class of the agent tests: a scratch directory per test and
every agent killed when the test ends, pass or fail."""
import sys
import unittest

import agent_harness as h


class AgentTestCase(unittest.TestCase):
    def setUp(self):
        h.ADDRESSES.reset()
        self.work = h.Workdir(self.id())
        self.agents = []

    def agent(self, name, **kw):
        a = h.Agent(self.work.path, name, **kw)
        self.agents.append(a)
        return a

    def tearDown(self):
        failed = self._failed()
        for a in self.agents:
            if failed:
                sys.stderr.write("---- log of %s ----\n%s\n" % (a.name, a.log()[-6000:]))
            a.kill()
        self.work.cleanup(passed=not failed)

    def _failed(self):
        """Whether this test has failed so far (its agents' logs are then printed)."""
        outcome = getattr(self, "_outcome", None)
        if outcome is None:
            return False
        if not getattr(outcome, "success", True):
            return True
        result = getattr(outcome, "result", None)
        for _, problems in ((None, getattr(result, "failures", [])), (None, getattr(result, "errors", []))):
            if any(test is self for test, _ in problems):
                return True
        return False

    def wait_states(self, observer, expected, timeout=h.JOIN_TIMEOUT):
        """Waits until observer sees every name in expected in that state."""
        seen = {}

        def check():
            s = observer.states()
            seen.clear()
            seen.update({n: s.get(n) for n in expected})
            return all(s.get(n) == st for n, st in expected.items())
        try:
            h.wait_for("%s to see %s" % (observer.name, expected), check, timeout)
        except AssertionError as e:
            raise AssertionError("%s; it saw %s" % (e, seen)) from None


def main():
    try:
        unittest.main(verbosity=2)
    finally:
        h.kill_all()
