#!/usr/bin/env python3
"""The dynamic symbol table of libwkd.so is exactly the C ABI.

Every exported symbol starts with wkd_, and the set equals
tests/abi/exported_symbols.txt: a symbol that disappears breaks the ABI; a
new one must be added to the list on purpose (run with --update).
"""
import os
import subprocess
import sys


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in ("T", "D", "B", "R", "W", "V", "i"):
            syms.add(parts[2].split("@")[0])
    return syms


def main():
    lib, listing = sys.argv[1], sys.argv[2]
    syms = exported(lib)
    if "--update" in sys.argv:
        with open(listing, "w") as fh:
            fh.write("\n".join(sorted(syms)) + "\n")
        print(f"wrote {len(syms)} symbols to {listing}")
        return 0
    with open(listing) as fh:
        expected = {l.strip() for l in fh if l.strip() and not l.startswith("#")}
    bad = sorted(s for s in syms if not s.startswith("wkd_"))
    missing = sorted(expected - syms)
    extra = sorted(syms - expected)
    for s in bad:
        print(f"exported symbol outside the C ABI: {s}")
    for s in missing:
        print(f"ABI break: {s} is no longer exported")
    for s in extra:
        print(f"new export not in {os.path.basename(listing)}: {s} (add it with --update)")
    print(f"abi: {len(syms)} exported, {len(bad)} foreign, {len(missing)} missing, {len(extra)} unlisted")
    return 1 if bad or missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
