"""Closing, using a closed node, context managers, start errors."""

from __future__ import annotations

import threading
from typing import Callable

import pytest

import wkd
from conftest import DEADLINE


def test_close_twice_and_use_after_close(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("c").start()
    node.close()
    node.close()
    assert node.closed
    for call in (
        node.start,
        lambda: node.members(),
        lambda: node.member("c"),
        lambda: node.join(["127.0.0.1:1"]),
        lambda: node.leave(),
        lambda: node.fire_event("e"),
        lambda: node.register(groups=["g"]),
        lambda: node.watch(),
        lambda: node.stats(),
        lambda: node.local_addr,
        lambda: node.keyring.list(),
    ):
        with pytest.raises(wkd.ClosedError) as info:
            call()
        assert isinstance(info.value, RuntimeError)
        assert "closed" in str(info.value)
    assert node.name == "c"
    assert "closed" in repr(node)


def test_context_manager_closes(make_node: Callable[..., wkd.Node]) -> None:
    with make_node("ctx") as node:
        assert node.start() is node
        assert node.port > 0
        assert node.local_addr == f"127.0.0.1:{node.port}"
    assert node.closed
    with pytest.raises(RuntimeError):
        with make_node("ctx2") as node2:
            raise RuntimeError("body failed")
    assert node2.closed


def test_start_twice_and_addr_before_start(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("s")
    with pytest.raises(wkd.StateError):
        node.local_addr
    node.start()
    with pytest.raises(RuntimeError) as info:
        node.start()
    assert isinstance(info.value, wkd.StateError)


def test_address_in_use(make_node: Callable[..., wkd.Node]) -> None:
    first = make_node("first").start()
    second = make_node("second", bind_addr=first.local_addr)
    with pytest.raises(OSError) as info:
        second.start()
    assert isinstance(info.value, wkd.AddressInUseError)
    assert str(first.port) in str(info.value)


def test_close_ends_watches(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("w").start()
    watch = node.watch(initial=True)
    events = []
    t = threading.Thread(target=lambda: events.extend(watch))
    t.start()
    node.close()
    t.join(DEADLINE)
    assert not t.is_alive()
    # The initial event of the node itself may or may not have been queued
    # before the close; nothing else can be.
    assert all(e.member.name == "w" for e in events)
    assert list(watch) == []
    watch.close()
    watch.close()
    with pytest.raises(wkd.CanceledError):
        watch.next_event(0)


def test_close_wakes_a_blocked_watch_wait(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("b").start()
    watch = node.watch()
    result = []

    def wait() -> None:
        try:
            watch.next_event(None)
        except wkd.CanceledError as e:
            result.append(e)

    t = threading.Thread(target=wait)
    t.start()
    watch.cancel()
    t.join(DEADLINE)
    assert not t.is_alive() and len(result) == 1


def test_watch_argument_checks(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("args")
    with pytest.raises(TypeError):
        node.watch(initial=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        node.watch(queue_capacity=-1)
    with pytest.raises(TypeError):
        node.watch_user_events(5)  # type: ignore[arg-type]
    with node.watch() as w:
        with pytest.raises(TypeError):
            w.next_event("soon")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            w.next_event(-1)


def test_overflow_event(make_node: Callable[..., wkd.Node]) -> None:
    a = make_node("o1").start()
    with a.watch_user_events(queue_capacity=2) as watch:
        for i in range(10):
            a.fire_event("burst", str(i))
        # A node receives its own user events; a queue of two overflows.
        while not isinstance(watch.next_event(DEADLINE), wkd.OverflowEvent):
            pass
