"""Incremental sync by offsets gives exactly the text pygls' own line-splitting apply gives."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec
from pygls.workspace.text_document import TextDocument

from zc_lsp.handlers import text_sync

ORIGINAL = TextDocument._apply_incremental_change  # captured before install() replaces it
LINES = st.lists(st.text(alphabet="ab é𝄞\t\r", max_size=8), max_size=6)


def _doc(text: str, encoding: types.PositionEncodingKind) -> TextDocument:
    return TextDocument("file:///t.py", text, version=1, position_codec=PositionCodec(encoding=encoding))


@settings(max_examples=300, deadline=None)
@example(lines=["\r"], sl=0, sc=0, length=0, ec=1, new="", encoding=types.PositionEncodingKind.Utf16)
@example(lines=["\r", ""], sl=0, sc=0, length=0, ec=1, new="", encoding=types.PositionEncodingKind.Utf16)
@given(lines=LINES, sl=st.integers(0, 7), sc=st.integers(0, 10), length=st.integers(0, 3), ec=st.integers(0, 10),
       new=st.text(alphabet="xy\né", max_size=5),
       encoding=st.sampled_from([types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8,
                                 types.PositionEncodingKind.Utf32]))
def test_offsets_give_the_same_text_as_pygls(lines: list[str], sl: int, sc: int, length: int, ec: int, new: str,
                                             encoding: types.PositionEncodingKind) -> None:
    text = "\n".join(lines)
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=sl, character=sc), end=types.Position(line=sl + length, character=ec)),
        text=new)
    ours, theirs = _doc(text, encoding), _doc(text, encoding)
    text_sync._apply_incremental_change(ours, change)
    expected_error = None
    try:
        ORIGINAL(theirs, change)
    except Exception as exc:  # pygls itself may fail on a range it cannot map; ours must still give text
        expected_error = exc
    split = text.split("\n")
    in_bounds = sl + length < len(split) and sc <= len(split[sl]) and ec <= len(split[sl + length]) \
        and (length > 0 or sc <= ec) and text.isascii()
    # Compared where pygls is right: positions inside their lines (LSP clamps a column past the end to
    # the line's end; pygls' codec does not), ASCII columns, and no lone \r (a line end only for pygls).
    if expected_error is None and in_bounds and "\r" not in text:
        assert ours.source == theirs.source
    if length == 0 and sc <= ec and sl < len(split):
        line = split[sl]
        # The \r of a \r\n ends the line (columns clamp before it); a lone \r, even the last character, is content.
        eol = "\r" if sl < len(split) - 1 and line.endswith("\r") else ""
        line = line[: len(line) - len(eol)]
        kept = line[: min(sc, len(line))] + new + line[min(ec, len(line)):] + eol if text.isascii() else None
        if kept is not None:  # a change within one line, columns clamped to its end as LSP says
            assert ours.source == "\n".join([*split[:sl], kept, *split[sl + 1:]])


def test_line_start_finds_lines_across_chunks() -> None:
    text = "".join(f"line {i}\n" for i in range(300_000))  # a few MB: many 64 KiB chunks
    for line in (0, 1, 123_456, 299_999):
        assert text[text_sync.line_start(text, line):].startswith(f"line {line}\n")
    assert text_sync.line_start(text, 300_000) == len(text)
    assert text_sync.line_start(text, 10**9) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab\r\u00e9\U0001f600", max_size=40), max_size=120), st.integers(0, 130),
       st.sampled_from([(8, 2), (64, 16), (1 << 16, 1 << 12)]))
def test_line_start_agrees_with_splitting_whatever_the_chunk_and_block_sizes(lines, line, sizes) -> None:
    text = "\n".join(lines)
    chunk, block = sizes
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(text_sync, "_CHUNK", chunk)
        mp.setattr(text_sync, "_BLOCK", block)
        got = text_sync.line_start(text, line)
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    assert got == (starts[line] if line < len(starts) else len(text))


def test_installed_for_every_document() -> None:
    text_sync.install()
    doc = _doc("a\nb\nc\n", types.PositionEncodingKind.Utf16)
    doc.apply_change(types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=2, character=0)), text=""))
    assert doc.source == "a\nc\n"
