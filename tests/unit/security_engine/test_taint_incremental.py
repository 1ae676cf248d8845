"""The incremental taint analysis of an edited document equals the full analysis, edit after edit.

Differential: random chains of edits (characters and lines inserted and deleted, inside functions,
at their boundaries, in the gaps between statements, imports at the top, syntax broken and fixed)
on real modules; after each one the incremental result (findings, spans, messages, paths, verdicts,
problems) must be exactly the full analysis of the same text.
"""

from __future__ import annotations

import random
import re
import sysconfig
from pathlib import Path

import pytest

from zc_lsp.agents.engines.taint import _STATES, scan_taint, scan_taint_incremental, taint_is_quick
from zc_lsp.agents.engines.taint.incremental import advance

STDLIB = Path(sysconfig.get_paths()["stdlib"])
HERE = Path(__file__).parent
# Modules with no source of untrusted data (where edits are moved) and corpus files with sources.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
LEAN = ["textwrap.py", "fractions.py", "ipaddress.py", "colorsys.py", "_pydecimal.py"]
CORPUS = sorted((HERE / "corpus").glob("*.py"))[::12] + sorted((HERE / "redteam").rglob("*.py"))[::15]

TOKENS = [
    "x", "1", "(", ")", ":", " ", "    ", "# note", "'", '"', "md5(", "open(", "input(", "eval(", "self.",
    "argv", "global", "y = 2", ")", "]", "\\", '"""', "lambda: 0", "yield", "return", "await ",
]  # fmt: skip
LINES = [
    "", "    ", "# a comment", "    # argv in a comment", "import os9", "import json", "from zzz import q", "import random",
    "from os import system", "import flask", "    y = 2", "        return 0", "def g():", "    pass", "@staticmethod",
    "class K:", "    global y", "    hashlib.md5(b'x')", "x = 1", "    def inner(self):", "import sys",
]  # fmt: skip


def _key(report):
    findings = [(f.code, f.span, f.message, f.data.get("cwe"), repr(f.data.get("related"))) for f in report.findings]
    return findings, sorted(report.verdicts.items()), report.problem, report.problem_line


def _def_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n")) if line.lstrip().startswith("def ")]


def _edit(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    op = rng.random()
    defs = _def_lines(text)
    if op < 0.45 and defs:  # typing inside or right after a function
        at = min(rng.choice(defs) + rng.randrange(0, 12), len(lines) - 1)
        line = lines[at]
        col = rng.randrange(len(line) + 1)
        how = rng.random()
        if how < 0.2:
            lines[at] = line[:col] + line[col + rng.randrange(1, 6) :]
        elif how < 0.4:
            lines.insert(at + 1, " " * (len(line) - len(line.lstrip())) + rng.choice(LINES).strip())
        elif how < 0.7:  # a name grows or shrinks: the text usually still parses
            names = [m.end() for m in re.finditer(r"[A-Za-z_]\w*", line)]
            end = rng.choice(names) if names else len(line)
            lines[at] = line[:end] + rng.choice(["x", "_1", "", "  "]) + line[end:]
        else:
            lines[at] = line[:col] + rng.choice(TOKENS) + line[col:]
        return "\n".join(lines)
    if op < 0.5:  # a whole line somewhere, imports at the top most often
        at = 0 if rng.random() < 0.4 else rng.randrange(len(lines) + 1)
        lines.insert(at, rng.choice(LINES))
        return "\n".join(lines)
    if op < 0.6:
        del lines[rng.randrange(len(lines))]
        return "\n".join(lines)
    if op < 0.67:
        at = rng.randrange(len(lines))
        lines.insert(at, lines[at])
        return "\n".join(lines)
    pos = rng.randrange(len(text) + 1)
    if op < 0.85:
        return text[:pos] + rng.choice(TOKENS + ["\n", "\n\n", "\n    "]) + text[pos:]
    return text[:pos] + text[pos + rng.randrange(1, 30) :]


def _chain(path: Path, steps: int, seed: int) -> int:
    """Edits `path` `steps` times; returns how many edits the incremental analysis moved."""
    rng = random.Random(seed)
    original = path.read_text(encoding="utf-8")
    text = original
    doc = f"file:///{path.name}?{seed}"
    moved = 0
    good = original
    for step in range(steps):
        if rng.random() < 0.05:
            text = original  # the user undoes everything
        elif text is not good and rng.random() < 0.6:
            text = good  # the syntax error is fixed again
        text = _edit(text, rng)
        state = _STATES.get(doc)
        moved += state is not None and state.text != text and advance(state, text) is not None
        incremental = scan_taint_incremental(text, doc, path.name)
        full = scan_taint(text, path.name)
        assert _key(incremental) == _key(full), f"{path.name}, seed {seed}, edit {step}"
        if full.problem is None:
            good = text
    return moved


@pytest.mark.parametrize("name", LEAN)
def test_incremental_equals_full_analysis_on_lean_modules(name: str) -> None:
    steps = 30 if name == "_pydecimal.py" else 100  # a longer soak of the same chains found nothing more
    moved = sum(_chain(STDLIB / name, steps, seed) for seed in range(2 if name == "_pydecimal.py" else 3))
    assert moved > 0  # the incremental path was taken, not only the fallback


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_incremental_equals_full_analysis_on_modules_with_sources(path: Path) -> None:
    _chain(path, 25, 7)


def _typing(text: str, line: int, chars: str) -> str:
    lines = text.split("\n")
    lines[line] += chars
    return "\n".join(lines)


def test_typing_in_a_function_without_sinks_is_moved_not_analysed() -> None:
    text = (STDLIB / "_pydecimal.py").read_text(encoding="utf-8")
    doc = "file:///typing.py"
    scan_taint_incremental(text, doc, "typing.py")
    target = next(n for n in _def_lines(text) if "def _round_down" in text.split("\n")[n]) + 1
    edited = _typing(text, target, "  ")
    assert taint_is_quick(edited, "typing.py", doc)
    assert _key(scan_taint_incremental(edited, doc, "typing.py")) == _key(scan_taint(edited, "typing.py"))


def test_import_of_an_unused_name_at_the_top_is_moved_and_one_in_use_is_not() -> None:
    text = (STDLIB / "fractions.py").read_text(encoding="utf-8")
    doc = "file:///imports.py"
    scan_taint_incremental(text, doc, "imports.py")
    state = _STATES.get(doc)
    assert state is not None
    assert advance(state, "import os2\n" + text) is not None
    assert advance(state, "import math\n" + text) is None  # `math` is used below: lookups change
    assert advance(state, "import flask\n" + text) is None  # a web framework brings sources
    assert advance(state, "# reads sys.argv\n" + text) is None  # the module is no longer lean


def test_a_function_that_starts_calling_a_sink_is_analysed_in_full() -> None:
    source = "import hashlib\n\n\ndef digest(data):\n    return len(data)\n\n\ndef other():\n    return 1\n"
    doc = "file:///sink.py"
    scan_taint_incremental(source, doc, "sink.py")
    edited = source.replace("return len(data)", "return hashlib.md5(data).hexdigest()")
    state = _STATES.get(doc)
    assert state is not None and advance(state, edited) is None
    assert _key(scan_taint_incremental(edited, doc, "sink.py")) == _key(scan_taint(edited, "sink.py"))
