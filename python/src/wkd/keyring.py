"""A node's gossip encryption keyring (wkd/keyring.h)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Tuple

if TYPE_CHECKING:
    from . import _native

__all__ = ["Keyring", "KeyList"]


@dataclass(frozen=True)
class KeyList:
    """The installed keys, base64, primary first."""

    keys: Tuple[str, ...]
    primary: str


class Keyring:
    """The keyring of one node: ``node.keyring``.

    Keys are base64 strings of 16, 24 or 32 bytes (``serf keygen``). Only a
    node created with ``encrypt_key`` has a keyring; on another node every
    call raises :class:`wkd.StateError`.
    """

    def __init__(self, native: "_native.Node") -> None:
        self._native = native

    def install(self, key: str) -> None:
        """Adds a key, not yet primary. Installing a present key does nothing."""
        self._native.keyring_install(_key(key))

    def use(self, key: str) -> None:
        """Makes an installed key the primary one (used to send).

        Raises:
            KeyError (wkd.NotFoundError): the key is not installed.
        """
        self._native.keyring_use(_key(key))

    def remove(self, key: str) -> None:
        """Removes a key that is not the primary one.

        Raises:
            KeyError (wkd.NotFoundError): the key is not installed.
            RuntimeError (wkd.StateError): the key is the primary one.
        """
        self._native.keyring_remove(_key(key))

    def list(self) -> KeyList:
        """The installed keys."""
        keys, primary = self._native.keyring_list()
        return KeyList(keys=tuple(keys), primary=primary)


def _key(key: str) -> str:
    if not isinstance(key, str):
        raise TypeError(f"key must be a base64 str, not {type(key).__name__}")
    return key
