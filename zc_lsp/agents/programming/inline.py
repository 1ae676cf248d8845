"""Inline completion (ghost text): a fill-in-the-middle request to the router, and a suggestion that parses.

The prompt holds the code before and after the cursor (bounded), the file's imports when the prefix
was cut, and a few definitions from other open files that the code near the cursor names. Providers
with a FIM endpoint get (prefix, suffix) as is; the rest get the chat fallback prompt. The reply is
kept only as far as it parses in place: inserted between prefix and suffix, the module compiles (or
keeps exactly the syntax error it already had after the cursor); else it is cut back to the longest
clean line boundary that does, and dropped when none does. Nothing is ever executed.
"""

from __future__ import annotations

import asyncio
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.prompts import PromptError, render
from zc_lsp.core.sensitive import refuse_reason
from zc_lsp.core.types import DocSnapshot
from zc_lsp.router.base import ModelRequest, NoModelAvailable

MAX_PREFIX_CHARS = 3000
MAX_SUFFIX_CHARS = 1500
MAX_CONTEXT_SNIPPETS = 3
MAX_SNIPPET_LINES = 8
INLINE_PARSE_CHARS = 20_000  # modules smaller than this are parse-checked on the loop (well under 1 ms)
MAX_NAMES = 40  # identifiers looked up in the other open files
NEAR_LINES = 25  # identifiers in this many lines before the cursor pick the open files' definitions
_IMPORT = re.compile(r"^(?:from\s+\S+\s+import\s+.+|import\s+.+)$", re.M)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_FENCE = re.compile(r"```[A-Za-z0-9_+-]*\n(.*?)(?:```|\Z)", re.S)


@dataclass(frozen=True)
class FimParts:
    prefix: str  # the document before the cursor (bounded), as inserted into
    suffix: str  # the document after the cursor (bounded)
    context: str  # imports (when the prefix was cut) and open files' definitions, as comments
    full_prefix: str  # the whole document before the cursor: the parse check uses the whole module
    full_suffix: str


def split_at(text: str, line: int, char: int) -> tuple[str, str]:
    lines = text.split("\n")
    line = min(max(line, 0), len(lines) - 1) if lines else 0
    offset = sum(len(lines[i]) + 1 for i in range(line)) + min(max(char, 0), len(lines[line]) if lines else 0)
    return text[:offset], text[offset:]


def definitions_named(names: set[str], sources: list[tuple[str, str]]) -> list[str]:
    """Short excerpts (signature and a few lines) of top-level definitions in other files named in `names`."""
    if not names:
        return []
    wanted = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"^(?:async[ \t]+def|def|class)[ \t]+(?:{wanted})\b", re.M)  # one pass per file
    out: list[str] = []
    for shown, text in sources:
        for match in pattern.finditer(text):
            first = text.count("\n", 0, match.start())
            excerpt = text[match.start() :].split("\n", MAX_SNIPPET_LINES)[:MAX_SNIPPET_LINES]
            out.append(f"{shown} (line {first + 1}):\n" + "\n".join(excerpt).rstrip())
            if len(out) >= MAX_CONTEXT_SNIPPETS:
                return out
    return out


def build_parts(doc: DocSnapshot, line: int, char: int, nearby: list[tuple[str, str]]) -> FimParts:
    full_prefix, full_suffix = split_at(doc.text, line, char)
    prefix, suffix = full_prefix, full_suffix
    context: list[str] = []
    if len(prefix) > MAX_PREFIX_CHARS:
        cut = prefix.find("\n", len(prefix) - MAX_PREFIX_CHARS)
        prefix = prefix[cut + 1 :] if cut >= 0 else prefix[-MAX_PREFIX_CHARS:]
        imports = _IMPORT.findall(full_prefix[: len(full_prefix) - len(prefix)])
        if imports:
            context.append("The file's imports:\n" + "\n".join(imports[:40]))
    if len(suffix) > MAX_SUFFIX_CHARS:
        cut = suffix.rfind("\n", 0, MAX_SUFFIX_CHARS)
        suffix = suffix[: cut + 1] if cut > 0 else suffix[:MAX_SUFFIX_CHARS]
    near = "\n".join(prefix.split("\n")[-NEAR_LINES:])
    defined_here = set(re.findall(r"^\s*(?:async\s+def|def|class)\s+([A-Za-z_]\w*)", doc.text, re.M))
    recent = dict.fromkeys(reversed(_IDENT.findall(near)))  # nearest to the cursor first
    names = set([n for n in recent if n not in defined_here and not keyword.iskeyword(n)][:MAX_NAMES])
    snippets = definitions_named(names, nearby) if names and nearby else []
    if snippets:
        context.append("Definitions from other open files:\n" + "\n\n".join(snippets))
    return FimParts(prefix, suffix, "\n\n".join(context), full_prefix, full_suffix)


def fim_prefix(parts: FimParts, path: str) -> str:
    """What a FIM endpoint sees before the cursor: the context as comments, then the code."""
    if not parts.context:
        return parts.prefix
    commented = "\n".join(f"# {line}" if line else "#" for line in parts.context.split("\n"))
    return f"# Path: {path}\n{commented}\n\n{parts.prefix}"


def strip_reply(text: str, line_before: str) -> str:
    """The code a model meant: out of a Markdown fence, without a repeat of the line before the cursor."""
    fenced = _FENCE.search(text)
    if fenced is not None:
        text = fenced.group(1)
    head = line_before.strip()
    if head and text.lstrip().startswith(head):  # a chat model often repeats the line it was asked to finish
        text = text.lstrip()[len(head) :]
    return text.rstrip()


def _error(source: str) -> tuple[str, int] | None:
    try:
        compile(source, "<inline>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.msg, exc.lineno or 0
    except ValueError as exc:  # NUL bytes
        return str(exc), 0
    return None


def parses_in_place(prefix: str, text: str, suffix: str, baseline: tuple[str, int] | None) -> bool:
    """The module with `text` inserted compiles, or fails only with the error it had anyway, after the insertion."""
    error = _error(prefix + text + suffix)
    if error is None:
        return True
    if baseline is None:
        return False
    inserted_end = (prefix + text).count("\n") + 1
    if not (error[0] == baseline[0] and error[1] > inserted_end and error[1] - text.count("\n") == baseline[1]):
        return False
    # The same error at the same place may still be a new one (an unclosed bracket runs on to it): the
    # module up to that line must then be as good with the suggestion as without it.
    return _error(_head(prefix + text + suffix, error[1])) == _error(_head(prefix + suffix, baseline[1]))


def _head(source: str, line: int) -> str:
    """The lines before 1-based `line`."""
    return "".join(source.splitlines(keepends=True)[: max(line - 1, 0)])


def fit_suggestion(prefix: str, suggestion: str, suffix: str) -> str:
    """The longest head of `suggestion` (whole, or cut at a line end) that parses in place; "" if none."""
    if not suggestion.strip():
        return ""
    baseline = _error(prefix + suffix)
    candidates = [suggestion]
    first_after = suffix.split("\n", 1)[0].strip()
    for k in range(len(first_after), 0, -1):  # the model repeated what follows the cursor: drop the repeat
        if suggestion.rstrip().endswith(first_after[:k]):
            candidates.append(suggestion.rstrip()[: len(suggestion.rstrip()) - k])
            break
    cuts = [i for i, c in enumerate(suggestion) if c == "\n"]
    candidates += [suggestion[:i] for i in reversed(cuts)]
    for candidate in candidates:
        if candidate.strip() and parses_in_place(prefix, candidate, suffix, baseline):
            tidy = candidate.rstrip()  # no trailing blank lines in ghost text, when it parses without them
            return tidy if tidy != candidate and parses_in_place(prefix, tidy, suffix, baseline) else candidate
    return ""


async def inline_complete(agent: str, request: AgentRequest, ctx: AgentContext) -> AgentResult:
    """args: line, character (the cursor), nearby: [[path, text], ...] of the other open files."""
    action = request.action
    doc = request.doc
    if doc is None:
        return AgentResult.failure(agent, action, "Inline completion needs a document.")
    if doc.path is not None and (why := refuse_reason(doc.path, ctx.workspace_root)):
        return AgentResult.failure(agent, action, why, data={"refused": True})
    if ctx.router is None:
        return AgentResult.failure(agent, action, "no model router", data={"items": []})
    line, char = int(request.args.get("line", 0)), int(request.args.get("character", 0))
    nearby = []
    for where, text in request.args.get("nearby") or []:  # open files: sensitive ones never become context
        path = Path(str(where))
        if not refuse_reason(path, ctx.workspace_root):
            nearby.append((shown_name(path, ctx.workspace_root, str(where)), str(text)))
    if len(doc.text) + sum(len(t) for _, t in nearby) > INLINE_PARSE_CHARS * 10:
        parts = await asyncio.to_thread(build_parts, doc, line, char, nearby)
    else:  # the usual case: a few regex passes, cheaper than a thread hop
        parts = build_parts(doc, line, char, nearby)
    shown = doc.path.name if doc.path else doc.uri
    try:
        rendered = render(
            "inline_complete",
            ctx.settings,
            base_dir=ctx.workspace_root,
            path=shown,
            language=doc.language_id or "python",
            context=parts.context,
            code=parts.prefix,
            suffix=parts.suffix,
        )
    except PromptError as exc:
        return AgentResult.failure(agent, action, f"prompt template inline_complete: {exc}")
    model_request = ModelRequest(
        role=agent,
        prompt=rendered.prompt,
        system=rendered.system,
        temperature=0.1,
        cache=False,
        max_tokens=int(ctx.settings.get("completion.max_tokens", 96) or 96),
        fim=(fim_prefix(parts, shown), parts.suffix),
        metadata={"kind": "inline_completion"},
    )
    try:
        reply = await ctx.router.complete(model_request, cancel=ctx.cancel)
    except NoModelAvailable as exc:
        return AgentResult(
            ok=True,
            agent=agent,
            action=action,
            summary="no model answered",
            data={"items": [], "attempts": list(exc.attempts)},
        )  # no provenance: nobody answered
    line_before = parts.prefix.rsplit("\n", 1)[-1]
    raw = strip_reply(reply.text, line_before)
    size = len(parts.full_prefix) + len(parts.full_suffix)
    if size < INLINE_PARSE_CHARS:  # compiling a small module costs less than the hop to a thread
        text = fit_suggestion(parts.full_prefix, raw, parts.full_suffix)
    else:
        text = await asyncio.to_thread(fit_suggestion, parts.full_prefix, raw, parts.full_suffix)
    data: dict[str, Any] = {
        "items": [text] if text else [],
        "raw_chars": len(raw),
        "trimmed": text != raw,
        "attempts": list(reply.attempts),
    }
    return AgentResult(
        ok=True,
        agent=agent,
        action=action,
        summary=text,
        data=data,
        provider=reply.provider,
        model=reply.model,
        cached=reply.cached,
    )


def shown_name(path: Path | None, root: Path, uri: str) -> str:
    if path is None:
        return uri
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
