"""Routing a node's log lines to :mod:`logging`.

The C library never calls Python from its loop thread. Each node puts its
log lines into a bounded queue of its own (``wkd_log_queue_t``): the loop
thread copies a line in and returns at once, and a daemon thread of this
module takes the lines out (with the GIL released while it waits) and
hands them to a :class:`logging.Logger`. A slow handler therefore delays
only that thread; when it falls behind by more than the queue's capacity,
the newest lines are dropped and counted, and a WARNING record says how
many.

Each record is logged as ``"[%s] %s" % (node, line)`` with ``extra`` set
to ``{"node": <node name>}`` (and ``"wkd_dropped": n`` on the drop
warnings), so formatters and filters can use ``%(node)s``.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import time
import traceback
from typing import Any, Dict, Optional

from . import _native
from .errors import CanceledError

__all__ = ["LOGGER_NAME"]

#: The logger a node uses unless it is given one.
LOGGER_NAME = "wkd"

# wkd_log_level -> logging level
_LEVELS = {0: logging.DEBUG, 1: logging.INFO, 2: logging.WARNING, 3: logging.ERROR}

# Draining threads still running, with their queues. At exit every queue
# is closed and its thread joined, so that no thread is inside the library
# (where it releases the GIL) while the interpreter finalises.
_running: Dict[threading.Thread, "_native.LogQueue"] = {}
_running_lock = threading.Lock()


class _LogForwarder:
    """One node's log queue and the thread that drains it into a logger."""

    def __init__(self, logger: Any, capacity: int) -> None:
        self._queue = _native.LogQueue(capacity)
        self._thread = threading.Thread(
            target=_drain, args=(self._queue, logger), name="wkd-log", daemon=True
        )

    def attach(self, cfg: "_native.Config", level: int) -> None:
        cfg.set_log_queue(level, self._queue)

    def start(self) -> None:
        with _running_lock:
            _running[self._thread] = self._queue
        self._thread.start()

    def close(self) -> None:
        """Closes the queue: the thread logs what is left, then ends. Does
        not wait, so a blocked handler cannot hold up Node.close()."""
        self._queue.close()

    @property
    def dropped(self) -> int:
        return self._queue.dropped()


def _drain(queue: "_native.LogQueue", logger: Any) -> None:
    try:
        _forward(queue, logger)
    finally:
        with _running_lock:
            _running.pop(threading.current_thread(), None)


def _forward(queue: "_native.LogQueue", logger: Any) -> None:
    while not sys.is_finalizing():
        try:
            entry = queue.next(-1)
        except CanceledError:
            return
        if entry is None:
            continue
        level, node, message, dropped = entry
        try:
            if dropped:
                logger.log(
                    logging.WARNING,
                    "[%s] %d log lines dropped: the log handler fell behind",
                    node,
                    dropped,
                    extra={"node": node, "wkd_dropped": dropped},
                )
            if message is not None:
                logger.log(_LEVELS.get(level, logging.WARNING), "[%s] %s", node, message, extra={"node": node})
        except Exception:  # a failing logger must not end the forwarding
            if logging.raiseExceptions:  # reported as logging reports a failing handler
                traceback.print_exc(file=sys.stderr)


# wkd_log_level of "off"; WKD_LOG_QUEUE_MAX_CAPACITY
_LOG_OFF = 4
_MAX_CAPACITY = 1048576


def _forwarder_for(logger: Optional[Any], capacity: int, level: int) -> Optional[_LogForwarder]:
    """The forwarder for Node(logger=...): None means the "wkd" logger, the
    string "stderr" the library's own stderr writer. No forwarder either for
    stderr or for a silenced node."""
    if isinstance(logger, str):
        if logger != "stderr":
            raise ValueError(f"logger must be a logging.Logger, None or 'stderr', not {logger!r}")
        return None
    if logger is None:
        logger = logging.getLogger(LOGGER_NAME)
    elif not callable(getattr(logger, "log", None)):
        raise TypeError(f"logger must be a logging.Logger, None or 'stderr', not {type(logger).__name__}")
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise TypeError(f"log_queue_capacity must be an int, not {type(capacity).__name__}")
    if not 1 <= capacity <= _MAX_CAPACITY:
        raise ValueError(f"log_queue_capacity {capacity} is outside [1, {_MAX_CAPACITY}]")
    if level == _LOG_OFF:
        return None
    return _LogForwarder(logger, capacity)


@atexit.register
def _close_all() -> None:
    # Runs before logging's own exit handler: the last lines still reach it.
    with _running_lock:
        running = list(_running.items())
    for _, queue in running:
        queue.close()
    deadline = time.monotonic() + 2.0
    for thread, _ in running:
        thread.join(max(0.0, deadline - time.monotonic()))
