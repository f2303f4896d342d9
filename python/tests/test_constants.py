"""The package's enumerations match the loaded library's constant table.

The values themselves are read from the library (wkd._constants); these
tests fail when the library gains, loses or renames a constant that the
Python API mirrors by hand (an exception class per status, the members of
MemberState, Health, EventType, Preset, LogLevel, the Stats fields).
"""

from __future__ import annotations

import dataclasses

import wkd
from wkd import _constants, _native
from wkd.config import _LOG_LEVEL_IDS, _PRESET_IDS
from wkd.errors import _BY_STATUS
from wkd.stats import Stats


def test_every_status_has_its_exception_class() -> None:
    statuses = _constants.names("wkd_status")
    assert statuses, "the library lists no status"
    failing = {v: name for name, v in statuses.items() if name != "WKD_OK"}
    assert {v: cls.status_name for v, cls in _BY_STATUS.items()} == failing
    for v, cls in _BY_STATUS.items():
        assert cls.status == v
        assert _native.status_name(v) == cls.status_name


def test_enums_are_the_library_names() -> None:
    assert {m.value for m in wkd.MemberState} == set(_constants.texts("wkd_member_state").values())
    assert {h.value for h in wkd.Health} == set(_constants.texts("wkd_health").values())
    assert {e.value for e in wkd.EventType} == set(_constants.texts("wkd_event_type").values())
    for v, text in _constants.texts("wkd_member_state").items():
        assert _native.member_state_name(v) == text
    for v, text in _constants.texts("wkd_event_type").items():
        assert _native.event_type_name(v) == text


def test_presets_and_log_levels_are_the_library_ones() -> None:
    assert {"WKD_PRESET_" + p.name: v for p, v in _PRESET_IDS.items()} == _constants.names("wkd_preset")
    assert {"WKD_LOG_" + lv.name: v for lv, v in _LOG_LEVEL_IDS.items()} == _constants.names("wkd_log_level")
    assert _native.WATCH_INITIAL == _constants.value("WKD_WATCH_INITIAL")


def test_stats_fields_are_the_library_list() -> None:
    library = [name for name, _kind, _help in _native.stats_fields()]
    assert library, "the library lists no stats field"
    assert [f.name for f in dataclasses.fields(Stats)] == library
    assert {kind for _name, kind, _help in _native.stats_fields()} == {"counter", "gauge"}


def test_unknown_constant_is_a_clear_error() -> None:
    try:
        _constants.value("WKD_NO_SUCH_CONSTANT")
    except ImportError as e:
        assert "WKD_NO_SUCH_CONSTANT" in str(e)
    else:  # pragma: no cover - the assertion is the point
        raise AssertionError("no error for an unknown constant")
