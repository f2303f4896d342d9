#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from the protocol captures.

    python3 tests/fuzz/make_seed_corpus.py [tests/data/captures [tests/fuzz/corpus]]

Every UDP payload of every capture becomes a `packet` seed (prefixed with
the receiver set-up byte: keyring on for the encrypted capture), every TCP
stream (one direction of a connection) a `stream` seed, and every Serf user
message found inside plaintext datagrams a `serf` seed. The long fuzz runs
grow these; `run_fuzzers.sh --minimize` keeps the corpus small.
"""
import hashlib
import os
import struct
import sys


def packets(path):
    data = open(path, "rb").read()
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4 and link == 1, f"{path}: expected little-endian Ethernet pcap"
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 14 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        proto = ip[9]
        total = struct.unpack(">H", ip[2:4])[0]
        ip = ip[:total]
        l4 = ip[ihl:]
        if proto == 17:
            sport, dport = struct.unpack(">HH", l4[:4])
            yield "udp", (sport, dport), l4[8:]
        elif proto == 6:
            sport, dport = struct.unpack(">HH", l4[:4])
            doff = (l4[12] >> 4) * 4
            yield "tcp", (sport, dport), l4[doff:]


def write(dirpath, blob):
    os.makedirs(dirpath, exist_ok=True)
    name = hashlib.sha1(blob).hexdigest()
    with open(os.path.join(dirpath, name), "wb") as fh:
        fh.write(blob)


def user_messages(payload):
    """Serf messages inside a plaintext datagram (CRC and compound unwrapped)."""
    if payload[:1] == b"\x0c" and len(payload) > 5:
        payload = payload[5:]
    parts = [payload]
    if payload[:1] == b"\x07" and len(payload) > 2:
        n = payload[1]
        lens = [struct.unpack(">H", payload[2 + 2 * i:4 + 2 * i])[0] for i in range(n)]
        pos = 2 + 2 * n
        parts = []
        for ln in lens:
            parts.append(payload[pos:pos + ln])
            pos += ln
    for p in parts:
        if p[:1] == b"\x08" and len(p) > 1:
            yield p[1:]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    captures = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data", "captures")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "corpus")
    streams = {}
    counts = {"packet": 0, "stream": 0, "serf": 0}
    for name in sorted(os.listdir(captures)):
        pcap = os.path.join(captures, name, "cap.pcap")
        if not os.path.exists(pcap):
            continue
        mode = b"\x01" if name == "enc" else b"\x00"
        for kind, ports, payload in packets(pcap):
            if not payload:
                continue
            if kind == "udp":
                write(os.path.join(out, "packet"), mode + payload)
                counts["packet"] += 1
                if name != "enc":
                    for m in user_messages(payload):
                        write(os.path.join(out, "serf"), b"\x00" + m)
                        counts["serf"] += 1
            else:
                streams.setdefault((name, ports), bytearray()).extend(payload)
    for (name, ports), data in streams.items():
        mode = b"\x01" if name == "enc" else b"\x00"
        write(os.path.join(out, "stream"), mode + b"\xff" + bytes(data))
        counts["stream"] += 1
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
