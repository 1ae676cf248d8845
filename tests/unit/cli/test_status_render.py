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
