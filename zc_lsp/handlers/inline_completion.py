"""`textDocument/inlineCompletion` (LSP 3.18): ghost text from the Programming agent through the router.

Per document only the newest request asks a model: a new one supersedes the pending one (its
debounce ends and its model call is cancelled through the CancelToken), and `$/cancelRequest`
cancels the task, which closes the HTTP stream. Replies are cached by document and the text around
the cursor (not the version), so undo or retyping answers at once. With no model reachable the
list is empty; there are no offline suggestions.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.runner import too_big
from zc_lsp.core.cancel import CancelToken
from zc_lsp.handlers.convert import uri_to_path

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)
MAX_NEARBY_DOCS = 10
MAX_NEARBY_BYTES = 200_000  # a bigger open file is not searched for definitions on every keystroke
EMPTY = types.InlineCompletionList(items=[])


@dataclass
class _Pending:
    token: CancelToken = field(default_factory=CancelToken)
    superseded: asyncio.Event = field(default_factory=asyncio.Event)

    def supersede(self) -> None:
        self.superseded.set()
        self.token.cancel()


class InlineCompleter:
    """Debounce, supersede, cache; the agent does the prompt, the model call and the parse check."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: dict[str, _Pending] = {}
        self.cache: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
        self.last: dict[str, Any] = {}  # the last answer's provenance and timing (zc.status, benchmark)

    async def complete(self, params: types.InlineCompletionParams) -> types.InlineCompletionList:
        session = self.session
        uri = params.text_document.uri
        try:
            services = await session.wait_ready_for(uri)  # the workspace folder that holds the document
        except (RuntimeError, TimeoutError) as exc:
            log.info("inline completion before services: %s", exc)
            return EMPTY
        settings = services.settings
        if not settings.get("completion.enabled", True):
            return EMPTY
        if not session.documents.is_open(uri):
            return EMPTY
        doc = session.documents.snapshot(uri)
        if too_big(doc, settings):  # never parsed, hashed or sent: it would hold the loop for seconds
            return EMPTY
        if (doc.language_id or "python") != "python" and not uri.endswith((".py", ".pyi")):
            return EMPTY  # suggestions are checked by parsing them in place, as Python
        line, char = session.lines(doc.text).from_client(params.position)
        key = (uri, _around_cursor(doc.text, line, char))
        size = int(settings.get("completion.cache_size", 64) or 0)
        if (hit := self.cache.get(key)) is not None:
            self.cache.move_to_end(key)
            return _items(hit, params.position)
        previous = self.pending.get(uri)
        if previous is not None:
            previous.supersede()
        mine = self.pending[uri] = _Pending()
        try:
            debounce = int(settings.get("completion.debounce_ms", 75) or 0)
            if debounce and params.context.trigger_kind != types.InlineCompletionTriggerKind.Invoked:
                with contextlib.suppress(TimeoutError):  # the debounce ran out: this request asks the model
                    await asyncio.wait_for(mine.superseded.wait(), debounce / 1000)
            if mine.superseded.is_set():
                return EMPTY
            started = time.perf_counter()
            try:
                agent, action = services.registry.serving(types.TEXT_DOCUMENT_INLINE_COMPLETION)
            except LookupError as exc:
                log.info("inline completion: %s", exc)
                return EMPTY
            request = AgentRequest(
                action, doc=doc, args={"line": line, "character": char, "nearby": self._nearby(uri)}
            )
            result = await services.agents.run(agent, request, cancel=mine.token)
        finally:
            if self.pending.get(uri) is mine:
                del self.pending[uri]
        if not result.ok or mine.token.cancelled:
            if not mine.token.cancelled:
                log.info("inline completion: %s", result.error)
            return EMPTY
        items = [str(t) for t in result.data.get("items") or []]
        self.last = {
            "provenance": result.provenance,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "items": len(items),
            "trimmed": bool(result.data.get("trimmed")),
        }
        if result.provider and size > 0:  # a model answered: worth keeping (even "nothing fits here")
            self.cache[key] = items
            while len(self.cache) > size:
                self.cache.popitem(last=False)
        return _items(items, params.position)

    def _nearby(self, uri: str) -> list[list[str]]:
        """Other open Python documents (path, text): the agent picks the definitions the cursor's code names."""
        out: list[list[str]] = []
        for other, document in self.session.documents.items():
            if other == uri or (document.language_id or "python") != "python":
                continue
            path = uri_to_path(other)
            text = document.source
            if path is None or len(text) > MAX_NEARBY_BYTES:
                continue
            out.append([str(path), text])
            if len(out) >= MAX_NEARBY_DOCS:
                break
        return out


def _around_cursor(text: str, line: int, char: int) -> str:
    """A digest of the whole text before and after the cursor: the same text gives the same key at any version."""
    lines = text.split("\n")
    line = min(max(line, 0), len(lines) - 1)
    offset = sum(len(lines[i]) + 1 for i in range(line)) + min(char, len(lines[line]))
    digest = hashlib.blake2b(digest_size=16)
    digest.update(text[:offset].encode("utf-8", "surrogatepass"))
    digest.update(b"\x00\xff")
    digest.update(text[offset:].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _items(texts: list[str], position: types.Position) -> types.InlineCompletionList:
    here = types.Range(start=position, end=position)
    return types.InlineCompletionList(items=[types.InlineCompletionItem(insert_text=t, range=here) for t in texts])


def register(session: Session) -> None:
    server = session.server
    completer = InlineCompleter(session)

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION)  # options: handlers/table.py
    async def inline_completion(params: types.InlineCompletionParams) -> types.InlineCompletionList:
        return await completer.complete(params)
