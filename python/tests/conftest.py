"""Shared helpers: nodes on loopback port 0 and deadline-bounded waits."""

from __future__ import annotations

import faulthandler
import sys
import time
from typing import Callable, Iterator, List, TypeVar

import pytest

import wkd

T = TypeVar("T")

# Every wait in the tests is bounded by this deadline (seconds). It is a
# failure bound, never a speed requirement.
DEADLINE = 30.0


def wait_until(predicate: Callable[[], T], what: str, timeout: float = DEADLINE) -> T:
    """Polls predicate until it returns a true value, or fails the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def new_node(name: str, **options: object) -> wkd.Node:
    options.setdefault("preset", "local")
    options.setdefault("log_level", "error")
    options.setdefault("bind_addr", "127.0.0.1:0")
    return wkd.Node(node_name=name, **options)


@pytest.fixture
def make_node() -> Iterator[Callable[..., wkd.Node]]:
    """Creates nodes that are closed at the end of the test."""
    nodes: List[wkd.Node] = []

    def make(name: str, **options: object) -> wkd.Node:
        node = new_node(name, **options)
        nodes.append(node)
        return node

    yield make
    for node in nodes:
        node.close()


@pytest.fixture
def cluster(make_node: Callable[..., wkd.Node]) -> List[wkd.Node]:
    """Three started nodes, a, b and c, registered with groups and tags,
    b and c joined through a, each seeing all three alive."""
    nodes = [make_node(n) for n in ("a", "b", "c")]
    for i, node in enumerate(nodes):
        node.register(
            database_type="postgres" if i < 2 else "redis",
            wire_protocol="pgwire" if i < 2 else "resp",
            endpoint=f"127.0.0.1:{5432 + i}",
            groups=["all", "primary" if i == 0 else "replica"],
            capabilities=["read"] if i else ["read", "write"],
            tags={"zone": f"z{i}"},
        )
        node.start()
    seed = nodes[0].local_addr
    for node in nodes[1:]:
        assert node.join([seed], timeout=DEADLINE) == 1
    for node in nodes:
        wait_until(
            lambda node=node: len(node.members(states=wkd.MemberState.ALIVE, group="all")) == 3,
            f"{node.name} to see three registered members alive",
        )
    return nodes


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """Kills a hung test run (a deadlock would never return) with a
    traceback of every thread; runs without the GIL."""
    faulthandler.dump_traceback_later(120, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()
