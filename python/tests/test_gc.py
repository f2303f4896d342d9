"""Nodes dropped without close: collected without a crash, each with a
ResourceWarning, and every descriptor returned."""

from __future__ import annotations

import gc
import os
import warnings

import wkd


def _fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_thousand_unclosed_nodes_warn_and_release_descriptors() -> None:
    # libuv opens a few process-wide descriptors on first use; start and
    # close one node so they exist before the baseline is taken.
    with wkd.Node(node_name="warmup", bind_addr="127.0.0.1:0", log_level="off") as warm:
        warm.start()
        warm.watch().close()
    gc.collect()
    baseline = _fd_count()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nodes = [wkd.Node(node_name=f"n{i}", bind_addr="127.0.0.1:0", log_level="off") for i in range(1000)]
        started = nodes[:25]
        for node in started:
            node.start()
        watches = [node.watch(initial=True) for node in started[:10]]
        assert _fd_count() > baseline  # real sockets and eventfds
        del node, started, watches, nodes
        gc.collect()

    resource = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert len(resource) == 1000
    assert all("unclosed <wkd.Node" in str(w.message) for w in resource)
    assert _fd_count() == baseline


def test_closed_nodes_do_not_warn() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        node = wkd.Node(node_name="quiet", log_level="off")
        node.close()
        del node
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_failed_construction_does_not_warn() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            wkd.Node(probe_interval_ms=-1)
        except ValueError:
            pass
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
