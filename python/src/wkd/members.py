"""Members of the cluster, as frozen snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, Dict, Mapping, Tuple

from . import _constants

__all__ = ["MemberState", "Health", "Member"]


class MemberState(str, Enum):
    """Membership state of a member, as Serf shows it (``wkd_member_state``)."""

    ALIVE = "alive"
    SUSPECT = "suspect"
    FAILED = "failed"
    LEFT = "left"
    LEAVING = "leaving"


class Health(str, Enum):
    """A node's own health as its application reports it (``wkd_health``)."""

    PASSING = "passing"
    WARNING = "warning"
    CRITICAL = "critical"
    UNKNOWN = "unknown"


# C value -> enum, through the names the library gives the values.
_STATES = {v: MemberState(text) for v, text in _constants.texts("wkd_member_state").items()}
_HEALTHS = {v: Health(text) for v, text in _constants.texts("wkd_health").items()}


def _state(value: int) -> MemberState:
    return _STATES[value]


def _health(value: int) -> Health:
    return _HEALTHS.get(value, Health.UNKNOWN)


@dataclass(frozen=True)
class Member:
    """One member as a node sees it (``wkd_member_info``), copied out of a
    snapshot or an event. ``tags`` holds every tag, reserved ones (``wkd``,
    ``db``, ``groups``, ...) included; it is read-only and left out of the
    hash."""

    name: str
    address: str
    port: int
    state: MemberState
    incarnation: int
    tags: Mapping[str, str] = field(hash=False)
    groups: Tuple[str, ...]
    database_type: str
    wire_protocol: str
    endpoint: str
    capabilities: Tuple[str, ...]
    health: Health
    last_seen_unix_ms: int
    wkd_version: str
    protocol: Tuple[int, int, int]  # memberlist protocol: min, max, current
    delegate: Tuple[int, int, int]  # serf protocol: min, max, current

    @property
    def addr(self) -> str:
        """The gossip address as "ip:port" ("[v6]:port" for IPv6)."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    @classmethod
    def _from_native(cls, d: Dict[str, Any]) -> "Member":
        return cls(
            name=d["name"],
            address=d["address"],
            port=d["port"],
            state=_state(d["state"]),
            incarnation=d["incarnation"],
            tags=MappingProxyType(dict(d["tags"])),
            groups=tuple(d["groups"]),
            database_type=d["database_type"],
            wire_protocol=d["wire_protocol"],
            endpoint=d["endpoint"],
            capabilities=tuple(d["capabilities"]),
            health=_health(d["health"]),
            last_seen_unix_ms=d["last_seen_unix_ms"],
            wkd_version=d["wkd_version"],
            protocol=tuple(d["protocol"]),
            delegate=tuple(d["delegate"]),
        )
