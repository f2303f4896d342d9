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
        outcome = getattr(self, "_outcome", None)
        failed = outcome is not None and not getattr(outcome, "success", True)
        for a in self.agents:
            if failed:
                sys.stderr.write("---- log of %s ----\n%s\n" % (a.name, a.log()[-6000:]))
            a.kill()
        self.work.cleanup(passed=not failed)

    def wait_states(self, observer, expected, timeout=h.JOIN_TIMEOUT):
        """Waits until observer sees every name in expected in that state."""
        def check():
            s = observer.states()
            return all(s.get(n) == st for n, st in expected.items())
        h.wait_for("%s to see %s" % (observer.name, expected), check, timeout)


def main():
    try:
        unittest.main(verbosity=2)
    finally:
        h.kill_all()
