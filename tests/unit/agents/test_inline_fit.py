"""Inline completion's prompt parts and its parse-in-place rule (agents/programming/inline.py)."""

from __future__ import annotations

from pathlib import Path

from zc_lsp.agents.programming.inline import (
    MAX_PREFIX_CHARS,
    build_parts,
    fim_prefix,
    fit_suggestion,
    split_at,
    strip_reply,
)
from zc_lsp.core.types import DocSnapshot

PREFIX = "def add(a, b):\n    "
SUFFIX = "\n\n\ndef sub(a, b):\n    return a - b\n"


def test_a_suggestion_that_parses_is_kept_whole() -> None:
    assert fit_suggestion(PREFIX, "return a + b", SUFFIX) == "return a + b"


def test_a_broken_tail_is_cut_at_the_last_clean_line() -> None:
    assert (
        fit_suggestion(PREFIX, "total = a + b\n    return total\n    if (:", SUFFIX)
        == "total = a + b\n    return total"
    )


def test_nothing_clean_means_nothing_is_offered() -> None:
    assert fit_suggestion(PREFIX, "return (a +", SUFFIX) == ""
    assert fit_suggestion(PREFIX, "   \n", SUFFIX) == ""


def test_a_repeat_of_the_text_after_the_cursor_is_dropped() -> None:
    prefix, suffix = "print(max(1, ", "))\n"
    assert fit_suggestion(prefix, "2))", suffix) == "2"


def test_an_error_the_module_already_had_after_the_cursor_does_not_block_a_good_suggestion() -> None:
    prefix, suffix = "def add(a, b):\n    total = a + b\n    ", "\n\n\ndef later(:\n    pass\n"
    assert fit_suggestion(prefix, "return total", suffix) == "return total"
    assert fit_suggestion(prefix, "return (total +", suffix) == ""


def test_trailing_blank_lines_are_not_offered() -> None:
    assert fit_suggestion("x =", " 1\n\n", "\n") == " 1"


def test_reply_out_of_a_fence_and_without_the_repeated_line() -> None:
    assert strip_reply("Here:\n```python\nreturn a + b\n```\n", "    ") == "return a + b"
    assert strip_reply("    return a + b", "    return") == " a + b"


def test_parts_carry_imports_when_the_prefix_is_cut_and_open_files_definitions() -> None:
    body = "import math\nfrom os import path\n" + "x = 1\n" * (MAX_PREFIX_CHARS // 4) + "y = helper(math.pi"
    doc = DocSnapshot(uri="file:///ws/a.py", path=Path("/ws/a.py"), text=body + ")\n")
    line = body.count("\n")
    parts = build_parts(
        doc, line, len(body.rsplit("\n", 1)[-1]), [("b.py", "def helper(x):\n    '''Double.'''\n    return 2 * x\n")]
    )
    assert len(parts.prefix) <= MAX_PREFIX_CHARS and parts.full_prefix == body
    assert "import math" in parts.context and "def helper(x):" in parts.context
    assert parts.suffix == ")\n"
    assert fim_prefix(parts, "a.py").startswith("# Path: a.py\n# The file's imports:")


def test_split_at_counts_characters_in_lines() -> None:
    assert split_at("ab\ncd\n", 1, 1) == ("ab\nc", "d\n")
    assert split_at("ab", 5, 9) == ("ab", "")
