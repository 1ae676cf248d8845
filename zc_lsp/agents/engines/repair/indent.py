"""Candidate repairs for IndentationError and TabError.

"expected an indented block" either indents the lines that obviously form the body (same level,
same paragraph, up to a sibling clause or a statement that ends the block) or inserts `pass`.
"""

from __future__ import annotations

import re
from collections import Counter

from zc_lsp.agents.engines.repair.scope import indent_of
from zc_lsp.agents.engines.repair.textpos import Candidate, leading, split_lines

_HEADER_LINE = re.compile(r"on line (\d+)")
_HEADER_KIND = re.compile(r"after '(\w+)' statement|after (function|class) definition")
_CLAUSE = re.compile(r"^\s*(elif|else|except|finally|case)\b")
_TERMINAL = re.compile(r"^\s*(return|raise|break|continue|pass)\b")
_BLOCK_START = re.compile(r"^\s*(@|(async\s+)?def\s|class\s)")
_ENDS_FUNCTION = re.compile(r"^\s*return\b")
_LOOP = re.compile(r"^\s*(async\s+)?(for|while)\b")
_METHOD = re.compile(r"^\s*(@|(async\s+)?def\s+\w+\s*\(\s*(self|cls)\b)")


def _blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def indent_unit(text: str) -> str:
    """The file's indentation step: a tab when tab-indented lines dominate, else N spaces."""
    tabs = spaces = 0
    steps: Counter[int] = Counter()
    prev = 0
    for line in split_lines(text):
        if _blank(line):
            continue
        lead = leading(line)
        tabs += "\t" in lead
        spaces += bool(lead) and "\t" not in lead
        width = indent_of(line)
        if width > prev:
            steps[width - prev] += 1
        prev = width
    if tabs > spaces:
        return "\t"
    return " " * (steps.most_common(1)[0][0] if steps else 4)


def _shift(lines: list[str], idxs: list[int], old_prefix: str, new_prefix: str) -> None:
    for i in idxs:
        line = lines[i]
        if _blank(line) and not line.strip():
            continue
        if line.startswith(old_prefix):
            lines[i] = new_prefix + line[len(old_prefix) :]
        else:  # a deeper line written another way: keep what it has beyond the old width
            rest = line.lstrip(" \t")
            lines[i] = new_prefix + " " * max(indent_of(line) - indent_of(old_prefix + "x"), 0) + rest


def _run(lines: list[str], start: int, width: int) -> list[int]:
    """Line `start` and the following lines at `width` or deeper (blank lines inside included)."""
    idxs = [start]
    for j in range(start + 1, len(lines)):
        if _blank(lines[j]):
            continue
        if indent_of(lines[j]) < width:
            break
        idxs.extend(range(idxs[-1] + 1, j + 1))
    return idxs


def _prev_code(lines: list[str], idx: int) -> int | None:
    for j in range(idx - 1, -1, -1):
        if not _blank(lines[j]):
            return j
    return None


def unexpected_indent(text: str, err: SyntaxError) -> list[Candidate]:
    lines = split_lines(text)
    idx = (err.lineno or 1) - 1
    if idx >= len(lines):
        return []
    prev = _prev_code(lines, idx)
    target = leading(lines[prev]) if prev is not None else ""
    own = leading(lines[idx])
    out = []
    for idxs, what in ((_run(lines, idx, indent_of(lines[idx])), "block"), ([idx], "line")):
        new = list(lines)
        _shift(new, idxs, own, target)
        first, last = idxs[0] + 1, idxs[-1] + 1
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        out.append(
            Candidate(
                "".join(new), "indentation", f"dedented {where} to the level of line {(prev or 0) + 1}", first, err.msg
            )
        )
        if what == "block" and len(idxs) == 1:
            break
    return out


def _levels(lines: list[str], idx: int) -> list[int]:
    stack = [0]
    for j in range(idx):
        if _blank(lines[j]):
            continue
        width = indent_of(lines[j])
        while stack and width < stack[-1]:
            stack.pop()
        if not stack or width > stack[-1]:
            stack.append(width)
    return stack


def bad_unindent(text: str, err: SyntaxError) -> list[Candidate]:
    lines = split_lines(text)
    idx = (err.lineno or 1) - 1
    if idx >= len(lines):
        return []
    width = indent_of(lines[idx])
    levels = _levels(lines, idx)
    below = [lv for lv in levels if lv < width]
    above = [lv for lv in levels if lv > width]
    options = ([max(below)] if below else []) + ([min(above)] if above else [])
    ends = bool(_ENDS_FUNCTION.match(lines[idx]))
    # a `return` that ties between a loop body and the level outside it ends the function, not the loop
    options.sort(key=lambda lv: (abs(lv - width), ends and _loop_level(lines, idx, lv), -lv))
    unit = indent_unit(text)
    out = []
    for level in options:
        new = list(lines)
        idxs = _run(lines, idx, width)
        prefix = _prefix_for(lines, idx, level, unit)
        deeper = [i for i in idxs if lines[i].strip() and indent_of(lines[i]) > width]
        if deeper and all(indent_of(lines[i]) > level for i in deeper):
            idxs = [i for i in idxs if i not in deeper]  # their lines stay deeper as they are: a smaller change
        _shift(new, idxs, leading(lines[idx]), prefix)
        out.append(
            Candidate(
                "".join(new),
                "indentation",
                f"re-indented line {idx + 1} to an outer level ({level} columns)",
                idx + 1,
                err.msg,
            )
        )
    return out


def _loop_level(lines: list[str], idx: int, level: int) -> bool:
    """Whether the block at `level` around line `idx` is the body of a `for`/`while` loop."""
    for j in range(idx - 1, -1, -1):
        if not _blank(lines[j]) and indent_of(lines[j]) < level:
            return bool(_LOOP.match(lines[j]))
    return False


def _prefix_for(lines: list[str], idx: int, width: int, unit: str) -> str:
    """The exact leading whitespace of an earlier line at `width`, else one built from `unit`."""
    for j in range(idx - 1, -1, -1):
        if not _blank(lines[j]) and indent_of(lines[j]) == width:
            return leading(lines[j])
    if unit == "\t":
        return "\t" * (width // 8) + " " * (width % 8)
    return " " * width


def _sibling_ends(lines: list[str], header: int) -> bool:
    """Whether the branch before the clause at `header` (its `if`/`try` body) ends in return/raise."""
    h = indent_of(lines[header])
    for j in range(header - 1, -1, -1):
        if _blank(lines[j]):
            continue
        if indent_of(lines[j]) <= h:
            return False  # the branch before has no body lines of its own
        return bool(_TERMINAL.match(lines[j]))
    return False


def _body(lines: list[str], header: int, kind: str) -> list[int]:
    """Lines after `header` at its level that obviously are its lost body (maybe none)."""
    h = indent_of(lines[header])
    body: list[int] = []
    j = header + 1
    while j < len(lines):
        line = lines[j]
        if not line.strip():
            nxt = next((k for k in range(j + 1, len(lines)) if lines[k].strip()), None)
            if (
                kind == "class"
                and body
                and nxt is not None
                and indent_of(lines[nxt]) == h
                and _METHOD.match(lines[nxt])
            ):
                j = nxt  # the next method of the same class, after a blank line
                continue
            break
        if _blank(line):
            j += 1
            continue
        width = indent_of(line)
        if width < h:
            break
        if width > h:  # nested under a body line (or a continuation): goes with it
            if not body:
                break
            body.extend(range(body[-1] + 1, j + 1))
            j += 1
            continue
        if _CLAUSE.match(line):
            break
        if _BLOCK_START.match(line) and not (kind == "class" and _METHOD.match(line)):
            break
        if kind in ("for", "while") and body and re.match(r"^\s*return\b", line):
            break  # a loop whose last statement returns is a loop that did not run twice
        if (
            kind in ("else", "elif", "except", "finally")
            and body
            and re.match(r"^\s*return\b", line)
            and not _sibling_ends(lines, header)
        ):
            break  # `if: y = 1` / `else: y = 2` then `return y`: the return belongs after both branches
        body.extend(range((body[-1] + 1) if body else j, j + 1))
        if _TERMINAL.match(line) and kind not in ("class",):
            break
        j += 1
    return body


def expected_block(text: str, err: SyntaxError) -> list[Candidate]:
    lines = split_lines(text)
    m = _HEADER_LINE.search(err.msg or "")
    header = int(m.group(1)) - 1 if m else _prev_code(lines, (err.lineno or 1) - 1)
    if header is None or header >= len(lines):
        return []
    km = _HEADER_KIND.search(err.msg or "")
    kind = (km.group(1) or ("def" if km.group(2) == "function" else "class")) if km else "block"
    unit = indent_unit(text)
    own = leading(lines[header])
    out = []
    body = _body(lines, header, kind)
    if body:
        new = list(lines)
        for i in body:
            if new[i].strip():
                new[i] = own + unit + new[i][len(own) :] if new[i].startswith(own) else unit + new[i]
        out.append(
            Candidate(
                "".join(new),
                "indentation",
                f"indented lines {body[0] + 1}-{body[-1] + 1} as the body of line {header + 1}"
                if len(body) > 1
                else f"indented line {body[0] + 1} as the body of line {header + 1}",
                header + 1,
                err.msg,
            )
        )
    new = list(lines)
    ending = "\n" if not lines[header].endswith("\n") else ""
    new.insert(header + 1, ending + own + unit + "pass\n")
    out.append(
        Candidate("".join(new), "indentation", f"inserted `pass` as the body of line {header + 1}", header + 1, err.msg)
    )
    return out


def tab_error(text: str, err: SyntaxError) -> list[Candidate]:
    """Normalise leading whitespace to one style: the file's dominant one first, then the other
    (a tab read as 8 columns, then as 4); the engine keeps the first that parses and verifies."""
    lines = split_lines(text)
    unit = indent_unit(text)
    styles = [("tabs", 8), ("tabs", 4), ("spaces", 8), ("spaces", 4)]
    if unit != "\t":
        styles = styles[2:] + styles[:2]
    out = []
    for style, tab in styles:
        new = []
        for line in lines:
            lead = leading(line)
            if not lead or _blank(line):
                new.append(line)
                continue
            width = len(lead.expandtabs(tab))
            if style == "tabs":
                new.append("\t" * (width // tab) + " " * (width % tab) + line[len(lead) :])
            else:
                new.append(" " * width + line[len(lead) :] if "\t" in lead else line)
        if new == lines:
            continue
        dominant = "the file's dominant style, " if (style == "tabs") == (unit == "\t") else ""
        out.append(
            Candidate(
                "".join(new),
                "indentation",
                f"normalised indentation to {dominant}{style} (a tab as {tab} columns)",
                err.lineno or 1,
                err.msg,
            )
        )
    return out


def indentation_candidates(text: str, err: SyntaxError) -> list[Candidate]:
    msg = err.msg or ""
    if isinstance(err, TabError) or "inconsistent use of tabs" in msg:
        return tab_error(text, err)
    if msg.startswith("unexpected indent"):
        return unexpected_indent(text, err)
    if msg.startswith("unindent does not match"):
        return bad_unindent(text, err)
    if msg.startswith("expected an indented block"):
        return expected_block(text, err)
    return []
