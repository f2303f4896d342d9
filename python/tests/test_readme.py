"""The quick start of python/README.md runs as written."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def first_python_block(text: str) -> str:
    match = re.search(r"^```python\n(.*?)^```", text, re.S | re.M)
    assert match, "README.md has no ```python block"
    return match.group(1)


def test_quick_start_runs() -> None:
    code = first_python_block(README.read_text(encoding="utf-8"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    lines = out.getvalue().splitlines()
    assert lines[0] == "member-joined db-1 127.0.0.1:5432"
    assert lines[1] == "event deploy b'v2'"
    assert lines[2].startswith("db-1 127.0.0.1:") and "postgres" in lines[2]
