"""Reading a file the workspace controls, safely: regular files only, never more than a bound.

A cloned repository can hold symlinks (git stores them): `.gitignore -> /dev/zero` would make a
plain `read_bytes()` allocate until the machine runs out of memory, and a FIFO or `/dev/stdin`
would block the reader forever. Every read of a workspace file that is not an editor buffer goes
through `read_bounded` (or `read_text_bounded`), which refuses both with an error that says why.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DEFAULT_MAX_BYTES = 5_000_000


class UnreadableFile(OSError):
    """The file is not something to read: not a regular file, or over the size bound."""


def read_bounded(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes. Raises UnreadableFile for anything but a regular file (after symlinks), or
    for a file over `max_bytes`, without reading it; other OSErrors (missing, no permission) pass."""
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise UnreadableFile(f"{Path(path).name} is not a regular file ({_kind(mode)}): not read")
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnreadableFile(f"{Path(path).name} is larger than {max_bytes:,} bytes: not read")
    return data


def read_text_bounded(
    path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES, errors: str = "strict"
) -> str:
    """`read_bounded`, decoded as UTF-8 (UnicodeDecodeError passes with errors="strict")."""
    return read_bounded(path, max_bytes).decode("utf-8", errors=errors)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"
