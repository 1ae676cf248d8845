"""The workspace boundary: which files a workspace has, and whether a path lies inside it.

One walker with one skip list, so `zc review .`, the editor's "review workspace", the nightly
template, the idle sweep, test discovery and the shadow copy agree on what the workspace is. It
prunes vendored and cache folders *before* descending (a `node_modules` is never walked), and
honours `.gitignore` / `.zombiecoderignore` through `core.ignore`. One `is_inside` check resolves
symlinks, so a link pointing out of the workspace counts as outside.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

# Folders that never hold the project's own sources and can be huge.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".env",
        "env",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        ".eggs",
        "build",
        "dist",
        "site-packages",
        ".zombiecoder",
        ".idea",
        ".vscode",
    }
)
MAX_FILES = 5000

# Given a path inside the workspace, True when the walker must leave it out.
IgnorePredicate = Callable[[Path], bool]


def skip_dir(name: str) -> bool:
    """True for a folder name the walker (and the shadow copy) never descends into.

    Hidden folders are skipped too, as pytest's default `norecursedirs` does.
    """
    return name in SKIP_DIRS or name.startswith(".") or name.endswith(".egg-info")


def is_inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """True when `path` (symlinks resolved, `..` collapsed) is `root` or lies below it.

    A relative `path` is taken relative to `root`. Resolution is not strict: a file that does not
    exist yet is judged by where it would be created, through whatever links its parents are.
    """
    try:
        base = Path(root).resolve()
        target = Path(path)
        target = (target if target.is_absolute() else base / target).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, or a NUL byte in the name
        return False
    return target == base or base in target.parents


def relative_to_root(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> str | None:
    """The posix path of `path` relative to `root` (both resolved), or None when it is outside."""
    if not is_inside(root, path):
        return None
    base = Path(root).resolve()
    target = Path(path)
    target = (target if target.is_absolute() else base / target).resolve()
    return target.relative_to(base).as_posix()


def ignore_rules(root: str | os.PathLike[str]) -> IgnorePredicate:
    """The default predicate: `.gitignore` / `.zombiecoderignore` and the credential-file list.

    A broken ignore file fails closed (every file counts as sensitive): the walk then lists
    nothing, and the reason is logged once.
    """
    from zc_lsp.core.ignore import IgnoreRules  # pathspec: ~15 ms the server's start-up does not need

    rules = IgnoreRules.load(root)
    if rules.error:
        log.warning("workspace walk of %s lists nothing: %s", root, rules.error)
    return lambda path: rules.ignored(path) or rules.sensitive(path)


def iter_files(
    root: str | os.PathLike[str],
    pattern: str = "*.py",
    *,
    limit: int = MAX_FILES,
    ignore: IgnorePredicate | None = None,
    max_bytes: int | None = None,
    skipped: list[str] | None = None,
) -> Iterator[Path]:
    """Workspace files whose path relative to `root` matches the glob `pattern`, sorted, up to `limit`.

    `pattern` is a glob over the relative posix path; `**/` is optional (so `**/*.py` also finds
    `setup.py` at the top) and a pattern without `/` matches the file name at any depth. Symlinked
    folders are not followed and symlinked files that point outside the workspace are left out.
    `ignore=None` loads the workspace's ignore rules; pass a predicate to use others.
    """
    base = Path(root).resolve()
    if not base.is_dir():
        return
    skip = ignore if ignore is not None else ignore_rules(base)
    name_only = "/" not in pattern
    tail = pattern[3:] if pattern.startswith("**/") else None
    count = 0
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not skip_dir(d) and not skip(here / d))
        for filename in sorted(filenames):
            path = here / filename
            rel = path.relative_to(base).as_posix()
            hit = fnmatch.fnmatch(filename if name_only else rel, pattern) or (
                tail is not None and fnmatch.fnmatch(rel, tail)
            )
            if not hit or skip(path):
                continue
            if path.is_symlink() and not is_inside(base, path):
                if skipped is not None:
                    skipped.append(f"{rel}: a symlink to {_target(path)}, outside the folder; not followed")
                continue
            if max_bytes is not None and _size(path) > max_bytes:
                if skipped is not None:
                    skipped.append(f"{rel}: larger than {max_bytes:,} bytes; skipped")
                continue
            yield path
            count += 1
            if count >= limit:
                log.info("stopped listing %s after %d files matching %s", base, limit, pattern)
                return


def _target(link: Path) -> str:
    try:
        return os.readlink(link)
    except OSError as exc:  # removed since it was listed
        return f"? ({exc.strerror or exc})"


def python_files(
    root: str | os.PathLike[str], *, limit: int = MAX_FILES, ignore: IgnorePredicate | None = None
) -> list[Path]:
    """The workspace's `.py` files: what a workspace review covers."""
    return list(iter_files(root, "*.py", limit=limit, ignore=ignore))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 1 << 62


class Listing(list[Path]):
    """Files found, and whether the listing stopped at its limit (more files are there)."""

    truncated: bool = False
    skipped: list[str]  # files matched but left out, each with why (a symlink out of the folder)

    def __init__(self, paths: Iterable[Path] = ()) -> None:
        super().__init__(paths)
        self.skipped = []


def reviewable_files(
    root: str | os.PathLike[str],
    accept: Callable[[str], bool],
    *,
    limit: int = MAX_FILES,
    max_bytes: int | None = None,
) -> Listing:
    """Files a review covers: `accept(file name)` says which, `.gitignore`/`.zombiecoderignore` hold.

    Unlike `iter_files`, the built-in credential-file list does not exclude anything here: a
    committed `.env` is exactly what a security review must read (locally; the prompt builders
    still refuse to send it to a model, see `core.sensitive`). A file the project ignores is not
    committed, so a secret in it is where secrets belong.
    """
    from zc_lsp.core.ignore import IgnoreRules

    rules = IgnoreRules.load(root)
    if rules.error:
        log.warning("review of %s: an ignore file could not be read (%s); reviewing without it", root, rules.error)
    skipped: list[str] = []
    found = Listing(
        iter_files(
            root,
            "*",
            limit=limit + 1,  # one more than asked: whether there were more is said, never silent
            max_bytes=max_bytes,
            ignore=lambda path: (not path.is_dir() and not accept(path.name)) or rules.ignored(path),
            skipped=skipped,
        )
    )
    found.skipped = skipped
    if len(found) > limit:
        del found[limit:]
        found.truncated = True
        log.info("review of %s stopped at %d files; more are there", root, limit)  # callers tell the user
    return found
