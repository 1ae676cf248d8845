"""Config files as (key path, value, position) leaves: YAML, TOML, JSON, INI/cfg and `.env`.

Each format is parsed by its real parser (PyYAML with the project's limits, tomllib, json,
configparser); a file the parser rejects becomes a ParseFailure with the parser's own message
and line. tomllib, json and configparser give no positions, so a light line scanner locates each
key after the real parser has accepted the file.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zc_lsp.agents.engines.lines import split_lines

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True)
class Leaf:
    path: tuple[str, ...]
    value: object  # str, bool, int, float or None; non-literal values (YAML !ENV tags) are None
    line: int  # 0-based
    col: int  # where the value starts on that line (or the key when unknown)
    end_col: int


class Unparsable(Exception):
    """The file is not valid for its format; `line` is 1-based when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


# -- YAML ---------------------------------------------------------------------------------------
_YAML_TYPES = {"bool", "int", "float", "null", "str"}


def yaml_leaves(text: str) -> list[Leaf]:
    # The parsers are imported here, not with the module: a review of a Python file (which reads
    # Django-style settings through this package) needs none of them (~1.3 MB with tomllib).
    import yaml

    from zc_lsp.config_yaml import _BoundedLoader  # the project's YAML with depth/alias/size limits

    loader = _BoundedLoader(text)
    out: list[Leaf] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                _walk_yaml(node, (), out, set())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise Unparsable(f"not valid YAML: {exc.problem or exc}", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise Unparsable(f"not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    return out


def _yaml_scalar(node: yaml.ScalarNode) -> object:
    kind = node.tag.rsplit(":", 1)[-1] if node.tag.startswith("tag:yaml.org,2002:") else None
    if kind not in _YAML_TYPES:
        return None  # !ENV ${X}, !vault |...: resolved at run time, not a literal
    if kind == "bool":
        return node.value.lower() in ("true", "yes", "on", "y")
    if kind == "null":
        return None
    return node.value


def _walk_yaml(node: yaml.Node, path: tuple[str, ...], out: list[Leaf], seen: set[int]) -> None:
    import yaml  # loaded by yaml_leaves, the only caller

    if id(node) in seen:
        return  # an alias walked once, at its anchor
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _walk_yaml(value, (*path, str(key.value)), out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk_yaml(item, path, out, seen)
    elif isinstance(node, yaml.ScalarNode) and path:
        start, end = node.start_mark, node.end_mark
        end_col = end.column if end.line == start.line else start.column + len(node.value)
        out.append(Leaf(path, _yaml_scalar(node), start.line, start.column, end_col))


# -- positions for parsers that have none -------------------------------------------------------
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:[#;].*)?$")
_KEY_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>\"[^\"]+\"|'[^']+'|[^=:#;\s\[][^=:]*?)\s*(?P<op>[=:])\s*(?P<v>.*)$")


def _unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'" else key


class _Locator:
    """(section..., key) -> positions of `key = value` lines under `[section]` headers, in order."""

    def __init__(self, text: str, dotted: bool) -> None:
        self.lines = split_lines(text)
        self.places: dict[tuple[str, ...], list[tuple[int, int, int]]] = defaultdict(list)
        self.used: dict[tuple[str, ...], int] = defaultdict(int)
        section: tuple[str, ...] = ()
        for no, line in enumerate(self.lines):
            if line.lstrip().startswith(("#", ";")) or not line.strip():
                continue
            if m := _HEADER.match(line):
                name = m.group(1)
                section = tuple(_unquote(p.strip()) for p in name.split(".")) if dotted else (name.strip(),)
                continue
            if m := _KEY_LINE.match(line):
                key = m.group("key").strip()
                parts = tuple(_unquote(p.strip()) for p in key.split(".")) if dotted else (_unquote(key),)
                self.places[(*section, *parts)].append((no, m.start("v"), len(line.rstrip())))

    def find(self, path: tuple[str, ...]) -> tuple[int, int, int]:
        spots = self.places.get(path) or self.places.get(tuple(p.lower() for p in path)) or []
        if spots:
            n = self.used[path]
            self.used[path] += 1
            return spots[min(n, len(spots) - 1)]
        key = re.compile(r"(?:^|[\s{,\"'])" + re.escape(path[-1]) + r"[\"']?\s*[=:]", re.IGNORECASE)
        for no, line in enumerate(self.lines):
            if m := key.search(line):
                return no, m.start(), len(line.rstrip())
        return 0, 0, len(self.lines[0]) if self.lines else 0


def _flatten(value: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, (*path, str(k)))
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item, path)
    elif path:
        yield path, value


# -- TOML, INI, JSON, .env ------------------------------------------------------------------------
def toml_leaves(text: str) -> list[Leaf]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        raise Unparsable(f"not valid TOML: {exc}", int(m.group(1)) if m else None) from exc
    where = _Locator(text, dotted=True)
    return [Leaf(path, value, *where.find(path)) for path, value in _flatten(data, ())]


def ini_leaves(text: str) -> list[Leaf]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep the key's own case
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None) or (
            exc.errors[0][0] if isinstance(exc, configparser.ParsingError) and exc.errors else None
        )
        raise Unparsable(f"not valid INI: {exc.message.splitlines()[0]}", line) from exc
    where = _Locator(text, dotted=False)
    out = []
    for section in [parser.default_section, *parser.sections()]:
        items = parser.defaults() if section == parser.default_section else parser[section]
        for key, value in items.items():
            if section != parser.default_section and key in parser.defaults() and parser.defaults()[key] == value:
                continue  # inherited from [DEFAULT]: reported there
            path = (key,) if section == parser.default_section else (section, key)
            out.append(Leaf(path, value, *where.find((section, key))))
    return out


def json_leaves(text: str, comments: bool = False) -> list[Leaf]:
    source = _strip_json_comments(text) if comments else text
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise Unparsable(f"not valid JSON: {exc.msg}", exc.lineno) from exc
    # json keeps document order: the n-th leaf under key K is at the n-th `"K":` in the text.
    occurrences: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    lines = split_lines(text)
    for no, line in enumerate(lines):
        for m in re.finditer(r"\"((?:[^\"\\]|\\.)*)\"\s*:\s*", line):
            occurrences[m.group(1)].append((no, m.end(), len(line)))
    used: dict[str, int] = defaultdict(int)
    out = []
    for path, value in _flatten(data, ()):
        spots = occurrences.get(path[-1], [])
        n = used[path[-1]]
        used[path[-1]] += 1
        no, col, width = spots[min(n, len(spots) - 1)] if spots else (0, 0, 0)
        end = col + len(json.dumps(value, ensure_ascii=False)) if not isinstance(value, (dict, list)) else width
        out.append(Leaf(path, value, no, col, min(end, width)))
    return out


def _strip_json_comments(text: str) -> str:
    """JSON with comments (tsconfig, devcontainer): blank out // and /* */ outside strings, keep lines."""
    return re.sub(
        r"\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/",
        lambda m: m.group(0) if m.group(0).startswith('"') else re.sub(r"[^\n]", " ", m.group(0)),
        text,
        flags=re.S,
    )


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(?P<rest>.*)$")


def env_leaves(text: str) -> tuple[list[Leaf], list[Unparsable]]:
    """`.env` has no formal grammar (python-dotenv's is the usual one): KEY=VALUE lines, `export`,
    quotes, `#` comments. A line that is none of these is reported and the rest still scanned."""
    out: list[Leaf] = []
    bad: list[Unparsable] = []
    lines = split_lines(text)
    no = 0
    while no < len(lines):
        line = lines[no]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            no += 1
            continue
        m = _ENV_LINE.match(line)
        if m is None:
            bad.append(Unparsable(f"line {no + 1} is not KEY=VALUE", no + 1))
            no += 1
            continue
        rest, start = m.group("rest"), m.start("rest")
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            close = rest.find(quote, 1)
            if close < 0:  # a quoted value over several lines
                end = next((k for k in range(no + 1, len(lines)) if quote in lines[k]), None)
                if end is None:
                    bad.append(Unparsable(f"line {no + 1}: the quoted value is never closed", no + 1))
                    break
                out.append(Leaf((m.group("key"),), rest[1:], no, start + 1, len(line)))
                no = end + 1
                continue
            out.append(Leaf((m.group("key"),), rest[1:close], no, start + 1, start + close))
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].rstrip()
            out.append(Leaf((m.group("key"),), value, no, start, start + len(value)))
        no += 1
    return out, bad
