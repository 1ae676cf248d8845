"""Typed, layered settings: default.yaml < user file < workspace file < editor settings.

Every layer is checked against the defaults. A bad value is reported with its file, key and line
and what is allowed, and that one value falls back to the layer below: defaults keep working.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zc_lsp.config_defaults import shipped_defaults
from zc_lsp.config_rules import bound, bounded, range_for, user_only

log = logging.getLogger(__name__)
DEFAULTS_PATH = Path(__file__).with_name("default.yaml")
WORKSPACE_FILE = ".zombiecoder.yaml"

# Sections whose keys are names chosen by the user (free-form, merged deeply, not type-checked).
FREEFORM = {
    "providers.ollama.models",
    "providers.openai.models",
    "providers.anthropic.models",
    "router.chains",
    "router.budgets",
    "router.prices",
    "prompts",
    "memory.retention",
    "background.jobs",
    "background.templates",
}
ALLOWED = {
    "log_level": ("debug", "info", "warning", "error"),
    "docstring.style": ("google", "numpy", "sphinx"),
    "autofix.mode": ("off", "suggest", "apply"),
    "speech.engine": ("auto", "gtts", "espeak"),
}
# Settings whose default is null: what a value must be when one is given.
NULLABLE = {
    "trust.trusted": bool,
    "tests.python": str,
    "memory.path": str,
    "providers.ollama.host": str,
    "providers.openai.base_url": str,
    "providers.anthropic.base_url": str,
}
PROVIDER_NAMES = ("ollama", "openai", "anthropic", "offline")
EDITOR_SOURCE = "editor settings (zombiecoder.*)"
EDITOR_ONLY = {"server", "trace", "python"}  # extension-side settings sent along with ours; not the server's
# `python.interpreter`: the editor's interpreter for the folder (VS Code Python extension), kept on Settings.


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in one config layer, phrased for the user."""

    source: str  # file path, or "editor settings"
    key: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: `{self.key}` {self.message}"


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "zombiecoder" / "config.yaml"


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def _line_map(text: str) -> dict[str, int]:
    """Map dotted key paths to 1-based line numbers (with the loader's limits; {} if it fails)."""
    from zc_lsp import config_yaml  # PyYAML only when there is a file to read (issue 15)

    return config_yaml.line_map(text)


def _type_ok(default: Any, value: Any) -> bool:
    if default is None or value is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type(default))


def _type_name(default: Any) -> str:
    return {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(default), type(default).__name__)


def _check(
    layer: Any,
    defaults: dict[str, Any],
    source: str,
    lines: dict[str, int],
    prefix: str = "",
    snake: bool = False,
    workspace: bool = False,
) -> tuple[dict[str, Any], list[ConfigIssue]]:
    """Keep the valid part of one layer; report the rest. A workspace layer loses user-only keys."""
    issues: list[ConfigIssue] = []
    clean: dict[str, Any] = {}
    if not isinstance(layer, dict):
        issues.append(ConfigIssue(source, prefix or "(top level)", lines.get(prefix), "must be a mapping"))
        return clean, issues
    for raw_key, value in layer.items():
        key = _snake(str(raw_key)) if snake else str(raw_key)
        path = f"{prefix}.{key}" if prefix else key
        if snake and not prefix and key in EDITOR_ONLY:
            continue
        line = lines.get(f"{prefix}.{raw_key}" if prefix else str(raw_key))
        if key not in defaults:
            allowed = ", ".join(sorted(defaults)) or "(none)"
            issues.append(ConfigIssue(source, path, line, f"is not a setting; allowed here: {allowed}"))
            continue
        why = user_only(path) if workspace else None
        if why is not None:
            issues.extend(ConfigIssue(source, leaf, lines.get(leaf, line), _user_only_message(why))
                          for leaf in _leaves(value, path))
            continue
        default = defaults[key]
        if path in FREEFORM or (isinstance(default, dict) and not default):
            if not isinstance(value, dict):
                issues.append(ConfigIssue(source, path, line, "must be a mapping"))
            else:
                clean[key] = _bound_numbers(value, path, source, lines, issues)
            continue
        if isinstance(default, dict):
            sub, sub_issues = _check(value, default, source, lines, path, snake, workspace)
            clean[key] = sub
            issues.extend(sub_issues)
            continue
        if _is_number(default) and _is_number(value):
            used, problem = bound(path, _as_float(value), default, integer=isinstance(default, int))
            if problem:
                issues.append(ConfigIssue(source, path, line, problem))
            clean[key] = used
            continue
        if path in NULLABLE and value is not None and not _type_ok(NULLABLE[path](), value):
            issues.append(ConfigIssue(source, path, line, f"must be {_type_name(NULLABLE[path]())} or null, got {value!r}"))
            continue
        if not _type_ok(default, value):
            issues.append(ConfigIssue(source, path, line, f"must be {_type_name(default)}, got {value!r}"))
            continue
        if path in ALLOWED and value not in ALLOWED[path]:
            issues.append(ConfigIssue(source, path, line, f"must be one of {', '.join(ALLOWED[path])}, got {value!r}"))
            continue
        if path in ("router.chain",) and any(p not in PROVIDER_NAMES for p in value):
            issues.append(ConfigIssue(source, path, line, f"may only name {', '.join(PROVIDER_NAMES)}"))
            continue
        clean[key] = value
    return clean, issues


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_float(value: float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int with hundreds of digits
        return math.inf if value > 0 else -math.inf


def _user_only_message(why: str) -> str:
    return (f"is ignored: it {why}, so only your user config ({user_config_path()}) or the editor "
            "may set it, never a workspace file")


def _leaves(value: Any, path: str) -> list[str]:
    """The dotted keys a workspace tried to set under `path`, for one warning each."""
    if not isinstance(value, dict) or not value:
        return [path]
    out: list[str] = []
    for key, sub in value.items():
        out.extend(_leaves(sub, f"{path}.{key}"))
    return out


def _bound_numbers(value: dict[str, Any], path: str, source: str, lines: dict[str, int],
                   issues: list[ConfigIssue]) -> dict[str, Any]:
    """Free-form sections (jobs, retention, budgets) still get their numeric ranges."""
    out: dict[str, Any] = {}
    for key, sub in value.items():
        sub_path = f"{path}.{key}"
        if isinstance(sub, dict):
            out[key] = _bound_numbers(sub, sub_path, source, lines, issues)
        elif _is_number(sub) and range_for(sub_path) is not None:
            used, problem = bound(sub_path, _as_float(sub), None, integer=isinstance(sub, int))
            if problem:
                issues.append(ConfigIssue(source, sub_path, lines.get(sub_path), problem))
            if used is not None:
                out[key] = used
        else:
            out[key] = sub
    return out


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class Section:
    """Attribute access to a settings mapping: `settings.diagnostics.debounce_ms`."""

    def __init__(self, data: dict[str, Any], path: str = "") -> None:
        self._data = data
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = self._data[name]
        except KeyError:
            raise AttributeError(f"no setting {self._path + '.' if self._path else ''}{name}") from None
        if isinstance(value, dict):
            return Section(value, f"{self._path}.{name}" if self._path else name)
        return value

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self._data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._data)

    def __repr__(self) -> str:
        return f"Section({self._path or 'root'})"


class Settings(Section):
    """The merged settings, plus the issues found while loading them."""

    def __init__(
        self, data: dict[str, Any], issues: list[ConfigIssue] | None = None, sources: list[str] | None = None,
        editor_python: str | None = None,
    ) -> None:
        super().__init__(data)
        self.issues = issues or []
        self.sources = sources or []
        self.editor_python = editor_python  # the editor's interpreter (python.interpreter), after config

    @property
    def valid(self) -> bool:
        return not self.issues


_defaults: dict[str, Any] | None = None


def load_defaults() -> dict[str, Any]:
    """A fresh copy of the shipped defaults (parsed once per process: start-up and every reload use them)."""
    global _defaults
    if _defaults is None:
        _defaults = shipped_defaults(DEFAULTS_PATH)
    return copy.deepcopy(_defaults)


def _read_layer(
    path: Path, defaults: dict[str, Any], workspace: bool = False
) -> tuple[dict[str, Any], list[ConfigIssue]]:
    if not os.path.lexists(path):  # most workspaces have no file: PyYAML stays unloaded (issue 15)
        return {}, []
    from zc_lsp import config_yaml

    try:
        text = config_yaml.read(path)
    except FileNotFoundError:
        return {}, []
    except config_yaml.ConfigLimitError as exc:
        return {}, [ConfigIssue(str(path), "(file)", None, f"{exc.problem}; the file is ignored")]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [ConfigIssue(str(path), "(file)", None, f"cannot be read: {exc}")]
    try:
        data, lines = config_yaml.parse(text)
    except config_yaml.ConfigLimitError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        return {}, [ConfigIssue(str(path), "(file)", line, f"{exc.problem}; the file is ignored")]
    except config_yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return {}, [ConfigIssue(str(path), "(syntax)", line, f"is not valid YAML: {problem}; the file is ignored")]
    if data is None:
        return {}, []
    return _check(data, defaults, str(path), lines, workspace=workspace)


def load_settings(
    workspace_root: Path | None = None,
    editor: dict[str, Any] | None = None,
    user_file: Path | None = None,
) -> Settings:
    """Merge every layer. Never raises for bad user input: problems go into `Settings.issues`."""
    defaults = load_defaults()
    merged = copy.deepcopy(defaults)
    issues: list[ConfigIssue] = []
    sources = [str(DEFAULTS_PATH)]
    files = [(user_file or user_config_path(), False)]
    if workspace_root is not None:
        files.append((Path(workspace_root) / WORKSPACE_FILE, True))
    for path, is_workspace in files:
        layer, layer_issues = _read_layer(path, defaults, workspace=is_workspace)
        issues.extend(layer_issues)
        if layer or layer_issues:
            sources.append(str(path))
        merged = _merge(merged, layer)
    too_big = bounded(editor) if editor else None
    if too_big:
        issues.append(ConfigIssue(EDITOR_SOURCE, "(settings)", None, f"are {too_big}; they are ignored"))
    elif editor:
        layer, layer_issues = _check(editor, defaults, EDITOR_SOURCE, {}, snake=True)
        issues.extend(layer_issues)
        merged = _merge(merged, layer)
        sources.append("editor settings")
    return Settings(merged, issues, sources, editor_python=_editor_python(editor))


def _editor_python(editor: dict[str, Any] | None) -> str | None:
    """`python.interpreter` from the editor (its Python extension's choice for this folder)."""
    python = editor.get("python") if isinstance(editor, dict) else None
    value = python.get("interpreter") if isinstance(python, dict) else None
    return value if isinstance(value, str) and value.strip() else None
