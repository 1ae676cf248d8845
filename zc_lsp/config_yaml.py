"""YAML for config files, with limits: a config file must never stall or kill the server.

PyYAML's composer recurses once per nesting level (5,000 levels: RecursionError) and shares
aliased nodes, so a 700-byte "billion laughs" file is cheap to parse but explodes in everything
that walks the result. This loader counts nodes as if every alias were expanded and stops at
MAX_NODES, stops at MAX_DEPTH levels, and refuses files over MAX_BYTES before parsing; each
refusal is a ConfigLimitError with the line where it happened. It also reads `1e30` as the number
YAML 1.2 says it is (PyYAML's YAML 1.1 rules make it a string).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from zc_lsp.config_rules import MAX_DEPTH, MAX_NODES, bounded

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "ConfigLimitError", "YAMLError", "bounded", "line_map", "parse",
           "parse_shipped", "read"]
MAX_BYTES = 1_000_000  # a settings file is a few KB; the defaults are 10 KB
YAMLError = yaml.YAMLError  # for config.py, which imports PyYAML only through this module


class ConfigLimitError(yaml.MarkedYAMLError):
    """A limit was hit; `problem_mark` says where."""


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._sizes: dict[int, int] = {}  # id(node) -> expanded size, set once the node is complete

    def _count(self, n: int, mark: Any) -> None:
        self._nodes += n
        if self._nodes > MAX_NODES:
            raise ConfigLimitError(
                problem=f"expands to more than {MAX_NODES:,} values (aliases counted as copies): refused",
                problem_mark=mark)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                if id(target) not in self._sizes:
                    raise ConfigLimitError(problem=f"alias *{event.anchor} refers to a value that contains it",
                                           problem_mark=event.start_mark)
                self._count(self._sizes[id(target)], event.start_mark)
            return super().compose_node(parent, index)
        mark = self.peek_event().start_mark
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ConfigLimitError(problem=f"is nested deeper than {MAX_DEPTH} levels: refused", problem_mark=mark)
        start = self._nodes
        self._count(1, mark)
        node = super().compose_node(parent, index)
        self._depth -= 1
        self._sizes[id(node)] = self._nodes - start
        return node


_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")
_BoundedLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789"))


class _ShippedLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """For the defaults we ship, not for users' files: libyaml's C parser, no limits, no line map."""


_ShippedLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789"))


def parse_shipped(text: str) -> Any:
    """Our own `default.yaml`: read at every start, so ~10x cheaper than `parse` (same YAML rules)."""
    loader = _ShippedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse(text: str) -> tuple[Any, dict[str, int]]:
    """(data, {dotted key: line}) of one YAML document; raises yaml.YAMLError (ConfigLimitError too)."""
    if len(text) > MAX_BYTES:
        raise ConfigLimitError(problem=f"is larger than {MAX_BYTES:,} characters: refused")
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        return loader.construct_document(node), _lines(node)
    finally:
        loader.dispose()


def read(path: Path) -> str:
    """The file's text, refusing a huge file without reading it all, and anything but a regular
    file (a FIFO or /dev/zero behind a symlink would block or never end)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ConfigLimitError(problem="is not a regular file: refused")
        raw = fh.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ConfigLimitError(problem=f"is larger than {MAX_BYTES:,} bytes: refused")
    return raw.decode("utf-8")


def _lines(root: Any) -> dict[str, int]:
    """Dotted key paths to 1-based lines; an aliased mapping is walked once (at its anchor)."""
    lines: dict[str, int] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        if not isinstance(node, yaml.MappingNode) or id(node) in seen:
            continue
        seen.add(id(node))
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines.setdefault(key, key_node.start_mark.line + 1)
            stack.append((value_node, key))
    return lines


def line_map(text: str) -> dict[str, int]:
    """Lines only, for locating a key after loading; {} when the text does not parse."""
    try:
        return parse(text)[1]
    except (yaml.YAMLError, RecursionError):
        return {}
