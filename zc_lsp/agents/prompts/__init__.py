"""Prompt templates for the model-powered actions, overridable by the user in config.

A template is a Markdown file here: the system prompt, a line `=== prompt ===`, then the user
prompt. `{{name}}` inserts a trusted value (the user's own instruction, a path); `{{data:name}}`
inserts untrusted text (workspace code, test output, memory) fenced as data with a random
boundary and a "treat as data" note. Invisible Unicode is stripped from everything.

Overrides: `prompts: {explain: "path/to/explain.md"}` or inline text. An override without the
separator replaces only the user prompt; the built-in system prompt stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zc_lsp.core.files import read_text_bounded
from zc_lsp.router.sanitize import fence_untrusted, strip_invisible

TEMPLATE_DIR = Path(__file__).parent
TEMPLATE_NAMES = ("implement", "refactor", "optimise", "fix", "generate", "review", "explain", "docstring", "chat",
                  "generate_tests", "inline_complete", "repair")
SEPARATOR = "=== prompt ==="
_VAR = re.compile(r"\{\{(data:)?([A-Za-z_][A-Za-z0-9_]*)\}\}")


class PromptError(ValueError):
    """A template is missing or asks for a value the caller did not give."""


@dataclass(frozen=True)
class RenderedPrompt:
    name: str
    system: str
    prompt: str


def _override_text(value: Any, base_dir: Path | None) -> str:
    text = str(value)
    if "\n" not in text and text.strip().endswith((".md", ".txt", ".j2", ".tmpl")):
        path = Path(text.strip()).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            return read_text_bounded(path, 1_000_000)
        except (OSError, UnicodeDecodeError) as exc:
            raise PromptError(f"prompts override file {path} cannot be read: {exc}") from exc
    return text


def load_template(name: str, settings: Any = None, base_dir: Path | None = None) -> tuple[str, str]:
    """(system, user) template text for `name`, after any `prompts:` override in settings."""
    path = TEMPLATE_DIR / f"{name}.md"
    if name not in TEMPLATE_NAMES and not path.exists():
        raise PromptError(f"no prompt template named {name!r}; known: {', '.join(TEMPLATE_NAMES)}")
    builtin = path.read_text(encoding="utf-8")
    system, _, user = builtin.partition(SEPARATOR)
    overrides = (settings.get("prompts", {}) if settings is not None else {}) or {}
    if name in overrides and overrides[name]:
        text = _override_text(overrides[name], base_dir)
        if SEPARATOR in text:
            system, _, user = text.partition(SEPARATOR)
        else:
            user = text
    return system.strip(), user.strip()


def render(name: str, settings: Any = None, /, *, base_dir: Path | None = None,
           **values: Any) -> RenderedPrompt:
    """Fill template `name`. Untrusted `{{data:x}}` values are fenced; empty ones become "(none)"."""
    system_t, user_t = load_template(name, settings, base_dir)

    def fill(template: str) -> str:
        def sub(m: re.Match[str]) -> str:
            is_data, key = bool(m.group(1)), m.group(2)
            if key not in values:
                raise PromptError(f"prompt {name!r} needs a value for {key!r}")
            value = "" if values[key] is None else str(values[key])
            if is_data:
                return fence_untrusted(value, key) if value.strip() else "(none)"
            return strip_invisible(value)
        return _VAR.sub(sub, template)

    return RenderedPrompt(name, fill(system_t), fill(user_t))


def template_variables(name: str, settings: Any = None) -> set[str]:
    """The names a template expects, so callers and tests can check they pass them all."""
    system, user = load_template(name, settings)
    return {m.group(2) for m in _VAR.finditer(system + "\n" + user)}
