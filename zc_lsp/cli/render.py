"""Terminal output: Markdown answers rendered with rich on a terminal, left as Markdown in a pipe."""

from __future__ import annotations

import sys
from typing import TextIO


def print_markdown(text: str, out: TextIO | None = None) -> None:
    """Render `text` as Markdown when `out` is a terminal; print it unchanged otherwise (scripts
    and `| less` get the plain text, which is Markdown already)."""
    stream = out or sys.stdout
    if not stream.isatty():
        stream.write(text.rstrip() + "\n")
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console(file=stream, soft_wrap=False).print(Markdown(text, code_theme="ansi_dark"))
