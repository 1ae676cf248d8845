"""Missing commas that still parse: `["red", "green"\n "blue"]` is two items, not three.

Python joins adjacent string literals, so a list of one string per line that lost a comma parses
and silently merges two items. Only the unambiguous shape is repaired: a list, tuple or set whose
other items are single strings on lines of their own, and an item made of several strings, each
on its own line, none ending in whitespace (a long message split on purpose usually does).
"""

from __future__ import annotations

import ast
import tokenize

from zc_lsp.agents.engines.repair.textpos import Candidate, insert_at, lex, split_lines


def _string_tokens(lines: list[str], node: ast.expr) -> list[tokenize.TokenInfo]:
    first, last = node.lineno, node.end_lineno or node.lineno
    chunk = "".join(lines[first - 1 : last])
    return [t for t in lex(chunk) if t.type == tokenize.STRING]


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
        starts = [e.lineno for e in node.elts]
        if len(set(starts)) != len(starts):
            continue  # several items share a line: not the one-item-per-line shape
        multi = [e for e in node.elts if e.lineno != e.end_lineno]
        single = [e for e in node.elts if e.lineno == e.end_lineno]
        if len(multi) != 1 or not single:
            continue
        elt = multi[0]
        toks = _string_tokens(lines, elt)
        rows = [t.start[0] for t in toks]
        if len(toks) < 2 or len(set(rows)) != len(rows):
            continue
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
