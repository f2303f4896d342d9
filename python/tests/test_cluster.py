"""A three-node cluster on loopback: membership, identity, filters, watches
(blocking and asyncio), user events, leave."""

from __future__ import annotations

import asyncio
from typing import Callable, List

import pytest

import wkd
from conftest import DEADLINE, wait_until


def test_members_see_identity_groups_and_tags(cluster: List[wkd.Node]) -> None:
    a, b, c = cluster
    for node in cluster:
        members = node.members()
        assert [m.name for m in members] == ["a", "b", "c"]
        by_name = {m.name: m for m in members}
        for m in members:
            assert m.state is wkd.MemberState.ALIVE
            assert m.address == "127.0.0.1"
        assert by_name["a"].groups == ("all", "primary")
        assert by_name["b"].groups == ("all", "replica")
        assert by_name["c"].database_type == "redis"
        assert by_name["c"].wire_protocol == "resp"
        assert by_name["b"].endpoint == "127.0.0.1:5433"
        assert by_name["a"].capabilities == ("read", "write")
        assert by_name["a"].tags["zone"] == "z0"
        # Reserved tags are there too, read-only.
        assert by_name["a"].tags["db"] == "postgres"
        assert by_name["a"].wkd_version == wkd.library_version()
        with pytest.raises(TypeError):
            by_name["a"].tags["zone"] = "other"  # type: ignore[index]
    assert {m.port for m in a.members()} == {a.port, b.port, c.port}
    assert a.member("b").addr == b.local_addr


def test_member_is_a_frozen_hashable_dataclass(cluster: List[wkd.Node]) -> None:
    m = cluster[0].member("a")
    with pytest.raises(AttributeError):
        m.name = "z"  # type: ignore[misc]
    assert m in {m}


def test_members_filter(cluster: List[wkd.Node]) -> None:
    a = cluster[0]
    names = lambda ms: [m.name for m in ms]  # noqa: E731
    assert names(a.members(group="replica")) == ["b", "c"]
    assert names(a.members(group="primary")) == ["a"]
    assert names(a.members(group="nobody")) == []
    assert names(a.members(database_type="postgres")) == ["a", "b"]
    assert names(a.members(wire_protocol="resp")) == ["c"]
    assert names(a.members(tag="zone")) == ["a", "b", "c"]
    assert names(a.members(tag="zone", tag_value="z1")) == ["b"]
    assert names(a.members(states="alive", group="replica", database_type="postgres")) == ["b"]
    assert names(a.members(states=[wkd.MemberState.FAILED, wkd.MemberState.LEFT])) == []
    with pytest.raises(ValueError):
        a.members(states="sleeping")
    with pytest.raises(ValueError):
        a.members(tag_value="z1")
    with pytest.raises(TypeError):
        a.members(group=3)  # type: ignore[arg-type]


def test_member_lookup_raises_key_error(cluster: List[wkd.Node]) -> None:
    with pytest.raises(KeyError) as info:
        cluster[0].member("nobody")
    assert isinstance(info.value, wkd.NotFoundError)
    assert "nobody" in str(info.value)


def test_watch_iterator_with_initial_members_and_updates(cluster: List[wkd.Node]) -> None:
    a, b, _ = cluster
    with a.watch(initial=True) as watch:
        initial = [watch.next_event(DEADLINE) for _ in range(3)]
        assert {e.type for e in initial} == {wkd.EventType.MEMBER_JOINED}
        assert sorted(e.member.name for e in initial) == ["a", "b", "c"]
        b.register(groups=["all", "replica", "extra"], tags={"zone": "moved"})
        for ev in watch:
            if ev.type is wkd.EventType.MEMBER_UPDATED and ev.member.name == "b" and "extra" in ev.member.groups:
                assert ev.member.tags["zone"] == "moved"
                break
    assert watch.closed


def test_group_watch_only_sees_its_group(cluster: List[wkd.Node]) -> None:
    a = cluster[0]
    with a.watch(group="replica", initial=True) as watch:
        seen = sorted(watch.next_event(DEADLINE).member.name for _ in range(2))
        assert seen == ["b", "c"]
        with pytest.raises(wkd.TimeoutError):
            watch.next_event(0.2)


def test_watch_timeout_is_also_the_builtin(cluster: List[wkd.Node]) -> None:
    with cluster[0].watch() as watch:
        with pytest.raises(TimeoutError):
            watch.next_event(0.1)
        assert watch.poll() is None


def test_async_for_over_a_watch(cluster: List[wkd.Node]) -> None:
    a, b, c = cluster

    async def main() -> List[str]:
        received = []
        with a.watch_user_events() as watch:
            b.fire_event("async-1", b"one")
            c.fire_event("async-2", "two")
            async for ev in watch:
                assert isinstance(ev, wkd.UserEvent)
                received.append(f"{ev.name}={ev.text()}")
                if len(received) == 2:
                    break
            # And the one-shot form, with a timeout.
            with pytest.raises(wkd.TimeoutError):
                await watch.next_event_async(0.1)
        return sorted(received)

    assert asyncio.run(asyncio.wait_for(main(), DEADLINE)) == ["async-1=one", "async-2=two"]


def test_async_for_ends_when_the_watch_is_cancelled(cluster: List[wkd.Node]) -> None:
    async def main() -> List[str]:
        names = []
        with cluster[0].watch(initial=True) as watch:
            async for ev in watch:
                names.append(ev.member.name)
                if len(names) == 3:
                    break
            # Waiting again, then cancelled from the event loop: the
            # iteration ends (the stable cluster has nothing more to say).
            asyncio.get_running_loop().call_soon(watch.cancel)
            rest = [ev async for ev in watch]
            assert all(isinstance(ev, wkd.MemberEvent) for ev in rest)
        assert watch.closed
        return sorted(names)

    assert asyncio.run(asyncio.wait_for(main(), DEADLINE)) == ["a", "b", "c"]


def test_closing_a_watch_ends_a_pending_async_for(cluster: List[wkd.Node]) -> None:
    async def main() -> None:
        watch = cluster[0].watch_user_events()
        asyncio.get_running_loop().call_later(0.05, watch.close)
        assert [ev async for ev in watch] == []
        assert watch.closed

    asyncio.run(asyncio.wait_for(main(), DEADLINE))


def test_user_events_reach_the_others(cluster: List[wkd.Node]) -> None:
    a, b, c = cluster
    watches = {n.name: n.watch_user_events() for n in (b, c)}
    named = c.watch_user_events("deploy")
    try:
        a.fire_event("other", b"x")
        a.fire_event("deploy", b"\x00\xffbinary", coalesce=False)
        for name, watch in watches.items():
            got = {}
            while len(got) < 2:
                ev = watch.next_event(DEADLINE)
                assert isinstance(ev, wkd.UserEvent) and ev.type is wkd.EventType.USER
                got[ev.name] = ev.payload
            assert got == {"other": b"x", "deploy": b"\x00\xffbinary"}, name
        ev = named.next_event(DEADLINE)
        assert ev.name == "deploy" and ev.ltime >= 1
    finally:
        for w in (*watches.values(), named):
            w.close()


def test_fire_event_checks(cluster: List[wkd.Node]) -> None:
    a = cluster[0]
    with pytest.raises(ValueError) as info:
        a.fire_event("big", b"x" * 100_000)
    assert isinstance(info.value, wkd.TooBigError)
    with pytest.raises(ValueError):
        a.fire_event("", b"x")
    with pytest.raises(TypeError):
        a.fire_event("n", 12)  # type: ignore[arg-type]


def test_register_refuses_bad_identity(cluster: List[wkd.Node]) -> None:
    a = cluster[0]
    with pytest.raises(ValueError, match="Bad Group"):
        a.register(groups=["Bad Group"])
    with pytest.raises(ValueError, match="db"):
        a.register(tags={"db": "reserved"})
    with pytest.raises(ValueError) as info:
        a.register(tags={f"k{i}": "v" * 40 for i in range(20)})
    assert isinstance(info.value, wkd.TooBigError)
    with pytest.raises(TypeError):
        a.register(groups="all")
    # The identity in force is unchanged.
    assert a.member("a").groups == ("all", "primary")


def test_set_health_is_gossiped(cluster: List[wkd.Node]) -> None:
    a, b, _ = cluster
    a.set_health("warning", reason="disk 91%")
    wait_until(lambda: b.member("a").health is wkd.Health.WARNING, "b to see a's health")
    with pytest.raises(ValueError):
        a.set_health("sleepy")


def test_stats(cluster: List[wkd.Node]) -> None:
    a = cluster[0]
    stats = wait_until(lambda: (s := a.stats()).members_alive == 2 and s, "a's stats to count two peers")
    assert stats.push_pulls >= 1 and stats.bytes_in > 0


def test_leave_is_seen_as_left(cluster: List[wkd.Node]) -> None:
    a, b, c = cluster
    with a.watch() as watch:
        c.leave(timeout=DEADLINE)
        c.close()
        for ev in watch:
            if ev.type is wkd.EventType.MEMBER_LEFT and ev.member.name == "c":
                assert ev.member.state is wkd.MemberState.LEFT
                break
    wait_until(lambda: b.member("c").state is wkd.MemberState.LEFT, "b to see c as left")
    assert [m.name for m in a.members(states="alive")] == ["a", "b"]


def test_join_failures(make_node: Callable[..., wkd.Node]) -> None:
    node = make_node("lonely").start()
    # A port nobody listens on (the node's own UDP port + TCP is itself; use
    # a closed port from a socket we bind and close).
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = "127.0.0.1:%d" % s.getsockname()[1]
    s.close()
    with pytest.raises((wkd.WkdIOError, wkd.TimeoutError)) as info:
        node.join([dead], timeout=5.0)
    assert str(info.value)
    with pytest.raises(TypeError):
        node.join([1], timeout=1.0)  # type: ignore[list-item]
    with pytest.raises(ValueError):
        node.join(dead, timeout=-2)


def test_keyring() -> None:
    key = "T9jncgl9mbLus+baTTa7q7nPSUrXwbDi2dhbtqir37s="
    other = "HvY8ubRZMgafUOWvrOadwOckVa1wN3QWAo46FVKbVN8="
    with wkd.Node(node_name="k", bind_addr="127.0.0.1:0", encrypt_key=key, log_level="off") as node:
        node.start()
        ring = node.keyring
        assert ring.list().primary == key
        ring.install(other)
        assert set(ring.list().keys) == {key, other}
        with pytest.raises(RuntimeError):
            ring.remove(key)
        ring.use(other)
        ring.remove(key)
        assert ring.list().keys == (other,)
        with pytest.raises(KeyError):
            ring.use(key)
        with pytest.raises(ValueError):
            ring.install("short")
    with wkd.Node(node_name="plain", bind_addr="127.0.0.1:0", log_level="off") as node:
        node.start()
        with pytest.raises(wkd.StateError, match="keyring"):
            node.keyring.list()
