"""Timeouts: seconds in Python, int32 milliseconds in the C ABI."""

from __future__ import annotations

import math
from typing import Optional

_INT32_MAX = 2**31 - 1


def timeout_ms(timeout: Optional[float], what: str = "timeout") -> int:
    """Converts a timeout in seconds (None = no limit) to the C ABI's
    milliseconds (-1 = no limit), rounding up so a short positive timeout
    still waits. Timeouts beyond the int32 range are clamped to it."""
    if timeout is None:
        return -1
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"{what} must be a number of seconds or None, not {type(timeout).__name__}")
    if math.isnan(timeout) or timeout < 0:
        raise ValueError(f"{what} must be >= 0 seconds or None, got {timeout!r}")
    if math.isinf(timeout):
        return -1
    return min(_INT32_MAX, math.ceil(timeout * 1000))
