"""Missing commas that still parse: `["red", "green"\n "blue"]` is two items, not three.

Python joins adjacent string literals, so a list of strings that lost a comma parses and silently
merges two items. Only the unambiguous shapes are repaired: a list, tuple or set of strings, all
on one line or one item per line, where exactly one item is made of several strings (each on its
own line in the second shape) and none but the last ends in whitespace (a long message split on
purpose usually does).
"""

from __future__ import annotations

import ast
import tokenize

from zc_lsp.agents.engines.repair.textpos import Candidate, insert_at, lex, split_lines


def _string_tokens(lines: list[str], node: ast.expr) -> list[tokenize.TokenInfo]:
    first, last = node.lineno, node.end_lineno or node.lineno
    chunk = "".join(lines[first - 1 : last])
    return [t for t in lex(chunk) if t.type == tokenize.STRING]


def _string_tokens_in(lines: list[str], node: ast.expr) -> list[tokenize.TokenInfo]:
    """The string tokens of `node` itself (a one-line literal holds its siblings on the same line)."""
    toks = _string_tokens(lines, node)
    first = node.lineno
    return [
        t
        for t in toks
        if (first + t.start[0] - 1, _char(lines, first + t.start[0] - 1, t.start[1]))
        >= (node.lineno, _char(lines, node.lineno, node.col_offset, utf8=True))
        and (first + t.end[0] - 1, _char(lines, first + t.end[0] - 1, t.end[1]))
        <= (node.end_lineno or first, _char(lines, node.end_lineno or first, node.end_col_offset or 0, utf8=True))
    ]


def _char(lines: list[str], row: int, col: int, utf8: bool = False) -> int:
    """Character column (ast gives UTF-8 byte offsets, tokenize characters)."""
    if not utf8:
        return col
    return len(lines[row - 1].encode("utf-8")[:col].decode("utf-8", "replace"))


def merged_items(text: str) -> list[Candidate]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    lines = split_lines(text)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.List, ast.Tuple, ast.Set)) or len(node.elts) < 2:
            continue
        if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            continue
        one_line = node.lineno == node.end_lineno
        starts = [e.lineno for e in node.elts]
        if not one_line and len(set(starts)) != len(starts):
            continue  # several items share some lines: neither shape
        counts = [(e, _string_tokens_in(lines, e)) for e in node.elts]
        joined = [(e, toks) for e, toks in counts if len(toks) > 1]
        if len(joined) != 1 or len(joined) == len(counts):
            continue
        elt, toks = joined[0]
        rows = [t.start[0] for t in toks]
        if not one_line and len(set(rows)) != len(rows):
            continue  # several strings on one line of a multi-line item: a message split on purpose
        if any(_value(t.string).endswith((" ", "\t", "\n")) for t in toks[:-1]):
            continue
        new = text
        for tok in reversed(toks[:-1]):
            row = elt.lineno + tok.end[0] - 1
            new = insert_at(new, row, tok.end[1], ",")
        out.append(
            Candidate(
                new,
                "syntax",
                f"inserted {len(toks) - 1} missing comma(s) between the strings "
                f"on lines {elt.lineno}-{elt.end_lineno} (they were silently joined)",
                elt.lineno,
                "implicit-concatenation",
            )
        )
    return out


def _value(literal: str) -> str:
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return ""
    return value if isinstance(value, str) else ""
