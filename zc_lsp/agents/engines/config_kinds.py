"""Which files the config engine reads, by name and language id: cheap, for the editor's hot paths.

Kept apart from `config_scan` (whose package imports every parser, ~40 ms) so that the handlers can
ask "is this a config document?" without loading the scanner at server start.
"""

from __future__ import annotations

from pathlib import PurePath

_SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".json": "json",
    ".jsonc": "json",
    ".ini": "ini",
    ".cfg": "ini",
    ".env": "env",
    ".html": "template",
    ".htm": "template",
    ".jinja": "template",
    ".jinja2": "template",
    ".j2": "template",
    ".djhtml": "template",
}
_LANGUAGES = {
    "yaml": "yaml",
    "toml": "toml",
    "json": "json",
    "jsonc": "json",
    "ini": "ini",
    "dotenv": "env",
    "properties": "ini",
    "html": "template",
    "jinja": "template",
    "jinja-html": "template",
    "django-html": "template",
    "jinja2": "template",
    "j2": "template",
    "django-txt": "template",
}
# Big generated files with nothing of ours in them.
_SKIP_NAMES = {"package-lock.json", "npm-shrinkwrap.json", "composer.json", "yarn.lock"}


def config_kind(filename: str, language_id: str = "") -> str | None:
    """ "yaml" | "toml" | "json" | "ini" | "env" | "template" for a file this engine reads, else None."""
    name = PurePath(filename).name
    if name in _SKIP_NAMES:
        return None
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "env"
    kind = _SUFFIXES.get(PurePath(name).suffix.lower())
    return kind or _LANGUAGES.get(language_id.lower())


def is_config_file(filename: str) -> bool:
    return config_kind(filename) is not None


def reviewable(filename: str) -> bool:
    """What a workspace review covers: Python sources plus the files the config engine reads."""
    return filename.endswith((".py", ".pyi")) or is_config_file(filename)
