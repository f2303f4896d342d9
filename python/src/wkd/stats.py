"""A node's counters (``wkd_stats``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Dict

__all__ = ["Stats"]


@dataclass(frozen=True)
class Stats:
    """Counters of a node, as its loop published them after its latest step."""

    packets_in: int
    packets_out: int
    bytes_in: int
    bytes_out: int
    streams_in: int
    streams_out: int
    drops_total: int
    drops_malformed: int
    drops_decrypt: int
    drops_checksum: int
    drops_label: int
    drops_unknown_type: int
    drops_oversized: int
    drops_queue_full: int
    drops_socket: int
    probes: int
    probe_failures: int
    indirect_probes: int
    suspicions: int
    refutations: int
    push_pulls: int
    gossip_messages: int
    members_alive: int  # other members alive or leaving (this node not counted)
    members_suspect: int
    members_failed: int
    members_left: int
    health_score: int  # Lifeguard local health awareness, 0 = healthy
    incarnation: int

    @classmethod
    def _from_native(cls, d: Dict[str, Any]) -> "Stats":
        return cls(**{f.name: d[f.name] for f in fields(cls)})
