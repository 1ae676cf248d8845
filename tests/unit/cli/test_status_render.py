"""`zc status`'s readable summary: provider health as known (never "down" for "not known yet"),
the open findings and, in a multi-root workspace, each folder's trust."""

from __future__ import annotations

from zc_lsp.cli.status_watch import render


def test_unknown_health_is_not_shown_as_down() -> None:
    snap = {
        "providers": [
            {"name": "ollama", "enabled": True, "healthy": None},
            {"name": "openai", "enabled": False, "healthy": False},
            {"name": "offline", "enabled": True, "healthy": True},
        ]
    }
    lines = render(snap, colour=False).splitlines()
    assert any(line.startswith("provider ollama") and "unknown" in line for line in lines)
    assert any(line.startswith("provider openai") and "disabled" in line for line in lines)
    assert any(line.startswith("provider offline") and "healthy" in line for line in lines)


def test_findings_and_folders_are_summarised() -> None:
    snap = {
        "findings": {
            "total": 3,
            "files": [{"path": "/ws/a.py", "count": 2}, {"path": "/ws/b.py", "count": 1}],
            "more_files": 0,
        },
        "folders": [{"root": "/ws", "trusted": True}, {"root": "/other", "trusted": None}],
    }
    text = render(snap, colour=False)
    assert "findings 3 in 2 file(s)" in text and "     2  /ws/a.py" in text
    assert "folder   /ws  trusted" in text and "folder   /other  trust unknown" in text


def test_a_single_folder_is_not_listed() -> None:
    assert "folder" not in render({"folders": [{"root": "/ws", "trusted": True}]}, colour=False)


def test_a_folders_findings_section_holds_only_its_own_files(tmp_path) -> None:
    from types import SimpleNamespace

    from lsprotocol import types

    from zc_lsp.handlers.findings_status import findings_section

    def diag(code: str, line: int, severity: types.DiagnosticSeverity) -> types.Diagnostic:
        where = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=1))
        return types.Diagnostic(range=where, message=f"{code} here\nmore", code=code, severity=severity, source="zc")

    a, b = tmp_path / "a", tmp_path / "b"
    sources = {
        (a / "x.py").as_uri(): {
            "review": [diag("F401", 3, types.DiagnosticSeverity.Warning)],
            "tests": [diag("test-failure", 9, types.DiagnosticSeverity.Error)],
        },
        (b / "y.py").as_uri(): {"review": [diag("S307", 0, types.DiagnosticSeverity.Warning)]},
        (b / "clean.py").as_uri(): {"review": []},
    }
    publisher = SimpleNamespace(sources=sources)
    every = findings_section(publisher)
    assert every["total"] == 3 and every["by_severity"] == {"warning": 2, "error": 1}
    first = every["files"][0]
    assert first["path"] == str(a / "x.py") and first["count"] == 2
    assert [i["code"] for i in first["items"]] == ["test-failure", "F401"]  # errors first
    assert first["items"][1] == {
        "line": 4,
        "code": "F401",
        "severity": "warning",
        "source": "zc",
        "message": "F401 here",
    }
    only_b = findings_section(publisher, b)
    assert [f["path"] for f in only_b["files"]] == [str(b / "y.py")] and only_b["total"] == 1
