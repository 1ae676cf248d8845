"""Config, template and framework-settings scanning: secrets and insecure settings beyond `.py`.

`scan_config` reads YAML, TOML, JSON, INI/cfg, `.env` and Jinja2/Django templates; `scan_python_settings`
reads the same settings where they are written in Python. Both are blocking (call them in a
thread) and both return the findings plus the reasons a file could not be parsed, which callers
must report (see `zc_lsp.agents.engines.parse_failure`). Token formats (AWS keys, PEM blocks ...)
come from the secret engine, so a key is found the same way in `config.py` and `config.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePath

from zc_lsp.agents.engines.config_kinds import config_kind, is_config_file
from zc_lsp.agents.engines.config_scan.judge import dsn_password, judge_secret, judge_setting
from zc_lsp.agents.engines.config_scan.python_settings import scan_python_settings
from zc_lsp.agents.engines.config_scan.rules import RULES, make_finding
from zc_lsp.agents.engines.config_scan.structured import (
    Leaf,
    Unparsable,
    env_leaves,
    ini_leaves,
    json_leaves,
    toml_leaves,
    yaml_leaves,
)
from zc_lsp.agents.engines.config_scan.templates import scan_template
from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.engines.secrets_engine import scan_secrets
from zc_lsp.core.types import Finding, Span

__all__ = ["ENGINE_VERSION", "RULES", "Unparsable", "config_kind", "is_config_file", "scan_config", "scan_python_settings"]

ENGINE = "config"
ENGINE_VERSION = "2"  # bump when findings change for the same input: review caches key on it
# Tools' own config: their `debug`/`secure` keys are not a web framework's.
_TOOL_CONFIGS = {
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
    "pytest.ini",
    "mypy.ini",
    ".flake8",
    "ruff.toml",
    ".ruff.toml",
    ".pre-commit-config.yaml",
    "mkdocs.yml",
    ".readthedocs.yaml",
    ".readthedocs.yml",
    "package.json",
    ".zombiecoder.yaml",
    "codecov.yml",
    ".codecov.yml",
}
_JSONC = re.compile(r"(?:^(?:ts|js)config.*|devcontainer|\.eslintrc|settings|launch|tasks|extensions)\.json$|\.jsonc$")
_I18N = re.compile(r"(?i)(?:^|/)(?:locales?|i18n|l10n|translations?|lang|langs)/")
_DEV_FILE = re.compile(
    r"(?i)(?:^|[._\-/])(?:dev|devel|development|local|test|tests|testing|example|sample)(?:[._\-]|$)"
)


def _leaves(kind: str, text: str, name: str) -> tuple[list[Leaf], list[Unparsable]]:
    """The file's leaves; a UTF-8 byte order mark (Windows editors write one) is not part of the format."""
    if text.startswith("\ufeff"):
        leaves, failures = _leaves(kind, text[1:], name)
        return [replace(f, col=f.col + 1, end_col=f.end_col + 1) if f.line == 0 else f for f in leaves], failures
    if kind == "env":
        return env_leaves(text)
    parse = {"yaml": yaml_leaves, "toml": toml_leaves, "ini": ini_leaves}.get(kind)
    try:
        if parse is not None:
            return parse(text), []
        return json_leaves(text, comments=bool(_JSONC.search(name))), []
    except Unparsable as exc:
        return [], [exc]


def scan_config(text: str, filename: str, language_id: str = "") -> tuple[list[Finding], list[Unparsable]]:
    """Findings in one config file or template, and the reasons it could not be (fully) parsed."""
    kind = config_kind(filename, language_id)
    if kind is None:
        return [], []
    name = PurePath(filename).name
    if kind == "template":
        # Vendor tokens pasted into a page's script; the generic guesses are noise in markup (SRI hashes).
        tokens = [f for f in scan_secrets(text, name) if f.code not in _GENERIC_SECRETS]
        return sorted(scan_template(text) + tokens, key=lambda f: (f.span.start_line, f.span.start_char)), []
    leaves, failures = _leaves(kind, text, name)
    settings_apply = name not in _TOOL_CONFIGS
    # Translation catalogues map `password` to the word for it ("Passwort"): labels, not secrets.
    secrets_apply = not _I18N.search(filename.replace("\\", "/"))
    debug_applies = settings_apply and not _DEV_FILE.search(filename.replace("\\", "/").rsplit("/", 1)[-1])
    own: list[Finding] = []
    judged_lines: set[int] = set()
    lines = split_lines(text)
    for leaf in (_unpack_env_item(leaf, lines) for leaf in leaves):
        judged_lines.add(leaf.line)
        span = Span(leaf.line, leaf.col, leaf.line, max(leaf.end_col, leaf.col))
        setting = judge_setting(leaf.path, leaf.value) if settings_apply else None
        if setting and (setting[0] != "ZC-CONF-DEBUG" or debug_applies):
            own.append(make_finding(setting[0], span, setting[1], ENGINE))
        if (where := dsn_password(leaf.value)) is not None:
            start = leaf.col + where[0] + (1 if _quoted_at(lines, leaf) else 0)
            pw_span = Span(leaf.line, start, leaf.line, start + where[1] - where[0])
            own.append(
                make_finding("ZC-CONF-DSN", pw_span, f"`{'.'.join(leaf.path)}` has a password in its URL.", ENGINE)
            )
        elif secrets_apply and (seen := judge_secret(leaf.path[-1], leaf.value)) is not None:
            own.append(make_finding("ZC-CONF-SECRET", span, seen, ENGINE))
    return _merge(own, scan_secrets(text, name), judged_lines), failures


def _quoted_at(lines: list[str], leaf: Leaf) -> bool:
    """Whether the value's column points at an opening quote (YAML/JSON positions include it)."""
    line = lines[leaf.line] if leaf.line < len(lines) else ""
    return line[leaf.col : leaf.col + 1] in ("'", '"')


_ENV_ITEM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)


def _unpack_env_item(leaf: Leaf, lines: list[str]) -> Leaf:
    """docker-compose `environment: [DB_PASSWORD=...]` items are judged as the variable they set."""
    if not isinstance(leaf.value, str) or leaf.path[-1].lower() not in ("environment", "env", "args"):
        return leaf
    m = _ENV_ITEM.fullmatch(leaf.value)
    if m is None:
        return leaf
    col = leaf.col + (1 if _quoted_at(lines, leaf) else 0) + len(m.group(1)) + 1
    return Leaf((*leaf.path, m.group(1)), m.group(2), leaf.line, col, col + len(m.group(2)))


# The secret engine's guesses that our key/URL judgement covers better (it knows placeholders).
_GENERIC_SECRETS = {"ZC-SECRET-KEYWORD", "ZC-SECRET-HIGH-ENTROPY", "ZC-SECRET-BASIC-AUTH-CREDENTIALS"}


def _merge(own: list[Finding], secrets: list[Finding], judged_lines: set[int]) -> list[Finding]:
    """One finding per secret: a vendor token (ZC-SECRET-AWS) beats our key-based one on its line; our
    key-based judgement beats the secret engine's generic guesses, which cannot tell a placeholder."""
    specific = {f.span.start_line for f in secrets if f.code not in _GENERIC_SECRETS}
    kept = [f for f in own if not (f.code in ("ZC-CONF-SECRET", "ZC-CONF-DSN") and f.span.start_line in specific)]
    kept += [f for f in secrets if f.code not in _GENERIC_SECRETS or f.span.start_line not in judged_lines]
    kept.sort(key=lambda f: (f.span.start_line, f.span.start_char, f.code))
    return kept
