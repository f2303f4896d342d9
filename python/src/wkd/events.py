"""Events delivered by watches."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Tuple, Union

from . import _constants
from .members import Member

__all__ = ["EventType", "MemberEvent", "UserEvent", "OverflowEvent", "Event", "MemberWatchEvent", "UserWatchEvent"]


class EventType(str, Enum):
    """Kind of an event (``wkd_event_type``; values are ``wkd_event_type_name``)."""

    MEMBER_JOINED = "member-joined"  # a member appeared or came back alive
    MEMBER_UPDATED = "member-updated"  # its identity, tags or health changed
    MEMBER_SUSPECT = "member-suspect"  # it missed probes
    MEMBER_FAILED = "member-failed"  # declared failed
    MEMBER_LEFT = "member-left"  # left gracefully
    MEMBER_REAPED = "member-reaped"  # forgotten after the reconnect or tombstone timeout
    USER = "user"  # a user event
    OVERFLOW = "overflow"  # the watch's queue dropped events; take a fresh snapshot
    # Service instances (the C API's service watches, which this package does not offer yet).
    INSTANCE_REGISTERED = "instance-registered"
    INSTANCE_UPDATED = "instance-updated"
    INSTANCE_STATUS = "instance-status"
    INSTANCE_DEREGISTERED = "instance-deregistered"
    INSTANCE_REMOVED = "instance-removed"
    INSTANCE_MOVED = "instance-moved"


# C value -> enum, through the names the library gives the values.
_TYPES = {v: EventType(text) for v, text in _constants.texts("wkd_event_type").items()}


@dataclass(frozen=True)
class MemberEvent:
    """A change of one member; ``member`` is the member after the change."""

    type: EventType
    member: Member


@dataclass(frozen=True)
class UserEvent:
    """A user event (``Node.fire_event`` here, ``serf event`` elsewhere)."""

    name: str
    payload: bytes
    ltime: int  # Serf Lamport time of the event
    type: EventType = field(default=EventType.USER, init=False)

    def text(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The payload decoded as text."""
        return self.payload.decode(encoding, errors)


@dataclass(frozen=True)
class OverflowEvent:
    """The watch's queue was full and dropped its oldest events: resynchronise
    from ``Node.members()``."""

    type: EventType = field(default=EventType.OVERFLOW, init=False)


Event = Union[MemberEvent, UserEvent, OverflowEvent]
# What each kind of watch yields.
MemberWatchEvent = Union[MemberEvent, OverflowEvent]
UserWatchEvent = Union[UserEvent, OverflowEvent]


def _from_native(raw: Tuple[int, Any]) -> Event:
    kind, detail = raw
    t = _TYPES[kind]
    if t is EventType.USER:
        name, payload, ltime = detail
        return UserEvent(name=name, payload=payload, ltime=ltime)
    if t is EventType.OVERFLOW:
        return OverflowEvent()
    return MemberEvent(type=t, member=Member._from_native(detail))
