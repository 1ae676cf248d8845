"""Columns between agents (Python characters) and clients (UTF-16 by default, or as negotiated)."""

from __future__ import annotations

from lsprotocol import types

from zc_lsp.core.types import Span
from zc_lsp.handlers.capabilities import ClientCaps
from zc_lsp.handlers.convert import Lines

TEXT = 'x = "😀é"; y = 1\nplain\n'


def test_utf16_columns_count_surrogate_pairs() -> None:
    lines = Lines(TEXT, "utf-16")
    y = TEXT.index("y")
    pos = lines.to_client(0, y)
    assert pos.character == y + 1  # the emoji is two UTF-16 code units
    assert lines.from_client(pos) == (0, y)
    assert lines.span(lines.range(Span(0, y, 1, 5))) == Span(0, y, 1, 5)


def test_utf8_and_utf32_columns() -> None:
    y = TEXT.index("y")
    assert Lines(TEXT, "utf-8").to_client(0, y).character == y + 3 + 1  # 4-byte emoji, 2-byte é
    assert Lines(TEXT, "utf-32").to_client(0, y).character == y


def test_negotiated_encoding_is_read_as_its_value() -> None:
    for kind, expected in ((types.PositionEncodingKind.Utf16, "utf-16"), (types.PositionEncodingKind.Utf8, "utf-8")):
        assert ClientCaps.from_lsp(types.ClientCapabilities(), kind).position_encoding == expected


def test_plain_changes_for_clients_without_document_changes(tmp_path) -> None:
    from zc_lsp.core.types import FileEdit, TextEdit
    from zc_lsp.handlers.convert import path_to_uri, workspace_edit

    path = tmp_path / "a.py"
    edits = [FileEdit(path, [TextEdit(Span(0, 0, 0, 1), "y")])]
    uri = path_to_uri(path)
    plain = workspace_edit(edits, {uri: 3}, "utf-16", {uri: "x = 1\n"}, document_changes=False)
    assert plain.document_changes is None and plain.changes[uri][0].new_text == "y"
    created = workspace_edit([FileEdit(path, [TextEdit(Span(0, 0, 0, 0), "z\n")], create=True)], {uri: None}, "utf-16", {})
    assert isinstance(created.document_changes[0], types.CreateFile)


def test_ruff_is_found_even_when_sysconfig_is_half_initialised(monkeypatch) -> None:
    import sys

    import ruff

    from zc_lsp.agents.engines.ruff_engine import ruff_command

    def racing() -> str:
        raise TypeError('can only concatenate str (not "NoneType") to str')

    monkeypatch.setattr(ruff, "find_ruff_bin", racing)
    assert ruff_command.__wrapped__() == (sys.executable, "-P", "-m", "ruff")  # -P: never the project's own modules
