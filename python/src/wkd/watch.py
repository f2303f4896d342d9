"""Watches: a node's events as an iterator or an async iterator.

A watch is a pulled queue of the C library (``wkd_watch`` with no
callback), so no Python code ever runs on the node's loop thread. Blocking
waits release the GIL; ``async for`` waits on the queue's descriptor
(``wkd_watch_fd``) with ``loop.add_reader``.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, AsyncIterator, Iterator, Optional, TypeVar, cast

from . import _native
from ._duration import timeout_ms
from .errors import CanceledError, TimeoutError
from .events import Event, _from_native

if TYPE_CHECKING:
    from .node import Node

__all__ = ["Watch"]

E = TypeVar("E", bound=Event)

# Longest single wait in the C library: between slices Python runs its
# signal handlers, so Ctrl-C interrupts a blocked watch.
_SLICE_MS = 200


class Watch(Iterator[E], AsyncIterator[E]):
    """Events of one watch, created by :meth:`Node.watch` (a
    ``Watch[MemberEvent | OverflowEvent]``) or :meth:`Node.watch_user_events`
    (a ``Watch[UserEvent | OverflowEvent]``).

    Iterating (``for ev in watch`` or ``async for ev in watch``) yields
    events until the watch is cancelled or its node closed. A watch is a
    context manager; leaving the block closes it.
    """

    def __init__(self, native: "_native.Watch", node: "Node", description: str) -> None:
        self._native = native
        self._node = node  # keeps the node object alive while watched
        self._description = description
        self._async_waiters = 0
        self._close_pending = False

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<wkd.Watch {self._description} of {self._node.name!r}{state}>"

    @property
    def node(self) -> "Node":
        """The node this watch follows."""
        return self._node

    @property
    def closed(self) -> bool:
        return self._native.closed or self._close_pending

    # ---- blocking --------------------------------------------------------

    def next_event(self, timeout: Optional[float] = None) -> E:
        """Waits for the next event, at most ``timeout`` seconds (None = no
        limit), with the GIL released.

        Raises:
            wkd.TimeoutError: no event in time (also a builtin TimeoutError).
            wkd.CanceledError: the watch was cancelled or its node closed,
                and every queued event has been taken.
        """
        total = timeout_ms(timeout)
        deadline = None if total < 0 else time.monotonic() + total / 1000.0
        while True:
            if deadline is None:
                wait = _SLICE_MS
            else:
                wait = max(0, min(_SLICE_MS, int((deadline - time.monotonic()) * 1000) + 1))
            raw = self._native.next_event(wait)
            if raw is not None:
                return cast(E, _from_native(raw))
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"no event within {timeout} s")

    def poll(self) -> Optional[E]:
        """The next event if one is queued, else None; never waits."""
        raw = self._native.next_event(0)
        return None if raw is None else cast(E, _from_native(raw))

    def __iter__(self) -> "Watch[E]":
        return self

    def __next__(self) -> E:
        try:
            return self.next_event(None)
        except CanceledError:
            raise StopIteration from None

    # ---- asyncio ---------------------------------------------------------

    def fileno(self) -> int:
        """A descriptor readable while events are queued (level triggered),
        or once the watch is cancelled. Never read from nor close it."""
        return self._native.fd()

    async def next_event_async(self, timeout: Optional[float] = None) -> E:
        """Awaits the next event, at most ``timeout`` seconds (None = no
        limit), without blocking the event loop.

        Raises:
            wkd.TimeoutError, wkd.CanceledError: as :meth:`next_event`.
        """
        if timeout is None:
            return await self._next_async()
        timeout_ms(timeout)  # validates
        try:
            return await asyncio.wait_for(self._next_async(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no event within {timeout} s") from None

    def __aiter__(self) -> "Watch[E]":
        return self

    async def __anext__(self) -> E:
        try:
            return await self._next_async()
        except CanceledError:
            raise StopAsyncIteration from None

    async def _next_async(self) -> E:
        loop = asyncio.get_running_loop()
        while True:
            raw = self._native.next_event(0)
            if raw is not None:
                return cast(E, _from_native(raw))
            fd = self._native.fd()
            ready = loop.create_future()

            def on_readable() -> None:
                if not ready.done():
                    ready.set_result(None)

            self._async_waiters += 1
            loop.add_reader(fd, on_readable)
            try:
                await ready
            finally:
                loop.remove_reader(fd)
                self._async_waiters -= 1
                if self._close_pending and self._async_waiters == 0:
                    self._native.close()

    # ---- lifetime --------------------------------------------------------

    def cancel(self) -> None:
        """Stops the watch: iteration ends once the queued events are taken.
        Idempotent."""
        self._native.cancel()

    def close(self) -> None:
        """Cancels the watch and releases it. Idempotent."""
        if self._async_waiters:
            # The descriptor is still registered with an event loop: wake
            # the waiters and release the watch once they have unregistered.
            self._native.cancel()
            self._close_pending = True
        else:
            self._native.close()

    def __enter__(self) -> "Watch[E]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        native = getattr(self, "_native", None)
        if native is not None and not self._async_waiters:
            native.close()
