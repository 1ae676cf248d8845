"""Parsing with the newest f-string syntax whatever Python runs the server.

Python 3.12 (PEP 701) lets an f-string's replacement field reuse the enclosing quote
(`f"{d["k"]}"`); the `ast` of 3.11 rejects that. On a SyntaxError we swap such nested quotes for
the other quote character, which keeps every offset the same, and parse again. Anything still
unparseable is reported by the caller, never skipped in silence.
"""

from __future__ import annotations

import ast
import re

_PREFIX = re.compile(r"(?i)(rb|br|fr|rf|b|r|u|f)?('''|\"\"\"|'|\")")
_OTHER = {"'": '"', '"': "'"}


class ParseFailure(Exception):
    """The text is not Python any parser here understands; `line` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def parse_source(text: str, filename: str = "<file>") -> ast.Module:
    """The module's tree; 3.12 f-strings are rewritten (same offsets) when 3.11 cannot read them."""
    try:
        return ast.parse(text, filename=filename, type_comments=False)
    except SyntaxError as first:
        rewritten = _requote_pep701(text)
        if rewritten is not None and rewritten != text:
            try:
                tree = ast.parse(rewritten, filename=filename)
                tree.requoted = True  # type: ignore[attr-defined]  # an isolated re-parse of a piece would differ
                return tree
            except SyntaxError:
                pass  # the original error is the useful one; reported below
        raise ParseFailure(f"{first.msg} (line {first.lineno})", first.lineno or 1) from first


def _requote_pep701(text: str) -> str | None:
    """Swap quotes of strings nested inside f-string fields that reuse an enclosing quote."""
    out = list(text)
    scanner = _Scanner(text, out)
    try:
        scanner.code(0, len(text), ())
    except _GiveUp:
        return None
    return "".join(out)


class _GiveUp(Exception):
    """The fallback does not understand this text; the original SyntaxError stands."""


class _Scanner:
    """A small lexer that knows just enough of strings, comments and f-string fields."""

    def __init__(self, text: str, out: list[str]) -> None:
        self.text = text
        self.out = out

    def code(self, i: int, end: int, enclosing: tuple[str, ...], stop: str = "") -> int:
        """Scan code from i; inside an f-string field stop at the matching `}` (or `:`/`!`)."""
        depth = 0
        text = self.text
        while i < end:
            ch = text[i]
            if ch == "#" and not enclosing:
                nl = text.find("\n", i)
                i = end if nl < 0 else nl
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0 and stop:
                    return i
                depth -= 1
            elif stop and depth == 0 and ch in "!:" and text[i : i + 2] not in ("!=", "=="):
                return i
            match = _PREFIX.match(text, i) if (ch in "'\"" or ch.isalpha()) else None
            if match and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                i = self.string(match, enclosing)
                continue
            if ch.isalnum() or ch == "_":
                while i < end and (text[i].isalnum() or text[i] == "_"):
                    i += 1
                continue
            i += 1
        if stop:
            raise _GiveUp
        return i

    def string(self, match: re.Match[str], enclosing: tuple[str, ...]) -> int:
        prefix = (match.group(1) or "").lower()
        quote = match.group(2)
        start = match.end()
        scan_quote = quote  # the text still holds the original quotes; only `out` changes
        if enclosing and quote[0] in enclosing:
            if len(quote) == 3:
                raise _GiveUp
            other = _OTHER[quote]
            if other in enclosing:
                raise _GiveUp
            close = self._find_close(start, quote, "f" in prefix)
            if other in self.text[start:close]:
                raise _GiveUp
            self.out[match.start(2)] = other
            self.out[close] = other
            quote = other
        if "f" not in prefix:
            close = self._find_close(start, scan_quote, False)
            if enclosing and "\\" in self.text[start:close]:
                # 3.12 allows `f"{'\\n'.join(xs)}"`; 3.11 forbids backslashes in a field. The literal's
                # characters become placeholders of the same length (offsets stay right; only the
                # constant's value changes, which no finding depends on).
                for i in range(start, close):
                    if self.text[i] != "\n":
                        self.out[i] = "x"
            return close + len(quote)
        return self.fstring(start, scan_quote, "r" in prefix, (*enclosing, quote[0]))

    def _find_close(self, i: int, quote: str, fstring: bool) -> int:
        text = self.text
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                return i
            if fstring and text[i] == "{":
                if text.startswith("{{", i):
                    i += 2
                    continue
                i = self._skip_field(i + 1)
                continue
            if text[i] == "\n" and len(quote) == 1:
                raise _GiveUp
            i += 1
        raise _GiveUp

    def _skip_field(self, i: int) -> int:
        depth = 1
        while i < len(self.text) and depth:
            depth += {"{": 1, "}": -1}.get(self.text[i], 0)
            i += 1
        return i

    def fstring(self, i: int, quote: str, raw: bool, enclosing: tuple[str, ...]) -> int:
        text = self.text
        while i < len(text):
            ch = text[i]
            if ch == "\\" and not raw:
                i += 2
                continue
            if text.startswith(quote, i):
                return i + len(quote)
            if ch == "\n" and len(quote) == 1:
                raise _GiveUp
            if ch == "{":
                if text.startswith("{{", i):
                    i += 2
                    continue
                i = self.field(i + 1, enclosing)
                continue
            i += 1
        raise _GiveUp

    def field(self, i: int, enclosing: tuple[str, ...]) -> int:
        """A replacement field: expression, optional `!conv`, optional `:spec` with nested fields."""
        i = self.code(i, len(self.text), enclosing, stop="}")
        text = self.text
        if text[i] == "!":
            i += 2
        if text[i] == ":":
            i += 1
            while i < len(text) and text[i] != "}":
                if text[i] == "{":
                    i = self.field(i + 1, enclosing)
                    continue
                i += 1
        if i >= len(text) or text[i] != "}":
            raise _GiveUp
        return i + 1
