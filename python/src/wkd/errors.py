"""The exceptions of wkd.

Every failing C call becomes a :class:`WkdError` subclass chosen by its
``wkd_status``; each also subclasses the matching builtin exception, so
``except ValueError`` or ``except TimeoutError`` work as expected. The
exception message is the C library's message, and ``status`` /
``status_name`` keep the C status.
"""

from __future__ import annotations

import builtins
from typing import Dict, Tuple, Type

from . import _constants

__all__ = [
    "WkdError",
    "InvalidArgumentError",
    "OutOfMemoryError",
    "ClosedError",
    "TimeoutError",
    "NotFoundError",
    "AlreadyExistsError",
    "StateError",
    "AddressInUseError",
    "WkdIOError",
    "ProtocolError",
    "CanceledError",
    "LoopThreadError",
    "OverflowError",
    "NotSupportedError",
    "TooBigError",
    "InternalError",
]


def _status(name: str) -> Tuple[int, str]:
    # The value the library gives the status, and its name.
    return _constants.value(name), name


class WkdError(Exception):
    """Base class of every error raised by wkd.

    Attributes:
        status: the C ``wkd_status`` value (negative).
        status_name: its symbolic name, e.g. ``"WKD_E_INVAL"``.
        message: the C library's message.
    """

    status: int = _constants.value("WKD_E_INTERNAL")
    status_name: str = "WKD_E_INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    # KeyError quotes its argument in str(); keep the plain message for all.
    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status_name})"


class InvalidArgumentError(WkdError, ValueError):
    """WKD_E_INVAL: an argument or option value was refused."""

    status, status_name = _status("WKD_E_INVAL")


class OutOfMemoryError(WkdError, MemoryError):
    """WKD_E_NOMEM."""

    status, status_name = _status("WKD_E_NOMEM")


class ClosedError(WkdError, RuntimeError):
    """WKD_E_CLOSED: the node is closed."""

    status, status_name = _status("WKD_E_CLOSED")


class TimeoutError(WkdError, builtins.TimeoutError):  # noqa: A001 - mirrors the builtin on purpose
    """WKD_E_TIMEOUT: the operation did not complete in time."""

    status, status_name = _status("WKD_E_TIMEOUT")


class NotFoundError(WkdError, KeyError):
    """WKD_E_NOTFOUND."""

    status, status_name = _status("WKD_E_NOTFOUND")


class AlreadyExistsError(WkdError, ValueError):
    """WKD_E_EXISTS."""

    status, status_name = _status("WKD_E_EXISTS")


class StateError(WkdError, RuntimeError):
    """WKD_E_STATE: the operation is not valid in the current state."""

    status, status_name = _status("WKD_E_STATE")


class AddressInUseError(WkdError, OSError):
    """WKD_E_ADDRINUSE: the bind address is taken."""

    status, status_name = _status("WKD_E_ADDRINUSE")


class WkdIOError(WkdError, OSError):
    """WKD_E_IO: a socket or other I/O error."""

    status, status_name = _status("WKD_E_IO")


class ProtocolError(WkdError, RuntimeError):
    """WKD_E_PROTO: protocol error or incompatible peer."""

    status, status_name = _status("WKD_E_PROTO")


class CanceledError(WkdError, RuntimeError):
    """WKD_E_CANCELED: the watch was cancelled or its node closed."""

    status, status_name = _status("WKD_E_CANCELED")


class LoopThreadError(WkdError, RuntimeError):
    """WKD_E_LOOPTHREAD: a blocking call on the node's loop thread."""

    status, status_name = _status("WKD_E_LOOPTHREAD")


class OverflowError(WkdError, builtins.OverflowError):  # noqa: A001
    """WKD_E_OVERFLOW: an event queue overflowed."""

    status, status_name = _status("WKD_E_OVERFLOW")


class NotSupportedError(WkdError, NotImplementedError):
    """WKD_E_NOTSUP: not supported by this build or not yet implemented."""

    status, status_name = _status("WKD_E_NOTSUP")


class TooBigError(WkdError, ValueError):
    """WKD_E_TOOBIG: a value exceeds a size limit."""

    status, status_name = _status("WKD_E_TOOBIG")


class InternalError(WkdError, RuntimeError):
    """WKD_E_INTERNAL."""

    status, status_name = _status("WKD_E_INTERNAL")


_BY_STATUS: Dict[int, Type[WkdError]] = {
    cls.status: cls
    for cls in (
        InvalidArgumentError,
        OutOfMemoryError,
        ClosedError,
        TimeoutError,
        NotFoundError,
        AlreadyExistsError,
        StateError,
        AddressInUseError,
        WkdIOError,
        ProtocolError,
        CanceledError,
        LoopThreadError,
        OverflowError,
        NotSupportedError,
        TooBigError,
        InternalError,
    )
}


def _from_status(status: int, status_name: str, message: str) -> WkdError:
    """The exception for a failing C status (called by wkd._native)."""
    cls = _BY_STATUS.get(status, WkdError)
    exc = cls(message)
    if cls is WkdError:
        exc.status, exc.status_name = status, status_name
    return exc
