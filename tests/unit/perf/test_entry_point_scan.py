"""The registry reads its entry-point group without importlib.metadata, and finds what it would find."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points as importlib_entry_points
from pathlib import Path

import pytest

from zc_lsp.agents import entry_points as scan
from zc_lsp.agents.registry import GROUP, AgentRegistry


def pairs(found: object) -> list[tuple[str, str]]:
    return sorted((ep.name, ep.value) for ep in found)  # type: ignore[attr-defined]


@pytest.mark.parametrize("group", [GROUP, "console_scripts", "pytest11"])
def test_the_scan_finds_what_importlib_metadata_finds(group: str) -> None:
    assert pairs(scan.entry_points(group)) == pairs(importlib_entry_points(group=group))


def install(site: Path, folder: str, text: str) -> None:
    info = site / folder
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {folder.split('-')[0]}\nVersion: 1\n")
    (info / "entry_points.txt").write_text(text)


def test_the_first_distribution_of_a_name_on_sys_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    install(first, "Zc.Demo_Agent-1.0.dist-info", f"# a comment\n[{GROUP}]\ndemo = zc_demo:SPEC\n\n[other]\nx = y\n")
    install(second, "zc_demo_agent-0.9.dist-info", f"[{GROUP}]\ndemo = zc_demo_old:SPEC\nold = zc_old:SPEC\n")
    install(second, "zc_extra-2.dist-info", f"[{GROUP}]\n  extra =  zc_extra.agents : SPEC [gpu]\n")
    monkeypatch.setattr(sys, "path", [str(first), str(second)])
    found = pairs(scan.entry_points(GROUP))
    assert found == pairs(importlib_entry_points(group=GROUP))
    assert found == [("demo", "zc_demo:SPEC"), ("extra", "zc_extra.agents : SPEC [gpu]")]


def test_an_entry_point_loads_its_object_and_a_broken_one_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "zc_broken-1.dist-info", f"[{GROUP}]\nbroken = zc_no_such_module:SPEC\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    ep = scan.EntryPoint("x", "zc_lsp.agents.registry : AgentRegistry.from_entry_points", GROUP)
    assert ep.load() == AgentRegistry.from_entry_points
    registry = AgentRegistry.from_entry_points()
    assert "programming" in registry.names()
    assert any("broken" in p and "zc_no_such_module" in p for p in registry.problems)


def test_a_zipped_path_entry_is_left_to_importlib_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive
    monkeypatch.setattr(sys, "path", [*sys.path, str(archive)])
    assert not scan._plain_directories_only()
    assert pairs(scan.entry_points(GROUP)) == pairs(importlib_entry_points(group=GROUP))
