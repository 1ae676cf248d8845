"""One entry-point group, read from the `.dist-info` folders on `sys.path` without importlib.metadata.

Why: the registry is built before the initialize reply (the reply lists the agents' commands), and
`importlib.metadata` costs ~7 ms to import (email, zipfile, csv) plus ~4 ms to read every
distribution's metadata (issue 15). This reads the same files the way importlib.metadata's path
finder does: a distribution is a `NAME-VERSION.dist-info` or `.egg-info` folder in a `sys.path`
directory, the first one of a normalized name wins, `entry_points.txt` is split into `[sections]`
of `name = value` lines. What it does not cover (a zip or `.egg` on `sys.path`, a meta-path finder
that provides its own distributions) is left to importlib.metadata itself.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# importlib.metadata.EntryPoint.pattern: module, optional :attr.path, optional [extras].
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@dataclass(frozen=True)
class EntryPoint:
    """What the registry reads of an entry point: its name, its `module:attr` value, and `load()`."""

    name: str
    value: str
    group: str

    def load(self) -> Any:
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"not an entry point reference: {self.value!r}")
        module = importlib.import_module(match.group("module"))
        attrs = [a for a in (match.group("attr") or "").split(".") if a]
        return functools.reduce(getattr, attrs, module)


def entry_points(group: str) -> list[EntryPoint]:
    """Every entry point of `group` in the distributions importlib.metadata would see."""
    if not _plain_directories_only():
        from importlib.metadata import entry_points as scan_with_importlib

        return [EntryPoint(ep.name, ep.value, ep.group) for ep in scan_with_importlib(group=group)]
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for root in sys.path:
        for info in _distribution_folders(root or "."):
            name = _normalize(os.path.basename(info).lower().rpartition(".")[0].partition("-")[0])
            if name in seen:  # shadowed by a distribution earlier on sys.path, as importlib.metadata does
                continue
            seen.add(name)
            try:
                with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except OSError:  # a distribution without entry points (most of them)
                continue
            if f"[{group}]" in text:
                found.extend(parse(text, group))
    return found


def parse(text: str, group: str) -> Iterable[EntryPoint]:
    """The `name = value` lines of section `[group]` (importlib.metadata's `Sectioned` rules)."""
    section = None
    for line in (raw.strip() for raw in text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section != group:
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"entry point line without '=' in [{group}]: {line!r}")
        yield EntryPoint(name.strip(), value.strip(), group)


def _distribution_folders(root: str) -> list[str]:
    try:
        children = os.listdir(root)
    except OSError:  # a sys.path entry that is not a directory (or no longer exists)
        return []
    return [os.path.join(root, c) for c in children if c.lower().endswith((".dist-info", ".egg-info"))]


def _normalize(name: str) -> str:
    """PEP 503 normalization with underscores (importlib.metadata's `Prepared.normalize`)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _plain_directories_only() -> bool:
    """Whether every distribution importlib.metadata could find is a folder this module reads."""
    for finder in sys.meta_path:
        if hasattr(finder, "find_distributions") and getattr(finder, "__name__", "") != "PathFinder":
            return False  # a finder with distributions of its own (not the standard path finder)
    for entry in sys.path:
        root = entry or "."
        if os.path.isfile(root) or root.lower().rstrip("/\\").endswith(".egg"):
            return False  # zipped distributions and eggs: importlib.metadata reads those
    return True
