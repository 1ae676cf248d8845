"""Defensive parsing of model output: take what we asked for, ignore the rest, execute nothing.

Models wrap code in chatter ("Sure! Here is..."), forget or truncate fences, and return JSON
inside prose. These helpers only slice text and, for Python, call `ast.parse` (which compiles
to a tree, never runs code).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

MAX_OUTPUT_CHARS = 1_000_000  # larger replies are cut: nothing useful is that long
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+#.\-]*)[^\n]*$", re.M)
_CHATTER_START = re.compile(
    r"^(?:sure|certainly|of course|okay|ok|absolutely|great|here(?:'s| is| are)|below is|the following"
    r"|i(?:'ve| have) (?:written|updated|implemented|refactored))\b[^\n]*\n+", re.I)
_CHATTER_END = re.compile(
    r"\n+(?:let me know|i hope|hope this|feel free|this (?:code|implementation|version) "
    r"|note:|explanation:)[\s\S]*$", re.I)


@dataclass(frozen=True)
class CodeBlock:
    language: str
    code: str
    closed: bool  # False when the reply ended inside the block (truncated output)


def _cap(text: str) -> str:
    return text[:MAX_OUTPUT_CHARS] if len(text) > MAX_OUTPUT_CHARS else text


def code_blocks(text: str) -> list[CodeBlock]:
    """Every fenced block (``` or ~~~), including an unterminated last one."""
    text = _cap(text)
    blocks: list[CodeBlock] = []
    pos = 0
    while (m := _FENCE_OPEN.search(text, pos)) is not None:
        fence = m.group("fence")
        start = m.end() + 1
        close = re.compile(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        end = close.search(text, start)
        body = text[start:end.start()] if end else text[start:]
        blocks.append(CodeBlock(m.group("lang").lower(), body.rstrip("\n"), end is not None))
        if end is None:
            break
        pos = end.end()
    return blocks


def strip_chatter(text: str) -> str:
    """Drop a polite opening line and a closing "let me know" paragraph around the answer."""
    out = _CHATTER_START.sub("", _cap(text).strip(), count=1)
    return _CHATTER_END.sub("", out).strip()


def python_parses(code: str) -> tuple[bool, str]:
    """Whether `code` is valid Python, and the syntax error if not. Parsing never executes code."""
    try:
        ast.parse(code)
    except SyntaxError as exc:
        return False, f"line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        return False, str(exc)
    return True, ""


_LANG_ALIASES = {"python": {"python", "py", "python3", ""}}


def extract_code(text: str, language: str = "python") -> str | None:
    """The code the model meant: the best fenced block in `language`, or the bare reply if it is code.

    Prefers closed blocks of the right language, then the longest one; a bare reply is accepted
    only when it parses (Python) so chatter never becomes an edit. None when nothing usable.
    """
    wanted = _LANG_ALIASES.get(language, {language, ""})
    blocks = [b for b in code_blocks(text) if b.code.strip()]
    matching = [b for b in blocks if b.language in wanted] or [b for b in blocks if not b.language]
    if matching:
        best = max(matching, key=lambda b: (b.closed, len(b.code)))
        return best.code.strip("\n")
    if blocks:
        return None  # only other-language blocks: not what we asked for
    bare = strip_chatter(text)
    if not bare:
        return None
    if language == "python":
        return bare if python_parses(bare)[0] else None
    return bare


def extract_json(text: str) -> Any | None:
    """The first JSON object or array in the reply (fenced or inline), else None."""
    text = _cap(text)
    candidates = [b.code for b in code_blocks(text) if b.language in ("json", "")] + [text]
    decoder = json.JSONDecoder()
    for cand in candidates:
        for m in re.finditer(r"[\[{]", cand):
            try:
                value, _ = decoder.raw_decode(cand, m.start())
            except ValueError:
                continue
            if isinstance(value, (dict, list)):
                return value
    return None
