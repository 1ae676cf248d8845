"""Incremental text sync that costs the size of the change, not of the document.

pygls applies each incremental `didChange` by splitting the whole document into lines and joining
them again: on a 100 MB document that is ~8 million line objects (about 800 MB at peak) and a second
of the loop per keystroke. Here a change is applied by offsets: the start of line N is found with
`str.count` over 64 KiB chunks, then 4 KiB blocks (C speed, no objects made), then one slice and one
join. The document keeps a single string; memory stays within about twice its size.

Lines end at `\n` (so `\r\n` too). A lone `\r`, which LSP also counts as a line end (classic Mac
files), is not: such files are vanishingly rare, and pygls' splitting miscounted more (form feeds,
`\x1c`-`\x1e`, `\u2028`) than it got right for them.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.workspace.text_document import TextDocument

_CHUNK = 1 << 16  # characters counted at a time while looking for a line's start
_BLOCK = 1 << 12  # then, inside that chunk, counted a block at a time: a few lines walked one by one


def line_start(text: str, line: int) -> int:
    """The offset where 0-based `line` begins; len(text) past the last line."""
    if line <= 0:
        return 0
    pos, seen = 0, 0
    size = len(text)
    for step in (_CHUNK, _BLOCK):  # skip whole chunks, then whole blocks, with str.count (C speed)
        while pos < size:
            end = min(pos + step, size)
            in_step = text.count("\n", pos, end)
            if seen + in_step >= line:
                break
            seen += in_step
            pos = end
        else:
            return size
    while seen < line:
        found = text.find("\n", pos)
        if found < 0:
            return size
        seen += 1
        pos = found + 1
    return pos


def offset_of(text: str, position: types.Position, encoding: str) -> int:
    """The offset of an LSP position (columns in the client's encoding; clamped to the line)."""
    start = line_start(text, position.line)
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    if end >= 0 and line.endswith("\r"):  # the \r of a \r\n; a lone \r (even the text's last) is content
        line = line[:-1]
    column = position.character
    if not line.isascii() and encoding != "utf-32":
        codec, width = ("utf-16-le", 2) if encoding == "utf-16" else ("utf-8", 1)
        column = len(line.encode(codec)[: column * width].decode(codec, errors="ignore"))
    return start + min(column, len(line))


def _apply_incremental_change(self: TextDocument, change: types.TextDocumentContentChangePartial) -> None:
    source = self.source
    encoding = str(getattr(self._position_codec.encoding, "value", self._position_codec.encoding) or "utf-16")
    start = offset_of(source, change.range.start, encoding)
    end = max(start, offset_of(source, change.range.end, encoding))
    self._source = source[:start] + change.text + source[end:]


def install() -> None:
    """Replace pygls' line-splitting incremental change (once, for every document of this process)."""
    method: Any = _apply_incremental_change
    TextDocument._apply_incremental_change = method  # type: ignore[method-assign]
