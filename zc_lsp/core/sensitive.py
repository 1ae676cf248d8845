"""The one check before a file's text becomes model context: sensitive files are never sent.

Prompt builders (explain, chat @file/context, docstring, review, generate, fix, gen tests, model
review, workspace context) call `refuse_reason(path, root)`; a non-None answer is shown to the user
as is and nothing of the file is sent. Offline engines may still read such files locally.
Rules are cached per workspace root and reloaded when an ignore file changes.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathspec costs ~15 ms to import: loaded on the first check, not at server start
    from zc_lsp.core.ignore import IgnoreRules

_cache: dict[Path, tuple[tuple[tuple[str, float], ...], IgnoreRules]] = {}
_lock = threading.Lock()


def rules_for(root: str | os.PathLike[str]) -> IgnoreRules:
    """The workspace's ignore rules, re-read when any ignore file it loaded changed."""
    key = Path(root).resolve()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == _stamp(hit[1]):
            return hit[1]
    from zc_lsp.core.ignore import IgnoreRules

    rules = IgnoreRules.load(key)
    with _lock:
        _cache[key] = (_stamp(rules), rules)
    return rules


def _stamp(rules: IgnoreRules) -> tuple[tuple[str, float], ...]:
    out = []
    for f in [*rules.files, rules.root / ".gitignore", rules.root / ".zombiecoderignore"]:
        try:
            out.append((str(f), f.stat().st_mtime))
        except OSError:
            out.append((str(f), -1.0))
    return tuple(out)


def refuse_reason(path: str | os.PathLike[str], root: str | os.PathLike[str] | None) -> str | None:
    """None when the file may be sent; else the plain message for the user ("not sent: ...")."""
    rules = rules_for(root if root is not None else Path(path).parent)
    why = rules.reason(path)
    if why is None:
        return None
    return f"not sent: {Path(str(path)).name} is a sensitive file ({why})"
