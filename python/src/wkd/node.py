"""The node: one member of a cluster."""

from __future__ import annotations

import warnings
from typing import Any, Iterable, List, Mapping, Optional, Union

from . import _constants, _native
from ._duration import timeout_ms
from .config import LogLevel, Preset, build_config, log_level_id
from .keyring import Keyring
from .log import _forwarder_for
from .members import Health, Member, MemberState
from .events import MemberWatchEvent, UserWatchEvent
from .stats import Stats
from .watch import Watch

__all__ = ["Node"]

_STATE_BITS = {s: 1 << i for i, s in enumerate(MemberState)}
_HEALTH_IDS = {Health(text): v for v, text in _constants.texts("wkd_health").items()}

# wkd_watch_kind
_WATCH_MEMBERS = _constants.value("WKD_WATCH_MEMBERS")
_WATCH_GROUP = _constants.value("WKD_WATCH_GROUP")
_WATCH_USER_EVENTS = _constants.value("WKD_WATCH_USER_EVENTS")


def _opt_str(value: Any, what: str) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{what} must be a str or None, not {type(value).__name__}")
    return value


def _str_seq(values: Any, what: str) -> List[str]:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be an iterable of str, not a single {type(values).__name__}")
    try:
        items = list(values)
    except TypeError:
        raise TypeError(f"{what} must be an iterable of str, not {type(values).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{what} must hold str items, not {type(item).__name__}")
    return items


class Node:
    """One cluster member: a UDP socket and a TCP listener on one port, a
    loop thread running SWIM gossip (HashiCorp memberlist's wire protocol
    with Serf on top) and the whole member list, held locally.

    Keyword arguments are the C library's options by name
    (``probe_interval_ms=500``, ``bind_addr="127.0.0.1:0"``, ...; see
    :func:`wkd.option_info`) on top of a timing ``preset``; an unknown
    keyword is a :class:`TypeError` naming it, a refused value a
    :class:`ValueError` (:class:`wkd.InvalidArgumentError`) with the
    library's message.

    Logging: the node's log lines at ``log_level`` and above (default:
    warn; ``"off"`` silences the node) go to ``logger``, by default
    ``logging.getLogger("wkd")``, as records with the node's name in
    ``record.node`` (see :mod:`wkd.log`). They pass through a queue of
    ``log_queue_capacity`` lines drained by a thread of their own, so a
    slow handler never stalls the node; lines beyond it are dropped and
    counted (:attr:`log_lines_dropped`). ``logger="stderr"`` makes the
    library write them to stderr itself instead.

    A node is a context manager: leaving the block closes it (without
    leaving the cluster gracefully; call :meth:`leave` first for that).
    Closing is idempotent; any other call on a closed node raises
    :class:`wkd.ClosedError`. A node dropped without being closed is closed
    when collected, with a :class:`ResourceWarning`.
    """

    def __init__(
        self,
        *,
        preset: Union[Preset, str] = Preset.LAN,
        log_level: Optional[Union[LogLevel, str]] = None,
        logger: Any = None,
        log_queue_capacity: int = 1024,
        **options: Any,
    ) -> None:
        level = log_level_id(log_level)
        forwarder = _forwarder_for(logger, log_queue_capacity, level)
        cfg = build_config(preset, log_level, options)
        if forwarder is not None:
            forwarder.attach(cfg, level)
        self._native = _native.Node(cfg)
        self._name = self._native.name()
        self._log = forwarder
        if forwarder is not None:
            forwarder.start()

    # ---- lifetime --------------------------------------------------------

    def start(self) -> "Node":
        """Binds the sockets and starts the loop thread; returns the node.

        Raises:
            OSError (wkd.AddressInUseError, wkd.WkdIOError): binding failed.
            RuntimeError (wkd.StateError): already started.
        """
        self._native.start()
        return self

    def join(self, seeds: Union[str, Iterable[str]], timeout: Optional[float] = 5.0) -> int:
        """Joins a cluster through seeds ("host:port", "ip:port" or
        "[v6]:port"), waiting at most ``timeout`` seconds (None = no limit)
        with the GIL released. Returns how many seeds answered.

        Raises:
            TimeoutError (wkd.TimeoutError): no seed answered in time.
            OSError (wkd.WkdIOError): every seed refused or failed.
        """
        seed_list = [seeds] if isinstance(seeds, str) else _str_seq(seeds, "seeds")
        return self._native.join(seed_list, timeout_ms(timeout))

    def leave(self, timeout: Optional[float] = 5.0) -> None:
        """Leaves the cluster gracefully, so peers see this node as left
        rather than failed; waits at most ``timeout`` seconds for the
        announcement to be gossiped (GIL released). The node keeps running
        until :meth:`close`."""
        self._native.leave(timeout_ms(timeout))

    def close(self) -> None:
        """Stops the node: closes its sockets, stops its loop thread, ends
        its watches and wakes every waiter. Idempotent."""
        native = getattr(self, "_native", None)
        if native is not None:
            native.close()
        self._close_log()

    def _close_log(self) -> None:
        # After the node: its last lines are still logged, then the thread ends.
        forwarder = getattr(self, "_log", None)
        if forwarder is not None:
            forwarder.close()

    @property
    def log_lines_dropped(self) -> int:
        """Log lines dropped so far because the logger fell behind by more
        than ``log_queue_capacity`` lines (0 with ``logger="stderr"``)."""
        return self._log.dropped if self._log is not None else 0

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __enter__(self) -> "Node":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        native = getattr(self, "_native", None)
        if native is not None and not native.closed:
            warnings.warn(f"unclosed {self!r}", ResourceWarning, stacklevel=2, source=self)
            native.close()
        self._close_log()

    def __repr__(self) -> str:
        native = getattr(self, "_native", None)
        state = " closed" if native is None or native.closed else ""
        return f"<wkd.Node {getattr(self, '_name', '?')!r}{state}>"

    # ---- identity --------------------------------------------------------

    @property
    def name(self) -> str:
        """The node's name (``node_name``; default: the host name)."""
        return self._name

    @property
    def local_addr(self) -> str:
        """The bound address, "ip:port" ("[v6]:port"), once started."""
        return self._native.local_addr()[0]

    @property
    def port(self) -> int:
        """The bound port, once started (useful with port 0)."""
        return self._native.local_addr()[1]

    def register(
        self,
        *,
        database_type: Optional[str] = None,
        wire_protocol: Optional[str] = None,
        endpoint: Optional[str] = None,
        groups: Iterable[str] = (),
        capabilities: Iterable[str] = (),
        tags: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Replaces the identity this node advertises, cluster-wide and at
        once: database type, wire protocol, endpoint ("host:port"), groups
        (each ``[a-z0-9][a-z0-9._-]{0,62}``), capabilities and free tags
        (reserved keys are refused). The encoded metadata must fit in 512
        bytes (:class:`wkd.TooBigError`)."""
        tag_pairs = []
        if tags is not None:
            if not isinstance(tags, Mapping):
                raise TypeError(f"tags must be a mapping of str to str, not {type(tags).__name__}")
            for k, v in tags.items():
                if not isinstance(k, str) or not isinstance(v, str):
                    raise TypeError(f"tags must map str to str, got {type(k).__name__}: {type(v).__name__}")
                tag_pairs.append((k, v))
        self._native.register(
            _opt_str(database_type, "database_type"),
            _opt_str(wire_protocol, "wire_protocol"),
            _opt_str(endpoint, "endpoint"),
            _str_seq(groups, "groups"),
            _str_seq(capabilities, "capabilities"),
            tag_pairs,
        )

    def set_health(self, health: Union[Health, str], reason: Optional[str] = None) -> None:
        """Sets this node's own health (passing, warning or critical) and
        gossips it (tag "health")."""
        if isinstance(health, str) and not isinstance(health, Health):
            try:
                health = Health(health.lower())
            except ValueError:
                raise ValueError(f"unknown health {health!r}") from None
        if not isinstance(health, Health):
            raise TypeError(f"health must be a Health or str, not {type(health).__name__}")
        self._native.set_health(_HEALTH_IDS[health], _opt_str(reason, "reason"))

    # ---- members ---------------------------------------------------------

    def members(
        self,
        *,
        states: Union[None, MemberState, str, Iterable[Union[MemberState, str]]] = None,
        group: Optional[str] = None,
        database_type: Optional[str] = None,
        wire_protocol: Optional[str] = None,
        tag: Optional[str] = None,
        tag_value: Optional[str] = None,
    ) -> List[Member]:
        """A snapshot of the member list, this node included, ordered by
        name. Every given filter must match: ``states`` (one state or
        several), ``group``, ``database_type``, ``wire_protocol``, ``tag``
        (has this tag) and ``tag_value`` (with this value). Never waits for
        the loop."""
        if tag_value is not None and tag is None:
            raise ValueError("tag_value needs tag")
        return [
            Member._from_native(d)
            for d in self._native.members(
                _state_mask(states),
                _opt_str(group, "group"),
                _opt_str(database_type, "database_type"),
                _opt_str(wire_protocol, "wire_protocol"),
                _opt_str(tag, "tag"),
                _opt_str(tag_value, "tag_value"),
            )
        ]

    def member(self, name: str) -> Member:
        """The member called ``name``.

        Raises:
            KeyError (wkd.NotFoundError): no such member.
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        return Member._from_native(self._native.member(name))

    def stats(self) -> Stats:
        """The node's counters."""
        return Stats._from_native(self._native.stats())

    @property
    def keyring(self) -> Keyring:
        """The gossip encryption keyring (nodes created with encrypt_key)."""
        return Keyring(self._native)

    # ---- events ----------------------------------------------------------

    def watch(
        self, *, group: Optional[str] = None, initial: bool = False, queue_capacity: int = 0
    ) -> Watch[MemberWatchEvent]:
        """Watches every member, or the members of ``group``. With
        ``initial``, the watch starts with one MEMBER_JOINED event per
        current member. ``queue_capacity`` bounds the queue (0 = the node's
        ``event_queue_capacity``); a full queue drops its oldest events and
        yields an :class:`wkd.OverflowEvent`."""
        if not isinstance(initial, bool):
            raise TypeError(f"initial must be a bool, not {type(initial).__name__}")
        kind = _WATCH_MEMBERS if group is None else _WATCH_GROUP
        flags = _native.WATCH_INITIAL if initial else 0
        native = self._native.watch(kind, _opt_str(group, "group"), flags, _capacity(queue_capacity))
        return Watch(native, self, "members" if group is None else f"group {group!r}")

    def watch_user_events(self, name: Optional[str] = None, *, queue_capacity: int = 0) -> Watch[UserWatchEvent]:
        """Watches user events, all of them or those called ``name``."""
        native = self._native.watch(_WATCH_USER_EVENTS, _opt_str(name, "name"), 0, _capacity(queue_capacity))
        return Watch(native, self, "user events" if name is None else f"user events {name!r}")

    def fire_event(self, name: str, payload: Union[bytes, bytearray, memoryview, str] = b"", *,
                   coalesce: bool = False) -> None:
        """Fires a user event to every member (a Serf user event: gossiped,
        delivered once per node). A str payload is sent as UTF-8.

        Raises:
            ValueError (wkd.TooBigError): name and payload exceed the
                ``user_event_size_limit``.
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        if isinstance(payload, str):
            data = payload.encode("utf-8")
        elif isinstance(payload, (bytes, bytearray, memoryview)):
            data = bytes(payload)
        else:
            raise TypeError(f"payload must be bytes or str, not {type(payload).__name__}")
        if not isinstance(coalesce, bool):
            raise TypeError(f"coalesce must be a bool, not {type(coalesce).__name__}")
        self._native.fire_event(name, data, coalesce)


def _state_mask(states: Any) -> int:
    if states is None:
        return 0
    if isinstance(states, (MemberState, str)):
        states = (states,)
    mask = 0
    for s in states:
        if isinstance(s, str) and not isinstance(s, MemberState):
            try:
                s = MemberState(s.lower())
            except ValueError:
                raise ValueError(f"unknown member state {s!r}") from None
        if not isinstance(s, MemberState):
            raise TypeError(f"states must hold MemberState or str items, not {type(s).__name__}")
        mask |= _STATE_BITS[s]
    return mask


def _capacity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"queue_capacity must be an int, not {type(value).__name__}")
    if not 0 <= value <= 2**32 - 1:
        raise ValueError(f"queue_capacity must be in [0, 4294967295], got {value}")
    return value
