"""Candidate repairs for syntax errors, read from Python's own message and position.

Each handler proposes a few whole-text candidates for the *first* error compile() reports; the
engine keeps the one that parses (or at least moves the first error further down) and verifies.
"""

from __future__ import annotations

import keyword
import re
import tokenize
from collections.abc import Callable

from zc_lsp.agents.engines.repair.indent import indent_unit
from zc_lsp.agents.engines.repair.textpos import (
    Candidate,
    code_end,
    ends_operand,
    insert_at,
    lex,
    split_lines,
    starts_operand,
)

CLOSER = {"(": ")", "[": "]", "{": "}"}
OPENER = {v: k for k, v in CLOSER.items()}
_COMPOUND = re.compile(
    r"^\s*(async\s+)?(def|class|if|elif|else|for|while|try|except|finally|with"
    r"|match|case)\b"
)
_NEVER_CLOSED = re.compile(r"'([(\[{])' was never closed")
_UNMATCHED = re.compile(r"unmatched '([)\]}])'")
_MISMATCH = re.compile(
    r"closing parenthesis '([)\]}])' does not match opening parenthesis "
    r"'([(\[{])'(?: on line (\d+))?"
)


def _line(text: str, n: int) -> str:
    lines = split_lines(text)
    return lines[n - 1] if 0 < n <= len(lines) else ""


def _cand(text: str, message: str, line: int, code: str) -> Candidate:
    return Candidate(text, "syntax", message, line, code)


def missing_colon(text: str, err: SyntaxError) -> list[Candidate]:
    line_no = err.lineno or 1
    line = _line(text, line_no)
    out = []
    end = code_end(line)
    head = line.strip().split("(")[0].split()[:2]
    what = " ".join(head) or "the statement"
    if not line[:end].endswith(":"):  # at the end of the code, before any comment
        out.append(_cand(insert_at(text, line_no, end, ":"), f"inserted ':' after `{what}`", line_no, err.msg))
    if err.offset and 0 < err.offset - 1 <= len(line.rstrip("\r\n")) and err.offset - 1 != end:
        at = len(line[: err.offset - 1].rstrip())  # `if x > 0 return x`: right after the condition
        out.append(_cand(insert_at(text, line_no, at, ":"), f"inserted ':' after `{what}`", line_no, err.msg))
        # and the body on a line of its own (ruff's E701 would count the one-liner as a new finding)
        body = ":\n" + line[: len(line) - len(line.lstrip())] + indent_unit(text)
        out.append(
            _cand(
                insert_at(text, line_no, at, body, err.offset - 1 - at),
                f"inserted ':' after `{what}` and moved its body to the next line",
                line_no,
                err.msg,
            )
        )
    return out


def _continuation_lines(text: str, first: int) -> list[int]:
    """The physical lines a statement opened at `first` plausibly spans (1-based, in order)."""
    lines = split_lines(text)
    base = len(lines[first - 1]) - len(lines[first - 1].lstrip())
    span = [first]
    for n in range(first + 1, len(lines) + 1):
        raw = lines[n - 1]
        if not raw.strip():
            break
        ind = len(raw) - len(raw.lstrip())
        if ind <= base and raw.lstrip()[:1] not in (")", "]", "}", ".", "+", "-", "*", "/"):
            break
        span.append(n)
    return span


def never_closed(text: str, err: SyntaxError, opener: str) -> list[Candidate]:
    closer = CLOSER[opener]
    first = err.lineno or 1
    out = []
    for n in reversed(_continuation_lines(text, first)):
        line = _line(text, n)
        end = code_end(line)
        if _COMPOUND.match(_line(text, first)) and line[:end].endswith(":"):
            end -= 1  # `if (a and b:` -> the closer goes before the colon
        message = f"closed the '{opener}' opened on line {first} with '{closer}'"
        out.append(_cand(insert_at(text, n, end, closer), message, first, err.msg))
    line = _line(text, first)
    open_col = max((err.offset or 1) - 1, 0)
    if line[open_col : open_col + 1] == opener:
        out += closer_at_boundaries(text, err, first, open_col, code_end(line), closer, opener)
    return out


def _boundaries(line: str, start: int, stop: int) -> list[int]:
    """0-based columns in `line[start:stop]` right after a complete operand (inside nested brackets too:
    closing an inner call early is how `max(len(xs, 1)` becomes `max(len(xs), 1)`)."""
    toks = [t for t in lex(line[start:stop] + "\n") if t.type not in (tokenize.NL, tokenize.NEWLINE)]
    cols = []
    depth = 0
    for tok, nxt in zip(toks, [*toks[1:], None], strict=True):
        if tok.string in CLOSER:
            depth += 1
        elif tok.string in OPENER:
            depth -= 1
        if depth >= 0 and ends_operand(tok) and not (nxt is not None and nxt.string in ("(", "[", ".")):
            cols.append(start + tok.end[1])
    return cols


def closer_at_boundaries(
    text: str, err: SyntaxError, line_no: int, open_col: int, stop: int, closer: str, opener: str
) -> list[Candidate]:
    """`closer` inserted after each complete operand between the opener and `stop` on one line."""
    line = _line(text, line_no)
    out = []
    for col in _boundaries(line, open_col + 1, stop):
        if col >= stop:
            continue
        fixed = insert_at(text, line_no, col, closer)
        out.append(_cand(fixed, f"closed the '{opener}' at column {col + 1} with '{closer}'", line_no, err.msg))
    return out


def unmatched(text: str, err: SyntaxError, closer: str) -> list[Candidate]:
    """A closer with no opener: removed, or its opener inserted where an operand starts.

    For ')' an extra closer is the usual slip, so removing it comes first (then a call that lost its
    '(': `len xs)` -> `len(xs)`); for ']' and '}' a lost opener is: `VALUES = 1, 2, 3]` becomes a
    list, not a tuple. Openers are tried leftmost first (the widest expression); the engine keeps
    the first that parses, preferring calls that bind (`sum([1, 2, 3])` over `[sum(1, 2, 3)]`).
    """
    line_no, col = err.lineno or 1, (err.offset or 1) - 1
    line = _line(text, line_no)
    if line[col : col + 1] != closer:
        col = line.rfind(closer)
        if col < 0:
            return []
    opener = OPENER[closer]
    removed = [_cand(insert_at(text, line_no, col, "", 1), f"removed the unmatched '{closer}'", line_no, err.msg)]
    calls = []
    for match in re.finditer(r"([A-Za-z_]\w*)[ \t]+(?=[^\s=])", line[:col]):
        if keyword.iskeyword(match.group(1)):
            continue
        fixed = insert_at(text, line_no, match.end(1), opener, match.end() - match.end(1))
        calls.append(_cand(fixed, f"inserted the missing '{opener}' after `{match.group(1)}`", line_no, err.msg))
    starts = [t.start[1] for t in lex(line[:col] + "\n") if t.start[0] == 1 and starts_operand(t)]
    inserted = [
        _cand(
            insert_at(text, line_no, at, opener),
            f"inserted the missing '{opener}' before column {at + 1}",
            line_no,
            err.msg,
        )
        for at in starts[:12]
    ]
    if closer == ")":
        return removed + calls + inserted
    return inserted + removed


def mismatched(text: str, err: SyntaxError, closer: str, opener: str) -> list[Candidate]:
    line_no, col = err.lineno or 1, (err.offset or 1) - 1
    if _line(text, line_no)[col : col + 1] != closer:
        return []
    right = CLOSER[opener]
    out = [
        _cand(
            insert_at(text, line_no, col, right),
            f"closed '{opener}' with '{right}' before '{closer}'",
            line_no,
            err.msg,
        ),
        _cand(
            insert_at(text, line_no, col, right, 1),
            f"replaced '{closer}' with '{right}' to match '{opener}'",
            line_no,
            err.msg,
        ),
    ]
    line = _line(text, line_no)
    open_col = _opener_col(line, col, opener)
    if open_col is not None:
        out += closer_at_boundaries(text, err, line_no, open_col, col, right, opener)
        # or the closer's own opener was lost inside: `sum(1, 2, 3])` -> `sum([1, 2, 3])`
        lost = OPENER[closer]
        for tok in lex(line[open_col + 1 : col] + "\n"):
            at = open_col + 1 + tok.start[1]
            if tok.start[0] == 1 and starts_operand(tok):
                out.append(
                    _cand(
                        insert_at(text, line_no, at, lost),
                        f"inserted the missing '{lost}' before column {at + 1}",
                        line_no,
                        err.msg,
                    )
                )
    return out


def _opener_col(line: str, col: int, opener: str) -> int | None:
    """Column of the still-open `opener` left of `col` on the same line (the innermost one)."""
    depth = 0
    for i in range(col - 1, -1, -1):
        ch = line[i]
        if ch in OPENER:
            depth += 1
        elif ch in CLOSER:
            if depth == 0:
                return i if ch == opener else None
            depth -= 1
    return None


def _region(text: str, err: SyntaxError) -> tuple[str, int, int]:
    """The text from the error start to its end (or that line's end), with its 1-based line/0-col."""
    lines = split_lines(text)
    first, col = err.lineno or 1, max((err.offset or 1) - 1, 0)
    last = max(err.end_lineno or first, first)
    base = sum(len(x) for x in lines[: first - 1])
    start = base + col
    if err.end_offset and err.end_offset > 0:
        end = sum(len(x) for x in lines[: last - 1]) + err.end_offset - 1
    else:
        end = base + len(lines[first - 1]) if first - 1 < len(lines) else len(text)
    if end <= start:  # an empty span: look at the rest of the line
        end = base + len(lines[first - 1]) if first - 1 < len(lines) else len(text)
    return text[start:end], first, col


def missing_comma(text: str, err: SyntaxError) -> list[Candidate]:
    """A comma between two operands, at or after the token Python points at.

    Lexed from the start of the line before (a multi-line list or parameter list loses its comma
    at the end of the previous line: `b` / `c,`), then from the error's own line start.
    """
    snippet, first, err_col = _region(text, err)
    if not snippet.strip():
        return []
    prev = first - 1 if first > 1 and not _line(text, first)[:err_col].strip() else first
    head = _line(text, prev) if prev < first else ""
    snippet = head + _line(text, first)[:err_col] + snippet
    toks = [
        t
        for t in lex("(" + snippet + "\n)")
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
    ]
    err_row = first - prev + 1  # the error's row in the snippet
    out = []
    for a, b in zip(toks, toks[1:], strict=False):
        if not (ends_operand(a) and starts_operand(b)) or b.string in ("(", "["):
            continue
        if (b.start[0], b.start[1] - (1 if b.start[0] == 1 else 0)) < (err_row, err_col):
            continue  # before the error: that code was fine
        if a.type == b.type == tokenize.STRING:
            continue
        line = prev + a.end[0] - 1
        at = a.end[1] - 1 if a.end[0] == 1 else a.end[1]  # the "(" we added is col 0 of the first row
        out.append(
            _cand(insert_at(text, line, at, ","), f"inserted a missing comma after `{a.string}`", first, err.msg)
        )
    return out


def assignment_in_condition(text: str, err: SyntaxError) -> list[Candidate]:
    line_no = err.lineno or 1
    line = _line(text, line_no)
    start = max((err.offset or 1) - 1, 0)
    out = []
    for m in re.finditer(r"(?<![=!<>:+\-*/%&|^@])=(?!=)", line):
        if m.start() >= start - 1:
            out.append(
                _cand(
                    insert_at(text, line_no, m.start(), "==", 1),
                    "replaced '=' with '==' in the condition",
                    line_no,
                    err.msg,
                )
            )
            break
    return out


def missing_print_parens(text: str, err: SyntaxError) -> list[Candidate]:
    line_no = err.lineno or 1
    line = _line(text, line_no)
    m = re.match(r"^(\s*print)\s+", line)
    if not m:
        return []
    end = code_end(line)
    fixed = line[: m.end(1)] + "(" + line[m.end() : end] + ")" + line[end:]
    return [
        _cand(insert_at(text, line_no, 0, fixed, len(line)), "added the parentheses of print(...)", line_no, err.msg)
    ]


def unterminated_string(text: str, err: SyntaxError) -> list[Candidate]:
    line_no, col = err.lineno or 1, max((err.offset or 1) - 1, 0)
    line = _line(text, line_no)
    m = re.match(r"[rRbBuUfF]*(['\"])", line[col:])
    if not m:
        return []
    end = len(line.rstrip("\r\n"))
    return [_cand(insert_at(text, line_no, end, m.group(1)), "closed the string literal", line_no, err.msg)]


def generic(text: str, err: SyntaxError) -> list[Candidate]:
    """'invalid syntax' with no hint: the usual suspects, each verified by the engine."""
    line = _line(text, err.lineno or 1)
    out: list[Candidate] = []
    col = (err.offset or 1) - 1
    if line[col : col + 1] == "=" and line[col + 1 : col + 2] != "=":
        out += assignment_in_condition(text, err)
    if _COMPOUND.match(line) and not line[: code_end(line)].endswith(":"):
        out += missing_colon(text, err)
    out += missing_comma(text, err)
    return out


Handler = Callable[[str, SyntaxError], list[Candidate]]


def syntax_candidates(text: str, err: SyntaxError) -> list[Candidate]:
    """Candidates for the error compile() reported first; [] when nothing here knows it."""
    msg = err.msg or ""
    if m := _NEVER_CLOSED.search(msg):
        return never_closed(text, err, m.group(1))
    if m := _UNMATCHED.search(msg):
        return unmatched(text, err, m.group(1))
    if m := _MISMATCH.search(msg):
        return mismatched(text, err, m.group(1), m.group(2))
    if "expected ':'" in msg:
        return missing_colon(text, err)
    if "forgot a comma" in msg:
        return missing_comma(text, err)
    if "expected 'else' after 'if' expression" in msg and re.search(
        r"(?<![=!<>:+\-*/%&|^@])=(?!=)", _line(text, err.lineno or 1)[(err.offset or 1) - 1 :]
    ):
        return assignment_in_condition(text, err)
    if "instead of '='" in msg:
        return assignment_in_condition(text, err)
    if msg.startswith("Missing parentheses in call to 'print'"):
        return missing_print_parens(text, err)
    if msg.startswith("unterminated string literal"):
        return unterminated_string(text, err)
    if msg.startswith("invalid syntax"):
        return generic(text, err)
    return []
