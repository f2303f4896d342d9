"""The Python node program of the four-language cluster test
(tests/polyglot/README.md): one wkd node driven by a line protocol.

    python polyglot_node.py --name NAME --bind IP:PORT --lang LANG [--join IP:PORT]...

It prints one JSON object per line on stdout (ready, joined, member, user,
fired, left, error) and reads commands from stdin: ``fire NAME PAYLOAD``,
``leave``; end of input closes the node and exits 0.
"""

from __future__ import annotations

import argparse
import os
import json
import sys
import threading
import time
from typing import Any, List, NoReturn

import wkd

_out_lock = threading.Lock()


def emit(**obj: Any) -> None:
    """Writes one JSON line, whole, and flushes it."""
    line = json.dumps(obj, separators=(",", ":")) + "\n"
    with _out_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


def fail(message: str) -> NoReturn:
    """Reports a failure on the protocol and exits 1 at once (the watch
    threads may still be blocked; they are not waited for)."""
    emit(ev="error", message=message)
    os._exit(1)


def print_members(watch: wkd.Watch) -> None:
    for ev in watch:
        if isinstance(ev, wkd.MemberEvent):
            m = ev.member
            emit(
                ev="member",
                type=ev.type.value,
                name=m.name,
                state=m.state.value,
                groups=list(m.groups),
                tags=dict(m.tags),
            )


def print_user_events(watch: wkd.Watch) -> None:
    for ev in watch:
        if isinstance(ev, wkd.UserEvent):
            emit(ev="user", name=ev.name, payload=ev.payload.decode("utf-8", "replace"))


def join(node: wkd.Node, seeds: List[str]) -> int:
    """Joins the seeds, retrying every 500 ms for up to 30 s."""
    deadline = time.monotonic() + 30.0
    while True:
        try:
            return node.join(seeds, timeout=5.0)
        except (wkd.TimeoutError, wkd.WkdIOError) as e:
            if time.monotonic() >= deadline:
                raise e
            time.sleep(0.5)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", required=True)
    parser.add_argument("--bind", required=True)
    parser.add_argument("--lang", required=True)
    parser.add_argument("--join", action="append", default=[])
    args = parser.parse_args(argv)

    try:
        node = wkd.Node(preset="local", node_name=args.name, bind_addr=args.bind)

        def register(endpoint: str) -> None:
            node.register(
                database_type=args.lang,
                wire_protocol="polyglot",
                endpoint=endpoint,
                groups=["polyglot", f"lang-{args.lang}"],
                tags={"lang": args.lang},
            )

        # The endpoint is the address as given; port 0 is no endpoint, so
        # then the node registers the address it actually bound, once
        # started (and before it joins anyone).
        any_port = args.bind.endswith(":0")
        if not any_port:
            register(args.bind)
        node.start()
        if any_port:
            register(node.local_addr)
        emit(ev="ready", name=args.name, addr=node.local_addr)

        members = node.watch(initial=True)
        users = node.watch_user_events()
        threads = [
            threading.Thread(target=print_members, args=(members,), daemon=True),
            threading.Thread(target=print_user_events, args=(users,), daemon=True),
        ]
        for t in threads:
            t.start()

        if args.join:
            emit(ev="joined", n=join(node, args.join))

        for line in sys.stdin:
            words = line.rstrip("\r\n").split(" ", 2)
            if words == [""]:
                continue
            if words[0] == "fire" and len(words) >= 2:
                payload = words[2] if len(words) == 3 else ""
                node.fire_event(words[1], payload.encode("utf-8"))
                emit(ev="fired", name=words[1])
            elif words[0] == "leave" and len(words) == 1:
                node.leave(timeout=5.0)
                emit(ev="left")
                break
            else:
                fail(f"unknown command {line.strip()!r}")

        node.close()
        for t in threads:
            t.join(timeout=10.0)
        return 0
    except wkd.WkdError as e:
        fail(f"{e.status_name}: {e}")
    except Exception as e:  # noqa: BLE001 - every failure is reported on the protocol
        fail(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
