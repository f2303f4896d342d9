#!/usr/bin/env python3
"""Proves check_policy.py fails on each kind of violation and passes a clean tree."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_policy.py")
WILD = "0." + "0.0.0"          # spelled apart so this file passes the check itself
PRIV = "192." + "168.1.10"
SHARED = ".." + "/shared"       # likewise for the directory beside the checkout
NOTES = "PROTOCOL" + ".md"
CITE = "docs/wire" + ".md"      # citations checked against the tree under test, not this one
WIRE_DOC = "## 4. Datagram framing\n\n### 4.1 Compound\n\n## 11. Serf\n\n### 11.5 Status\n### 11.8 Conflicts\n"

CASES = {
    "clock": ("src/wire/x.cpp", "auto t = std::chrono::steady_clock::now();\n"),
    "rand": ("src/swim/x.cpp", "int r = rand();\n"),
    "time": ("src/serf/x.cpp", "auto t = time(nullptr);\n"),
    "random_device": ("src/common/x.cpp", "std::random_device rd;\n"),
    "thread": ("src/swim/x.cpp", "#include <thread>\n"),
    "uv": ("src/wire/x.hpp", "#include <uv.h>\n"),
    "layering": ("src/wire/x.cpp", '#include "swim/engine.hpp"\n'),
    "uv_in_runtime": ("src/runtime/x.hpp", "#include <uv.h>\n"),
    "transport_names_serf": ("src/transport/x.cpp", '#include "serf/serf.hpp"\n'),
    "core_is_pure": ("src/core/x.cpp", "auto t = std::chrono::system_clock::now();\n"),
    "wildcard": ("tests/x_test.cpp", f'const char* a = "{WILD}:7946";\n'),
    "private": ("bench/run.sh", f"ping {PRIV}\n"),
    "shared_dir_cmake": ("tests/CMakeLists.txt", f'set(D "${{PROJECT_SOURCE_DIR}}/{SHARED}")\n'),
    "shared_dir_source": ("tests/unit/x_test.cpp", f'const char* p = "{SHARED}/captures/x.pcap";\n'),
    "shared_dir_bench": ("bench/run.sh", f"cp {SHARED}/x .\n"),
    "shared_dir_script": ("tests/fuzz/seed.py", f'CAPTURES = "{SHARED}/x"\n'),
    "notes_citation": ("src/wire/x.hpp", f"// the layout ({NOTES} §4.1)\n"),
    "missing_section": ("src/wire/x.hpp", f"// the layout ({CITE} §4.7)\n"),
    "missing_wrapped": ("src/serf/x.hpp", f"// a leave ({CITE}\n// §11.5-11.9)\n"),
}


def run(tree):
    return subprocess.run([sys.executable, CHECK, tree], capture_output=True, text=True)


def main():
    failures = 0
    for name, (rel, text) in CASES.items():
        with tempfile.TemporaryDirectory() as tree:
            os.makedirs(os.path.join(tree, os.path.dirname(rel)))
            with open(os.path.join(tree, rel), "w") as fh:
                fh.write(text)
            os.makedirs(os.path.join(tree, "docs"), exist_ok=True)
            with open(os.path.join(tree, "docs", "wire.md"), "w") as fh:
                fh.write(WIRE_DOC)
            r = run(tree)
            if r.returncode == 0:
                print(f"FAIL: {name} not detected")
                failures += 1
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, "src", "wire"))
        os.makedirs(os.path.join(tree, "tests"))
        with open(os.path.join(tree, "src", "wire", "ok.cpp"), "w") as fh:
            fh.write('#include "common/bytes.hpp"\n// steady_clock in a comment is fine\nint f(wkd::Rng& r) { return r.next(); }\nLamportTime time() const { return c_; }\n')
        with open(os.path.join(tree, "tests", "netns_helper.sh"), "w") as fh:
            fh.write(f"ip addr add {PRIV}/24 dev veth0\n")
        with open(os.path.join(tree, "tests", "ok_test.cpp"), "w") as fh:
            fh.write('const char* a = "127.0.0.2:7946";\n')
        os.makedirs(os.path.join(tree, "docs"))
        with open(os.path.join(tree, "docs", "wire.md"), "w") as fh:
            fh.write(WIRE_DOC)
        with open(os.path.join(tree, "src", "wire", "cited.hpp"), "w") as fh:
            fh.write(f"// compound ({CITE} §4.1, §11.8) and status ({CITE}\n// §11.5-11.8)\n")
        r = run(tree)
        if r.returncode != 0:
            print("FAIL: clean tree rejected:\n" + r.stdout)
            failures += 1
    print(f"{len(CASES) + 1 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
