"""The C library's named constants, read from the loaded libwkd.

Every enum value the package passes to or gets from the C ABI (statuses,
member states, event types, watch kinds, presets, ...) comes from the
library's own table (``wkd_constant_at``, wkd/constants.h), which the
library generates from the lists its headers define the enums with; none is
retyped here. tests/test_constants.py fails when a Python enumeration no
longer matches the library's.
"""

from __future__ import annotations

from typing import Dict, Tuple

from . import _native

# (group, name, value, text) per constant, as the library lists them.
TABLE: Tuple[Tuple[str, str, int, str], ...] = tuple(_native.constants())

_BY_NAME: Dict[str, int] = {name: value for _group, name, value, _text in TABLE}


def value(name: str) -> int:
    """The value of the C constant ``name`` (``"WKD_E_TIMEOUT"``)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ImportError(f"libwkd has no constant {name}; the library is older than this package") from None


def texts(group: str) -> Dict[int, str]:
    """Value -> text (the C name function's result) of a group, e.g. ``"wkd_member_state"``."""
    return {v: text for g, _name, v, text in TABLE if g == group}


def names(group: str) -> Dict[str, int]:
    """C name -> value of a group."""
    return {name: v for g, name, v, _text in TABLE if g == group}
