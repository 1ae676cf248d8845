"""Context for the Conversational agent's model answers: the code asked about and the chat so far.

Everything gathered here is workspace text or memory, so the prompt templates fence it as
untrusted data; this module only chooses and bounds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.modelwork.source import Block, block_text, def_lines, innermost_def, parse_or_none, selection_block
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import DocSnapshot, Span

MAX_HISTORY_CHARS = 6000
MAX_ITEM_CHARS = 1500
MAX_CODE_LINES = 120
AROUND = 5  # lines either side of a bare cursor outside any function


def item_field(item: Any, name: str) -> Any:
    """MemoryItem attributes or the dicts simple stores return."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def code_at(text: str, span: Span | None) -> tuple[str, int]:
    """The code a request is about: the selection, else the def around the cursor, else nearby lines.

    Returns (code, 0-based first line); bounded to MAX_CODE_LINES.
    """
    lines = split_lines(text)
    if not lines:
        return "", 0
    if span is None:
        return "\n".join(lines[:MAX_CODE_LINES]), 0
    block = selection_block(text, span)
    if block is None:
        tree = parse_or_none(text)
        node = innermost_def(tree, span.start_line, functions_only=False) if tree is not None else None
        if node is not None:
            first, last = def_lines(node)
            block = Block(first, last)
        else:
            line = min(span.start_line, len(lines) - 1)
            block = Block(max(line - AROUND, 0), min(line + AROUND, len(lines) - 1))
    last = min(block.last, block.first + MAX_CODE_LINES - 1)
    return block_text(text, Block(block.first, last)).rstrip("\n"), block.first


def _in_conversation(item: Any, conversation: str | None) -> bool:
    """With a conversation id (a terminal chat after /clear), only that conversation's turns count."""
    if not conversation:
        return True
    metadata = item_field(item, "metadata") or {}
    return isinstance(metadata, dict) and metadata.get("conversation") == str(conversation)


def history_text(memory: Any, message: str, n: int = 6, conversation: str | None = None) -> str:
    """Recent chat turns (oldest first) plus earlier exchanges that match the message, bounded in size."""
    if memory is None:
        return ""
    recent = memory.recent(n * 5 if conversation else n, kind="chat")
    items: list[Any] = [i for i in recent if _in_conversation(i, conversation)][:n][::-1]
    seen = {item_field(i, "content") for i in items}
    try:
        related = [i for i in memory.recall(message, k=3)
                   if item_field(i, "kind") in (None, "chat") and _in_conversation(i, conversation)]
    except Exception:  # a recall problem (odd query) must not cost the answer; recent turns still count
        related = []
    picked = [i for i in related if item_field(i, "content") not in seen] + items
    parts: list[str] = []
    total = 0
    for item in reversed(picked):  # newest kept first when trimming
        content = str(item_field(item, "content") or "")[:MAX_ITEM_CHARS]
        if total + len(content) > MAX_HISTORY_CHARS:
            break
        parts.append(content)
        total += len(content)
    return "\n\n---\n\n".join(reversed(parts))


def code_context(doc: DocSnapshot | None, span: Span | None, hits: list[tuple[str, Path | None, str, int]],
                 root: Path) -> str:
    """The selection (or cursor's function) and the definitions the message names, each with its place."""
    parts = []
    if doc is not None and span is not None:
        code, first = code_at(doc.text, span)
        parts.append(f"# {shown_path(doc.path, root) if doc.path else doc.uri}, from line {first + 1}\n{code}")
    for name, path, text, line in hits:
        code, first = code_at(text, Span(line, 0, line, 0))
        parts.append(f"# `{name}` in {shown_path(path, root)}, from line {first + 1}\n{code}")
    return "\n\n".join(parts)


def shown_path(path: Path | None, root: Path) -> str:
    """A path as the user knows it: relative to the workspace when inside it."""
    if path is None:
        return "the open document"
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


MAX_FILE_CHARS = 12_000  # per `@file`: its head, enough for the model to see what it holds
MAX_FILES = 8


def context_files(doc: DocSnapshot | None, span: Span | None, files: Any,
                  root: Path) -> tuple[DocSnapshot | None, Span | None, str, list[str]]:
    """The chat's file context after the sensitive-file gate: (doc or None, span, extra code, notes).

    The current document is dropped (with a note) when it is sensitive; each `@file` is read, bounded
    and kept only when it passes the same gate. Nothing refused is read into the prompt.
    """
    from zc_lsp.core.sensitive import refuse_reason

    notes: list[str] = []
    if doc is not None and doc.path is not None and (why := refuse_reason(doc.path, root)):
        notes.append(why)
        doc, span = None, None
    parts: list[str] = []
    if doc is not None and span is None:  # the current file without a selection: its head is context
        code, _ = code_at(doc.text, None)
        parts.append(f"# {shown_path(doc.path, root) if doc.path else doc.uri} (the current file)\n{code}")
    wanted = [f for f in files if isinstance(f, str) and f] if isinstance(files, list) else []
    for raw in wanted[:MAX_FILES]:
        path = Path(unquote(urlsplit(raw).path)) if raw.startswith("file:") else Path(raw)
        path = path if path.is_absolute() else root / path
        if why := refuse_reason(path, root):
            notes.append(why)
            continue
        try:
            text = read_text_bounded(path, errors="replace")[:MAX_FILE_CHARS]
        except OSError as exc:
            notes.append(f"not sent: {path.name} cannot be read ({type(exc).__name__})")
            continue
        parts.append(f"# {shown_path(path, root)} (@file)\n{text}")
    if len(wanted) > MAX_FILES:
        notes.append(f"only the first {MAX_FILES} @files were sent")
    return doc, span, "\n\n".join(parts), notes


def history_messages(memory: Any, conversation: str | None, n: int = 50) -> tuple[str | None, list[dict[str, Any]]]:
    """(conversation, messages oldest first) from the stored exchanges (stored scrubbed: no secret).

    Without a conversation id, the newest exchange's conversation is the one shown.
    """
    if memory is None:
        return conversation, []
    items = memory.recent(max(n * 5, 50), kind="chat")
    if not conversation:
        newest = next((i for i in items if (item_field(i, "metadata") or {}).get("conversation")), None)
        if newest is None:
            return None, []
        conversation = str((item_field(newest, "metadata") or {})["conversation"])
    picked = [i for i in items if _in_conversation(i, conversation)][:n][::-1]
    messages: list[dict[str, Any]] = []
    for item in picked:
        content = str(item_field(item, "content") or "")
        question, _, answer = content.removeprefix("Q: ").partition("\n\nA: ")
        metadata = item_field(item, "metadata") or {}
        at = item_field(item, "created_at")
        messages.append({"role": "user", "markdown": question, "at": at})
        messages.append({"role": "assistant", "markdown": answer, "provider": metadata.get("provider"),
                         "model": metadata.get("model"), "at": at})
    return conversation, messages
