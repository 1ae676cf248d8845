"""Which paths an edit may touch: the path half of the one edit guard (rule 7 of docs/security.md).

Every edit the server offers or applies (code actions, resolve, commands, `zc.applyEdit`, auto-fix,
generated tests, chat blocks) passes `handlers/edits.guard_*`, which asks this module about each
path and checks the document version itself. An edit written by a model may name any path (an
injected comment can ask for `../../.bashrc`, `.git/hooks/pre-commit` or `.vscode/tasks.json`), so
the rules are strict and fail closed:

- the real path (symlinks resolved, `..` collapsed) must lie inside the workspace folder;
- no part of it, as written or as resolved, may be a tool folder (`.git`, `.vscode`, ...) or this
  product's own config (`.zombiecoder.yaml`, `.zombiecoderignore`): editing those changes what runs
  or what is trusted;
- files that `.gitignore` / `.zombiecoderignore` exclude, and credential files, are never edited;
  a broken ignore file refuses every edit (we cannot tell what it meant to protect).
"""

from __future__ import annotations

import os
from pathlib import Path

from zc_lsp.core.sensitive import rules_for
from zc_lsp.core.workspace import is_inside

# Folders whose content configures tools that run code (git hooks, editor tasks and launch configs).
PROTECTED_DIRS = frozenset({".git", ".hg", ".svn", ".vscode", ".idea", ".cursor", ".devcontainer"})
# This product's own workspace files: an edit to them could change what is ignored or trusted.
PROTECTED_FILES = frozenset({".zombiecoder.yaml", ".zombiecoder.yml", ".zombiecoderignore"})


def refuse_path(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str | None:
    """None when an edit may touch `path`; else the reason, in words for the user."""
    raw = os.fspath(path)
    if "\x00" in raw:
        return "the path holds a NUL byte"
    given = Path(raw)
    if not given.is_absolute():
        return "the path is not absolute"
    if not is_inside(root, given):
        return "it is outside the workspace"
    base = Path(root).resolve()
    resolved = given.resolve()
    for parts in (_parts_below(base, given), resolved.relative_to(base).parts):
        for part in parts:
            folded = part.casefold()  # `.GIT` is `.git` on case-insensitive file systems
            if folded in PROTECTED_DIRS:
                return f"{part}/ is a tool folder that edits never touch"
        if parts and parts[-1].casefold() in PROTECTED_FILES:
            return f"{parts[-1]} is ZombieCoder's own workspace config"
    rules = rules_for(base)
    if rules.error:
        return f"the workspace's ignore files cannot be read, so no edit is safe ({rules.error})"
    if rules.sensitive(resolved):
        return "it is a credential or sensitive file"
    if rules.ignored(resolved):
        return "it is excluded by .gitignore or .zombiecoderignore"
    return None


def _parts_below(base: Path, given: Path) -> tuple[str, ...]:
    """The parts of `given` under `base` as written (before symlinks are resolved), when it is there."""
    collapsed = Path(os.path.normpath(given))
    for candidate in (base, Path(os.path.normpath(os.path.abspath(base)))):
        try:
            return collapsed.relative_to(candidate).parts
        except ValueError:
            continue
    return collapsed.parts[1:]  # written through a link to the workspace: judge every part
