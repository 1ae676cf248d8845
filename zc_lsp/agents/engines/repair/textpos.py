"""Small helpers over source text that may not parse: lines, code ends, edits at a position."""

from __future__ import annotations

import io
import keyword
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A whole-text proposal; the engine keeps the first one that verifies best."""

    text: str
    kind: str  # syntax | indentation | import | typo | lint
    message: str
    line: int  # 1-based anchor of the defect (its scope is found from here)
    code: str = ""
    allow_head: bool = False  # may insert lines in the import head (imports only)


def split_lines(text: str) -> list[str]:
    """Lines with their endings, so joining gives the text back exactly."""
    return text.splitlines(keepends=True)


def code_end(line: str) -> int:
    """Column where the code of one physical line ends (before a trailing comment and newline)."""
    body = line.rstrip("\r\n")
    quote: str | None = None
    i = 0
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if body.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif ch in "\"'":
            quote = body[i : i + 3] if body[i : i + 3] in ('"""', "'''") else ch
            i += len(quote)
            continue
        elif ch == "#":
            return len(body[:i].rstrip())
        i += 1
    return len(body.rstrip())


def insert_at(text: str, line: int, col: int, new: str, length: int = 0) -> str:
    """Replace `length` characters at 1-based `line`, 0-based `col` with `new`."""
    lines = split_lines(text)
    if line - 1 >= len(lines):
        lines.append("")
    cur = lines[line - 1]
    lines[line - 1] = cur[:col] + new + cur[col + length :]
    return "".join(lines)


def leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def lex(snippet: str) -> list[tokenize.TokenInfo]:
    """Tokens of a fragment, best effort: stops quietly where the fragment stops making sense."""
    out: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(snippet).readline):
            out.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # a fragment ends mid-expression by design; the tokens so far are what we need
    return out


_OPERAND_WORDS = {"True", "False", "None"}
_STARTS = {"not", "lambda", "await"}


def ends_operand(tok: tokenize.TokenInfo) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in _OPERAND_WORDS
    return tok.type in (tokenize.NUMBER, tokenize.STRING) or tok.string in (")", "]", "}")


def starts_operand(tok: tokenize.TokenInfo) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in _OPERAND_WORDS | _STARTS
    return tok.type in (tokenize.NUMBER, tokenize.STRING) or tok.string in ("{", "[", "(")
