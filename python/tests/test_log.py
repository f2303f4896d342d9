"""A node's log lines reach Python logging through the log queue: with the
right level and node name, and without a slow handler stalling the node."""

from __future__ import annotations

import logging
import socket
import threading
from typing import List

import pytest

import wkd
from conftest import DEADLINE, wait_until


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []
        self.records_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self.records_lock:
            self.records.append(record)

    def find(self, text: str) -> List[logging.LogRecord]:
        with self.records_lock:
            return [r for r in self.records if text in r.getMessage()]


def private_logger(name: str, handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"wkd.test.{name}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.handlers[:] = [handler]
    return logger


def send_garbage(port: int, count: int) -> None:
    """Undecodable datagrams: one DEBUG line each on the node's loop thread."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(count):
            s.sendto(b"\xfe\x00not a memberlist packet %d" % i, ("127.0.0.1", port))


def test_lines_arrive_with_level_and_node_name(make_node) -> None:
    handler = Collect()
    node = make_node("log-a", log_level="debug", logger=private_logger("levels", handler)).start()

    node.set_health("warning", "disk almost full")
    (info,) = wait_until(lambda: handler.find("health is now warning: disk almost full"), "the INFO line")
    assert info.levelno == logging.INFO
    assert info.node == "log-a"
    assert info.getMessage().startswith("[log-a] ")

    send_garbage(node.port, 1)
    debug = wait_until(lambda: handler.find("memberlist: dropped a"), "the DEBUG line")[0]
    assert debug.levelno == logging.DEBUG and debug.node == "log-a"

    # An unknown message type on a TCP stream is logged at WARN.
    with socket.create_connection(("127.0.0.1", node.port), timeout=DEADLINE) as s:
        s.sendall(b"\x63 not a stream message")
    warn = wait_until(lambda: handler.find("failed to read stream"), "the WARN line")[0]
    assert warn.levelno == logging.WARNING and warn.node == "log-a"
    assert node.log_lines_dropped == 0


def test_default_logger_is_wkd_and_level_filters(make_node) -> None:
    handler = Collect()
    root = logging.getLogger(wkd.log.LOGGER_NAME)
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        node = make_node("log-b", log_level="info").start()
        node.set_health("critical", "on fire")
        send_garbage(node.port, 3)  # DEBUG: below the node's level, never queued
        (rec,) = wait_until(lambda: handler.find("on fire"), "the INFO line on the 'wkd' logger")
        assert rec.name == "wkd" and rec.node == "log-b"
        node.set_health("passing", "fixed")
        wait_until(lambda: handler.find("fixed"), "a later line")
        assert handler.find("memberlist: dropped a") == []
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_stderr_and_off_bypass_logging(make_node, capfd) -> None:
    handler = Collect()
    root = logging.getLogger(wkd.log.LOGGER_NAME)
    root.addHandler(handler)
    try:
        loud = make_node("log-c", log_level="info", logger="stderr").start()
        quiet = make_node("log-d", log_level="off").start()
        loud.set_health("warning", "to stderr")
        quiet.set_health("warning", "to nowhere")
        assert "wkd[log-c] INFO: health is now warning: to stderr" in capfd.readouterr().err
        assert handler.records == []
    finally:
        root.removeHandler(handler)
    with pytest.raises(ValueError, match="logger"):
        wkd.Node(logger="stdout")
    with pytest.raises(TypeError, match="logger"):
        wkd.Node(logger=42)
    with pytest.raises(ValueError, match="capacity"):
        wkd.Node(log_queue_capacity=10**9)


class Blocking(Collect):
    """Holds the draining thread in its first emit until released."""

    def __init__(self) -> None:
        super().__init__()
        self.unblock = threading.Event()
        self.entered = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.entered.set()
        self.unblock.wait(DEADLINE)
        super().emit(record)


def test_blocked_handler_does_not_stall_the_node(make_node) -> None:
    handler = Blocking()
    logger = private_logger("blocking", handler)
    a = make_node("log-slow", log_level="debug", logger=logger, log_queue_capacity=8).start()
    b = make_node("log-peer").start()
    try:
        send_garbage(a.port, 200)
        assert handler.entered.wait(DEADLINE)
        wait_until(lambda: a.log_lines_dropped >= 100, "lines beyond the queue to be dropped")
        # The handler is still blocked; the node's loop must still answer.
        assert b.join([a.local_addr], timeout=DEADLINE) == 1
        wait_until(lambda: any(m.name == "log-peer" for m in a.members(states=wkd.MemberState.ALIVE)),
                   "the slow-logging node to see its peer alive")
        assert not handler.unblock.is_set()
    finally:
        handler.unblock.set()

    def reported() -> int:
        return sum(getattr(r, "wkd_dropped", 0) for r in handler.find("log lines dropped"))

    wait_until(lambda: reported() == a.log_lines_dropped, "the drop warnings to account for every dropped line")
    note = handler.find("log lines dropped")[0]
    assert note.levelno == logging.WARNING and note.node == "log-slow"
