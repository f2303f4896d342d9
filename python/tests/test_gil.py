"""Blocking calls release the GIL: another Python thread keeps running
while one thread waits inside the C library."""

from __future__ import annotations

import socket
import threading
import time
from typing import Callable, List

import wkd
from conftest import DEADLINE, wait_until


def _progress_while(blocked: threading.Event, steps: int = 20) -> int:
    """Runs Python code in this thread while another is blocked; returns the
    steps done. If the blocked thread held the GIL, this never returns (the
    watchdog in conftest ends the run)."""
    done = 0
    for _ in range(steps):
        assert blocked.is_set()
        time.sleep(0.005)
        done += 1
    return done


def test_join_releases_the_gil_and_close_wakes_it(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("joiner").start()
    # A TCP listener that never accepts: the kernel completes the handshake,
    # nobody answers the push/pull, so join waits until the node is closed.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    seed = "127.0.0.1:%d" % silent.getsockname()[1]
    entered = threading.Event()
    outcome: List[BaseException] = []

    def join() -> None:
        entered.set()
        try:
            node.join([seed], timeout=None)
        except BaseException as e:  # noqa: BLE001 - recorded for the assertion
            outcome.append(e)

    t = threading.Thread(target=join)
    t.start()
    try:
        entered.wait(DEADLINE)
        assert _progress_while(entered) == 20
        assert t.is_alive()  # still inside join
    finally:
        node.close()
        t.join(DEADLINE)
        silent.close()
    assert not t.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], wkd.ClosedError), outcome


def test_watch_wait_releases_the_gil(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("waiter").start()
    watch = node.watch_user_events()
    entered = threading.Event()
    got: List[object] = []

    def wait() -> None:
        entered.set()
        # One C call waiting without limit (no time slicing in Python).
        got.append(watch._native.next_event(-1))

    t = threading.Thread(target=wait)
    t.start()
    try:
        entered.wait(DEADLINE)
        assert _progress_while(entered) == 20
        # Python code on this thread wakes the waiter.
        node.fire_event("wake", b"up")
        t.join(DEADLINE)
        assert not t.is_alive()
        assert got and got[0] is not None
    finally:
        watch.close()
        t.join(DEADLINE)


def test_public_wait_releases_the_gil(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("public").start()
    counter = [0]
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            counter[0] += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    try:
        with node.watch_user_events() as watch:
            before = counter[0]
            try:
                watch.next_event(0.5)
            except wkd.TimeoutError:
                pass
            assert counter[0] > before
    finally:
        stop.set()
        t.join(DEADLINE)
    wait_until(lambda: not t.is_alive(), "the counter thread to stop")
