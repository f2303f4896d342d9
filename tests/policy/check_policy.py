#!/usr/bin/env python3
"""Source policy checks run by CTest.

1. The pure layers (src/common, src/wire, src/swim and any later pure layer)
   read no clock, draw no randomness, start no thread, open no socket and
   never include <uv.h>. Time, I/O and randomness are injected.
2. The layering of src/: a layer includes only itself and the layers below
   it, so a #include is the same arrow as a CMake target link.
3. Tests, examples, benchmarks and scripts never bind the wildcard address
   and never name a private-range IPv4 address, except inside a
   network-namespace helper (a file whose name contains "netns").
4. The repository is whole on its own: no source, test, benchmark, script,
   CMake file or document names the team directory beside the checkout
   (one level up), its protocol notes or its capture directory; the wire facts
   live in docs/wire.md and the captures in tests/data/captures. Every
   `docs/wire.md §N` citation names a section that docs/wire.md has.

Prints one line per violation (file:line: rule: text) and exits 1 if any.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))

PURE_LAYERS = ["common", "wire", "swim", "serf", "registry", "health", "core"]

# Layer -> layers it may include (itself always allowed).
ALLOWED_INCLUDES = {
    "common": set(),
    "wire": {"common"},
    "swim": {"common", "wire"},
    "serf": {"common", "wire", "swim"},
    "registry": {"common", "wire", "swim", "serf"},
    "health": {"common", "wire", "swim", "serf", "registry"},
    # The pure core composes serf and the parts beside it.
    "core": {"common", "wire", "swim", "serf", "registry", "health"},
    # The I/O driver drives a swim::Machine and never names what is above.
    "transport": {"common", "wire", "swim"},
    "config": {"common", "wire", "swim", "serf", "registry", "health", "core"},
    "runtime": {"common", "wire", "swim", "serf", "registry", "health", "core", "transport", "config"},
    "capi": {"common", "wire", "swim", "serf", "registry", "health", "core", "transport", "config", "runtime"},
    "agent": {"common", "wire", "swim", "serf", "registry", "health", "core", "transport", "config", "runtime", "capi"},
}

# Layers of libwkd besides transport: none of them includes <uv.h> (the
# pure ones are checked with the rules below; these are not pure).
NO_UV_LAYERS = ["config", "runtime", "capi"]
UV_INCLUDE = re.compile(r"#\s*include\s*[<\"]uv\.h[>\"]")

FORBIDDEN_IN_PURE = [
    (re.compile(r"\b(steady_clock|system_clock|high_resolution_clock)\b"), "clock read"),
    (re.compile(r"\b(clock_gettime|gettimeofday|timespec_get)\s*\("), "clock read"),
    (re.compile(r"(?<![\w.>])(std::|::)?time\s*\(\s*(nullptr|NULL|0)\s*\)"), "clock read"),
    (re.compile(r"(?<![\w.:>])s?rand(om)?\s*\("), "random source"),
    (re.compile(r"\brandom_device\b|\bgetrandom\s*\(|/dev/u?random"), "random source"),
    (re.compile(r"#\s*include\s*<(thread|mutex|condition_variable|future|shared_mutex|pthread\.h)>"), "thread"),
    (re.compile(r"\bstd::(thread|jthread|mutex|async)\b|\bpthread_\w+\s*\("), "thread"),
    (re.compile(r"#\s*include\s*[<\"]uv\.h[>\"]"), "<uv.h> outside transport"),
    (re.compile(r"#\s*include\s*<(sys/socket\.h|netinet/in\.h|arpa/inet\.h|netdb\.h)>"), "socket"),
    (re.compile(r"\b(socket|sendto|recvfrom|bind|connect)\s*\(\s*(AF_|PF_|fd|sock)"), "socket"),
]

SOURCE_EXT = (".c", ".cc", ".cpp", ".h", ".hpp", ".inc", ".def")
SCRIPT_EXT = SOURCE_EXT + (".py", ".sh", ".go", ".java", ".toml", ".cmake", ".txt", ".json", ".yaml", ".yml")

WILDCARD = re.compile(r"(?<![\d.])0\.0\.0\.0(?![\d.])|\[::\](?::\d+)?(?!\d)|\bINADDR_ANY\b|\bin6addr_any\b")
PRIVATE = re.compile(
    r"(?<![\d.])(10\.\d{1,3}\.\d{1,3}\.\d{1,3}|172\.(1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3})(?![\d.])")


def files_under(*parts, exts):
    base = os.path.join(ROOT, *parts)
    if not os.path.isdir(base):
        return
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not d.startswith("build") and d not in ("corpus", "work", "node_modules", "target", "__pycache__")]
        for f in filenames:
            if f.endswith(exts) or (exts is SCRIPT_EXT and "." not in f):
                yield os.path.join(dirpath, f)


# Rule 4: what a fresh clone does not have. Spelled apart so that the
# patterns do not match this file's own text when it is read as data.
OUTSIDE_REFS = re.compile(r"\.\./" + r"shared\b|/work/" + r"shared\b|\bPROTOCOL" + r"\.md\b|protocol-" + r"captures|WKD_SHARED" + r"_DIR")
WHOLE_TOPS = ("src", "include", "tests", "bench", "examples", "fuzz", "cmake", ".ci", "scripts", "docs",
              "python", "go", "java", "pkgconfig")
WHOLE_TOP_FILES = ("CMakeLists.txt", "README.md", "BENCHMARKS.md")
DOC_EXT = SCRIPT_EXT + (".md", ".in", ".xml", ".cfg", ".ini")
CITATION = re.compile(r"docs/wire\.md((?:\s*(?:,|and)?\s*§\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?)+)")
SECTION_HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)?)\.?\s", re.M)


def whole_repo_files():
    for top in WHOLE_TOPS:
        yield from files_under(top, exts=DOC_EXT)
    for name in WHOLE_TOP_FILES:
        path = os.path.join(ROOT, name)
        if os.path.isfile(path):
            yield path


def wire_doc_sections():
    path = os.path.join(ROOT, "docs", "wire.md")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as fh:
        return set(SECTION_HEADING.findall(fh.read()))


def check_whole_repo(violations, self_path):
    sections = wire_doc_sections()
    for path in whole_repo_files():
        if os.path.abspath(path) == self_path or "/fuzz/corpus" in path:
            continue
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except FileNotFoundError:
            continue
        rel = os.path.relpath(path, ROOT)
        for n, raw in enumerate(text.splitlines(), 1):
            if OUTSIDE_REFS.search(raw):
                violations.append(f"{rel}:{n}: names a file outside the repository: {raw.strip()}")
        # A citation may wrap onto the next comment line.
        joined = re.sub(r"\n\s*(//+|#+|\*)?\s*", " ", text)
        for m in CITATION.finditer(joined):
            for ref in re.findall(r"§(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", m.group(1)):
                for sec in filter(None, ref):
                    if sections is None or sec not in sections:
                        violations.append(f"{rel}: cites docs/wire.md §{sec}, which docs/wire.md does not have")


def strip_comments(line):
    # Good enough for C/C++ line comments; block comments are rare in code lines.
    return line.split("//", 1)[0]


def main():
    violations = []
    self_path = os.path.abspath(__file__)

    for layer in PURE_LAYERS:
        for path in files_under("src", layer, exts=SOURCE_EXT):
            with open(path, encoding="utf-8", errors="replace") as fh:
                in_block = False
                for n, raw in enumerate(fh, 1):
                    line = raw
                    if in_block:
                        if "*/" in line:
                            line = line.split("*/", 1)[1]
                            in_block = False
                        else:
                            continue
                    if "/*" in line and "*/" not in line.split("/*", 1)[1]:
                        line = line.split("/*", 1)[0]
                        in_block = True
                    line = strip_comments(line)
                    for rx, rule in FORBIDDEN_IN_PURE:
                        if rx.search(line):
                            violations.append(f"{os.path.relpath(path, ROOT)}:{n}: pure layer, {rule}: {raw.strip()}")

    for layer in NO_UV_LAYERS:
        for path in files_under("src", layer, exts=SOURCE_EXT):
            with open(path, encoding="utf-8", errors="replace") as fh:
                for n, raw in enumerate(fh, 1):
                    if UV_INCLUDE.search(strip_comments(raw)):
                        violations.append(f"{os.path.relpath(path, ROOT)}:{n}: <uv.h> outside transport: {raw.strip()}")

    include_rx = re.compile(r'#\s*include\s*"([a-z_]+)/')
    for layer, allowed in ALLOWED_INCLUDES.items():
        for path in files_under("src", layer, exts=SOURCE_EXT):
            with open(path, encoding="utf-8", errors="replace") as fh:
                for n, raw in enumerate(fh, 1):
                    m = include_rx.search(raw)
                    if m and m.group(1) != layer and m.group(1) in ALLOWED_INCLUDES and m.group(1) not in allowed:
                        violations.append(f"{os.path.relpath(path, ROOT)}:{n}: layering, {layer} may not include {m.group(1)}/: {raw.strip()}")

    for top in ("tests", "examples", "bench", ".ci", "scripts", "python/tests", "go", "java/src/test"):
        for path in files_under(top, exts=SCRIPT_EXT):
            if os.path.abspath(path) == self_path or "netns" in os.path.basename(path):
                continue
            if "/fuzz/corpus" in path or path.endswith((".pcap",)):
                continue
            try:
                fh = open(path, encoding="utf-8", errors="replace")
            except FileNotFoundError:  # removed while we walked (a fuzzer's scratch file)
                continue
            with fh:
                for n, raw in enumerate(fh, 1):
                    if WILDCARD.search(raw):
                        violations.append(f"{os.path.relpath(path, ROOT)}:{n}: wildcard bind address: {raw.strip()}")
                    if PRIVATE.search(raw):
                        violations.append(f"{os.path.relpath(path, ROOT)}:{n}: private-range address outside a netns helper: {raw.strip()}")

    check_whole_repo(violations, self_path)

    for v in violations:
        print(v)
    print(f"policy: {len(violations)} violation(s)")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
