"""Node configuration: a preset plus options given by keyword.

Every option of the C ABI (``WKD_OPTION_MAP`` in wkd/config.h) is accepted
under its lower-case name, found at run time with ``wkd_option_lookup``,
so options added to the library need no change here. Values are checked
for their Python type here and for their bounds by the C library, whose
message the resulting :class:`~wkd.errors.InvalidArgumentError` carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, Mapping, Optional, Union

from . import _constants, _native

__all__ = ["Preset", "LogLevel", "OptionInfo", "option_info", "build_config", "log_level_id"]


class Preset(str, Enum):
    """Timing presets (HashiCorp memberlist's default configurations)."""

    LAN = "lan"
    WAN = "wan"
    LOCAL = "local"


_PRESET_IDS = {p: _constants.value("WKD_PRESET_" + p.name) for p in Preset}


class LogLevel(str, Enum):
    """Lowest level of the node's log lines passed to its logger."""

    DEBUG = "debug"
    INFO = "info"
    WARN = "warn"
    ERROR = "error"
    OFF = "off"


_LOG_LEVEL_IDS = {level: _constants.value("WKD_LOG_" + level.name) for level in LogLevel}

_OPTION_INT = _constants.value("WKD_OPTION_INT")
_OPTION_STR = _constants.value("WKD_OPTION_STR")
_OPTION_BOOL = _constants.value("WKD_OPTION_BOOL")
_TYPE_NAMES = {_OPTION_INT: "int", _OPTION_STR: "str", _OPTION_BOOL: "bool"}


def log_level_id(log_level: Optional[Union[LogLevel, str]]) -> int:
    """The wkd_log_level of a log_level argument; None = warn."""
    if log_level is None:
        return _LOG_LEVEL_IDS[LogLevel.WARN]
    return _LOG_LEVEL_IDS[_enum_value(LogLevel, log_level, "log_level")]


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class OptionInfo:
    """Description of one configuration option (``wkd_option_describe``)."""

    id: int
    name: str
    type: str  # "int", "str" or "bool"
    min: int
    max: int
    since: str
    description: str


def option_info(name: str) -> OptionInfo:
    """Describes the option called ``name``.

    Raises:
        KeyError (wkd.NotFoundError): no option has that name.
    """
    if not isinstance(name, str):
        raise TypeError(f"option name must be a str, not {type(name).__name__}")
    opt = _native.option_lookup(name)
    if opt is None:
        from .errors import NotFoundError

        raise NotFoundError(f"no option named {name!r}")
    d = _native.option_describe(opt)
    return OptionInfo(
        id=d["id"],
        name=d["name"],
        type=_TYPE_NAMES.get(d["type"], "unknown"),
        min=d["min"],
        max=d["max"],
        since=d["since"],
        description=d["description"],
    )


def _enum_value(enum_cls: Any, value: Any, what: str) -> Any:
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        try:
            return enum_cls(value.lower())
        except ValueError:
            choices = ", ".join(repr(m.value) for m in enum_cls)
            raise ValueError(f"unknown {what} {value!r}; expected one of {choices}") from None
    raise TypeError(f"{what} must be a str or {enum_cls.__name__}, not {type(value).__name__}")


def build_config(
    preset: Union[Preset, str],
    log_level: Optional[Union[LogLevel, str]],
    options: Mapping[str, Any],
    caller: str = "Node()",
) -> "_native.Config":
    """Builds a C configuration from a preset and keyword options.

    Raises:
        TypeError: unknown option names (all of them named), or a value of
            the wrong Python type.
        ValueError (wkd.InvalidArgumentError): a value the C library
            refuses, with its message.
    """
    p = _enum_value(Preset, preset, "preset")
    resolved: Dict[str, int] = {}
    unknown = []
    for name in options:
        opt = _native.option_lookup(name)
        if opt is None:
            unknown.append(name)
        else:
            resolved[name] = opt
    if unknown:
        names = ", ".join(repr(n) for n in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise TypeError(f"{caller} got unexpected keyword argument{plural} {names} (not wkd options)")

    cfg = _native.Config(_PRESET_IDS[p])
    if log_level is not None:
        cfg.set_log_level(_LOG_LEVEL_IDS[_enum_value(LogLevel, log_level, "log_level")])
    for name, value in options.items():
        opt = resolved[name]
        kind = _native.option_describe(opt)["type"]
        if kind == _OPTION_INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"option {name} must be an int, not {type(value).__name__}")
            if not _INT64_MIN <= value <= _INT64_MAX:
                info = option_info(name)
                raise ValueError(f"{name}: {value} is out of bounds [{info.min}, {info.max}]")
            cfg.set_int(opt, value)
        elif kind == _OPTION_STR:
            if value is not None and not isinstance(value, str):
                raise TypeError(f"option {name} must be a str or None, not {type(value).__name__}")
            cfg.set_str(opt, value)
        elif kind == _OPTION_BOOL:
            if not isinstance(value, bool):
                raise TypeError(f"option {name} must be a bool, not {type(value).__name__}")
            cfg.set_bool(opt, value)
        else:  # an option type newer than this binding
            raise TypeError(f"option {name} has a type this binding does not know")
    return cfg
