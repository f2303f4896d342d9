"""Keyword configuration: every C option by name, checked types and the C
library's messages for refused values."""

from __future__ import annotations

import pytest

import wkd


def test_options_by_name_are_accepted() -> None:
    with wkd.Node(
        preset="lan",
        node_name="cfg",
        bind_addr="127.0.0.1:0",
        probe_interval_ms=500,
        probe_timeout_ms=200,
        gossip_nodes=4,
        disable_tcp_pings=True,
        enable_compression=False,
        label="",
        rng_seed=7,
        log_level="off",
    ) as node:
        assert node.name == "cfg"
        assert not node.closed


def test_every_preset_and_enum_form() -> None:
    for preset in ("lan", "WAN", wkd.Preset.LOCAL):
        with wkd.Node(preset=preset, node_name="p", log_level=wkd.LogLevel.ERROR):
            pass


def test_unknown_keywords_are_a_type_error_naming_them() -> None:
    with pytest.raises(TypeError) as info:
        wkd.Node(node_name="x", probe_interval_ms=500, bogus_option=1, another_one="x")
    msg = str(info.value)
    assert "'bogus_option'" in msg and "'another_one'" in msg
    assert "probe_interval_ms" not in msg


def test_out_of_bounds_value_carries_the_c_message() -> None:
    with pytest.raises(ValueError) as info:
        wkd.Node(probe_interval_ms=-1)
    err = info.value
    assert isinstance(err, wkd.InvalidArgumentError)
    assert err.status_name == "WKD_E_INVAL"
    bounds = wkd.option_info("probe_interval_ms")
    # The C library names the option and its bounds.
    assert "probe_interval_ms" in str(err)
    assert str(bounds.min) in str(err) and str(bounds.max) in str(err)


def test_bad_bind_address_carries_the_c_message() -> None:
    with pytest.raises(ValueError) as info:
        wkd.Node(bind_addr="not an address")
    assert isinstance(info.value, wkd.InvalidArgumentError)
    assert "bind_addr" in str(info.value)
    assert "not an address" in str(info.value)


def test_bad_encrypt_key_is_refused() -> None:
    with pytest.raises(ValueError, match="encrypt_key"):
        wkd.Node(encrypt_key="c2hvcnQ=")


@pytest.mark.parametrize(
    "options",
    [
        {"probe_interval_ms": "500"},
        {"probe_interval_ms": 1.5},
        {"probe_interval_ms": True},
        {"node_name": 5},
        {"bind_addr": b"127.0.0.1:0"},
        {"disable_tcp_pings": 1},
        {"enable_compression": "yes"},
    ],
)
def test_wrong_python_types_are_type_errors(options: dict) -> None:
    (name,) = options
    with pytest.raises(TypeError, match=name):
        wkd.Node(**options)


def test_int_beyond_int64_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="gossip_nodes"):
        wkd.Node(gossip_nodes=2**80)


def test_embedded_nul_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="NUL"):
        wkd.Node(node_name="a\0b")


def test_bad_preset_and_log_level() -> None:
    with pytest.raises(ValueError, match="preset"):
        wkd.Node(preset="moon")
    with pytest.raises(TypeError, match="preset"):
        wkd.Node(preset=2)
    with pytest.raises(ValueError, match="log_level"):
        wkd.Node(log_level="loud")


def test_option_info() -> None:
    info = wkd.option_info("probe_interval_ms")
    assert info.name == "probe_interval_ms"
    assert info.type == "int"
    assert info.min <= 500 <= info.max
    assert info.description
    assert wkd.option_info("node_name").type == "str"
    assert wkd.option_info("disable_tcp_pings").type == "bool"
    with pytest.raises(KeyError):
        wkd.option_info("no_such_option")


def test_library_version() -> None:
    assert wkd.library_version() == wkd.__version__
