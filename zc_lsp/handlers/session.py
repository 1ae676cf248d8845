"""The typed LSP session the handlers share, built once per server (ruff's `Session`, in Python).

Why: handlers used to meet in an untyped `ls.features[...]` dict. Its keys, the types behind them
and the order the modules had to register in were hidden knowledge; a typo or a renamed method
became a silent no-op. Here every shared part is an attribute with a type, built in one place, and
each handler takes the session explicitly:

- `caps`: the client's capabilities and the position encoding, resolved once at `initialize`;
- `documents`: the open documents, immutable snapshots of them and their split lines;
- `diagnostics`: the per-document publisher (debounced reviews, several sources merged);
- `progress`, `status`, `configuration`: `$/progress` tokens, the `zc/status` pusher, editor settings;
- `handlers`: the handler modules behind the declarations of `handlers/table.py`, loaded after the reply;
- `services`, `registry`, `settings`: what the server was built with (services exist after initialize).

The session lives on the LSP loop; background threads reach it only through `loop`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from zc_lsp.core.files import read_bounded, read_text_bounded
from zc_lsp.core.types import DocSnapshot
from zc_lsp.handlers.capabilities import ClientCaps
from zc_lsp.handlers.convert import Lines, snapshot, uri_to_path
from zc_lsp.handlers.loader import HandlerLoader

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from zc_lsp.agents.registry import AgentRegistry
    from zc_lsp.config import Settings
    from zc_lsp.handlers.configuration import ConfigurationFeature
    from zc_lsp.handlers.diagnostics import DiagnosticsFeature
    from zc_lsp.handlers.progress import ProgressTracker
    from zc_lsp.handlers.status import StatusPusher
    from zc_lsp.server import ZcLanguageServer
    from zc_lsp.services import Services

CommandHandler = Callable[..., Awaitable[Any]]


@dataclass
class Activity:
    """When the user last typed and how late the loop wakes up (the idle sweep and the tuner read it)."""

    last_edit: float = field(default_factory=time.monotonic)
    loop_lag_ms: float = 0.0


@dataclass
class TrustPromptState:
    """Two quick "Run tests" ask once; "Run this time" holds for the session, for that folder only."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    run_once: set[str] = field(default_factory=set)  # workspace folder roots (multi-root: each is asked)


class DocumentStore:
    """The open documents (pygls keeps their text) and immutable snapshots for the work done on them."""

    def __init__(self, server: ZcLanguageServer) -> None:
        self._server = server
        self._lines: dict[str, tuple[int | None, list[str]]] = {}

    def is_open(self, uri: str) -> bool:
        return uri in self._server.workspace.text_documents

    def get(self, uri: str) -> TextDocument:
        """The live document (pygls creates an empty one for a URI the client never opened)."""
        return self._server.workspace.get_text_document(uri)

    def find(self, uri: str) -> TextDocument | None:
        """The open document, or None (unlike `get`, never invents an empty one)."""
        return self._server.workspace.text_documents.get(uri)

    def version(self, uri: str) -> int | None:
        return self.get(uri).version

    def snapshot(self, uri: str) -> DocSnapshot:
        """Text and version as they are now: the work is done on this, and stamped with its version."""
        return snapshot(self.get(uri))

    def read(self, uri: object) -> DocSnapshot:
        """The open document, else the file on disk (callers run this off the loop for large files)."""
        if not isinstance(uri, str) or not uri:
            raise JsonRpcInvalidParams(f"expected a document URI, got {uri!r}")
        if self.is_open(uri):
            return self.snapshot(uri)
        path = uri_to_path(uri)
        if path is None or not path.is_file():
            raise JsonRpcInvalidParams(f"no such file: {uri}")
        try:  # the largest diagnostics.max_file_bytes: a bigger file is refused by every agent anyway
            text = read_bounded(path, 50_000_000).decode("utf-8", errors="replace")
        except OSError as exc:
            raise JsonRpcInvalidParams(f"{uri} cannot be read: {exc}") from None
        return DocSnapshot(uri=uri, path=path, text=text, version=None)

    def text(self, uri: str) -> str:
        """The open buffer, else the file on disk, else "" (a file deleted since it was reported)."""
        if self.is_open(uri):
            return self.get(uri).source
        path = uri_to_path(uri)
        try:
            return read_text_bounded(path, 50_000_000, errors="replace") if path else ""
        except OSError:
            return ""

    def lines(self, doc: TextDocument) -> list[str]:
        """The document's lines, split once per version: code-action listing runs on every cursor move."""
        hit = self._lines.get(doc.uri)
        if hit is not None and hit[0] == doc.version and doc.version is not None:
            return hit[1]
        lines = [ln[:-1] if ln.endswith("\r") else ln for ln in doc.source.split("\n")]
        self._lines[doc.uri] = (doc.version, lines)
        return lines

    def items(self) -> list[tuple[str, TextDocument]]:
        """Every open document, by URI (a copy: the client may open or close one meanwhile)."""
        return list(self._server.workspace.text_documents.items())

    def forget(self, uri: str) -> None:
        self._lines.pop(uri, None)


@dataclass(eq=False)
class Session:
    server: ZcLanguageServer
    caps: ClientCaps = field(default_factory=ClientCaps)
    activity: Activity = field(default_factory=Activity)
    changed_files: dict[str, float] = field(default_factory=dict)  # uri -> time of the last change (idle sweep)
    trust_prompt: TrustPromptState = field(default_factory=TrustPromptState)
    commands: dict[str, CommandHandler] = field(default_factory=dict)  # every registered workspace command
    loop: asyncio.AbstractEventLoop | None = None  # the LSP loop, known from `initialized` on
    root: Path | None = None  # the first folder, from initialize: the edit guard's root while services start
    # (uri, version, action, line, code) -> (held back, label or reason): repair outcomes of live versions.
    repair_outcomes: dict[tuple[Any, ...], tuple[bool, str]] = field(default_factory=dict)
    documents: DocumentStore = field(init=False)
    handlers: HandlerLoader = field(init=False)  # the handler modules, loaded after the initialize reply

    def __post_init__(self) -> None:
        self.documents = DocumentStore(self.server)
        self.handlers = HandlerLoader(self)

    # -- the parts the handlers share: built on first use, after the initialize reply (issue 15) -----
    @cached_property
    def diagnostics(self) -> DiagnosticsFeature:
        from zc_lsp.handlers.diagnostics import DiagnosticsFeature

        return DiagnosticsFeature(self)

    @cached_property
    def progress(self) -> ProgressTracker:
        from zc_lsp.handlers.progress import ProgressTracker

        return ProgressTracker()

    @cached_property
    def status(self) -> StatusPusher:
        from zc_lsp.handlers.status import StatusPusher

        return StatusPusher(self)

    @cached_property
    def configuration(self) -> ConfigurationFeature:
        from zc_lsp.handlers.configuration import ConfigurationFeature

        return ConfigurationFeature(self)

    # -- what the server was built with ------------------------------------------------------------
    @property
    def services(self) -> Services | None:
        """None until the services are built (after the initialize reply) or when they failed to start."""
        return self.server.services

    @property
    def registry(self) -> AgentRegistry:
        return self.server.registry

    @property
    def settings(self) -> Settings | None:
        """The live settings, or those read at initialize while services are still being built."""
        services = self.server.services
        return services.settings if services is not None else self.server.early_settings

    async def wait_ready(self, timeout: float = 60.0) -> Services:
        return await self.server.wait_ready(timeout)

    def services_for(self, uri: str | None) -> Services | None:
        """Multi-root: the services of the workspace folder holding `uri` (longest root), else the first's."""
        return self.server.services_for(uri)

    async def wait_ready_for(self, uri: str | None, timeout: float = 60.0) -> Services:
        """`wait_ready`, then the services of the folder that holds `uri` (its settings, trust, memory)."""
        return await self.server.wait_ready_for(uri, timeout)

    def services_at(self, uri: str | None) -> Services:
        """The services of the folder holding `uri` (else the first folder's), once started."""
        return self.server.services_for(uri) or self.started()

    def started(self) -> Services:
        """The services, for code that runs only after `wait_ready` (commands, resolves)."""
        services = self.server.services
        if services is None:
            raise RuntimeError(f"ZombieCoder could not start its services: {self.server.startup_error}")
        return services

    # -- initialize ---------------------------------------------------------------------------------
    def resolve_capabilities(self, params: types.InitializeParams) -> None:
        """Called from our `initialize` handler, after pygls negotiated the position encoding."""
        self.caps = ClientCaps.from_lsp(params.capabilities, self.server.workspace.position_encoding)

    def lines(self, text: str) -> Lines:
        """Column conversion in the negotiated encoding."""
        return Lines(text, self.caps.position_encoding)

    # -- the server's own helpers, so handlers need nothing but the session --------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any] | Awaitable[Any], name: str | None = None) -> asyncio.Task[Any]:
        return self.server.spawn(coro, name)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.server.show(message, kind)

    def log_to_client(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.server.log_to_client(message, kind)
