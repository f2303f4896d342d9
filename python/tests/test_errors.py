"""The exception hierarchy mirrors wkd_status and the builtins."""

from __future__ import annotations

import builtins

import pytest

import wkd
from wkd import _native
from wkd.errors import _BY_STATUS, _from_status

EXPECTED = {
    -1: ("WKD_E_INVAL", wkd.InvalidArgumentError, ValueError),
    -2: ("WKD_E_NOMEM", wkd.OutOfMemoryError, MemoryError),
    -3: ("WKD_E_CLOSED", wkd.ClosedError, RuntimeError),
    -4: ("WKD_E_TIMEOUT", wkd.TimeoutError, builtins.TimeoutError),
    -5: ("WKD_E_NOTFOUND", wkd.NotFoundError, KeyError),
    -6: ("WKD_E_EXISTS", wkd.AlreadyExistsError, ValueError),
    -7: ("WKD_E_STATE", wkd.StateError, RuntimeError),
    -8: ("WKD_E_ADDRINUSE", wkd.AddressInUseError, OSError),
    -9: ("WKD_E_IO", wkd.WkdIOError, OSError),
    -10: ("WKD_E_PROTO", wkd.ProtocolError, RuntimeError),
    -11: ("WKD_E_CANCELED", wkd.CanceledError, RuntimeError),
    -12: ("WKD_E_LOOPTHREAD", wkd.LoopThreadError, RuntimeError),
    -13: ("WKD_E_OVERFLOW", wkd.OverflowError, builtins.OverflowError),
    -14: ("WKD_E_NOTSUP", wkd.NotSupportedError, NotImplementedError),
    -15: ("WKD_E_TOOBIG", wkd.TooBigError, ValueError),
    -99: ("WKD_E_INTERNAL", wkd.InternalError, RuntimeError),
}


@pytest.mark.parametrize("status", sorted(EXPECTED))
def test_each_status_maps_to_its_class(status: int) -> None:
    name, cls, builtin = EXPECTED[status]
    assert _native.status_name(status) == name
    assert cls.status == status and cls.status_name == name
    err = _from_status(status, name, "the message")
    assert type(err) is cls
    assert isinstance(err, wkd.WkdError) and isinstance(err, builtin)
    assert str(err) == "the message" and err.message == "the message"


def test_every_class_is_covered() -> None:
    assert set(_BY_STATUS) == set(EXPECTED)


def test_unknown_status_keeps_its_code() -> None:
    err = _from_status(-42, "WKD_E_UNKNOWN", "future status")
    assert type(err) is wkd.WkdError
    assert err.status == -42 and err.status_name == "WKD_E_UNKNOWN"


def test_enum_values_are_the_c_names() -> None:
    assert [_native.member_state_name(i) for i in range(5)] == [s.value for s in wkd.MemberState]
    assert [_native.health_name(i) for i in range(4)] == [h.value for h in wkd.Health]
    assert [_native.event_type_name(i) for i in range(len(wkd.EventType))] == [t.value for t in wkd.EventType]
