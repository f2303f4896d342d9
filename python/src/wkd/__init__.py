"""wkd: embeddable cluster membership (SWIM gossip with Lifeguard, HashiCorp
memberlist and Serf wire protocol), the Python binding of libwkd.

    import wkd

    with wkd.Node(node_name="a", bind_addr="127.0.0.1:0") as node:
        node.start()
        for member in node.members():
            print(member.name, member.addr, member.state)
"""

from . import _native
from .config import LogLevel, OptionInfo, Preset, option_info
from .errors import (
    AddressInUseError,
    AlreadyExistsError,
    CanceledError,
    ClosedError,
    InternalError,
    InvalidArgumentError,
    LoopThreadError,
    NotFoundError,
    NotSupportedError,
    OutOfMemoryError,
    OverflowError,
    ProtocolError,
    StateError,
    TimeoutError,
    TooBigError,
    WkdError,
    WkdIOError,
)
from .events import Event, EventType, MemberEvent, MemberWatchEvent, OverflowEvent, UserEvent, UserWatchEvent
from .keyring import Keyring, KeyList
from .members import Health, Member, MemberState
from .node import Node
from .stats import Stats
from .watch import Watch

__version__ = "0.1.0"

if _native.version_number() // 1000000 != _native.VERSION_MAJOR:  # pragma: no cover - static linking
    raise ImportError(
        f"wkd: library {_native.version_string()} does not match the ABI major version {_native.VERSION_MAJOR}"
    )


def library_version() -> str:
    """The version of libwkd inside the binding, "MAJOR.MINOR.PATCH"."""
    return _native.version_string()


__all__ = [
    "Node",
    "Watch",
    "Member",
    "MemberState",
    "Health",
    "Stats",
    "Keyring",
    "KeyList",
    "Event",
    "EventType",
    "MemberEvent",
    "UserEvent",
    "OverflowEvent",
    "MemberWatchEvent",
    "UserWatchEvent",
    "Preset",
    "LogLevel",
    "OptionInfo",
    "option_info",
    "library_version",
    "WkdError",
    "InvalidArgumentError",
    "OutOfMemoryError",
    "ClosedError",
    "TimeoutError",
    "NotFoundError",
    "AlreadyExistsError",
    "StateError",
    "AddressInUseError",
    "WkdIOError",
    "ProtocolError",
    "CanceledError",
    "LoopThreadError",
    "OverflowError",
    "NotSupportedError",
    "TooBigError",
    "InternalError",
]
