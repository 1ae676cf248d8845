"""Multi-root workspaces: each folder has its own services (memory, trust, config, tests).

A document or command belongs to the folder whose root is the longest prefix of its path; one
outside every folder goes to the first folder's services, which also carry the status pusher and
the background automation. `workspace/didChangeWorkspaceFolders` builds an added folder's services
off the loop and closes a removed folder's once its running agent work has ended.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.handlers.convert import uri_to_path
from zc_lsp.handlers.findings_status import findings_section

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session
    from zc_lsp.services import Services

log = logging.getLogger(__name__)
DRAIN_S = 10.0  # a removed folder's running agents get this long to finish before its memory closes


class WorkspaceFolders:
    """Services by folder root. Roots are kept as the editor sent them (absolute, not resolved):
    routing runs on every cursor move, so it compares paths without touching the disk."""

    def __init__(self) -> None:
        self._by_root: dict[Path, Services] = {}
        self.live: dict[Path, Any] = {}  # each added folder's live-status link (`zc status` in that folder)

    def add(self, root: Path, services: Services) -> None:
        self._by_root[Path(root)] = services

    def remove(self, root: Path) -> Services | None:
        return self._by_root.pop(Path(root), None)

    def get(self, root: Path) -> Services | None:
        return self._by_root.get(Path(root))

    def roots(self) -> list[Path]:
        return list(self._by_root)

    def items(self) -> list[tuple[Path, Services]]:
        return list(self._by_root.items())

    def for_path(self, path: Path) -> Services | None:
        best: tuple[int, Services] | None = None
        for root, services in self._by_root.items():
            if (path == root or root in path.parents) and (best is None or len(root.parts) > best[0]):
                best = (len(root.parts), services)
        return best[1] if best is not None else None

    def for_uri(self, uri: str) -> Services | None:
        path = uri_to_path(uri)
        return self.for_path(path) if path is not None else None

    def describe(self) -> list[dict[str, Any]]:
        """For `zc.status`: each folder, its trust, its memory folder and its config layers."""
        out = []
        for root, services in self._by_root.items():
            memory = services.memory
            out.append(
                {
                    "root": str(root),
                    "trusted": services.trusted,
                    "memory": str(memory.path) if memory is not None else None,
                    "config_sources": list(services.settings.sources),
                    "problems": list(services.problems),
                }
            )
        return out


def folder_roots(params: types.InitializeParams) -> list[Path]:
    """Every workspace folder's root, in the editor's order."""
    roots: list[Path] = []
    for folder in params.workspace_folders or []:
        path = uri_to_path(folder.uri)
        if path is not None and path not in roots:
            roots.append(path)
    return roots


async def build_folder(session: Session, root: Path, options: dict[str, Any]) -> Services | None:
    """One folder's services, built off the loop with its own `.zombiecoder.yaml`; None if they failed."""
    from zc_lsp.config import load_settings
    from zc_lsp.handlers.lifecycle import editor_trust
    from zc_lsp.handlers.trust_prompt import stored_trust_in_thread
    from zc_lsp.services import build_services

    try:
        settings = await asyncio.to_thread(load_settings, root, options)
        trusted = editor_trust(options)
        services = await asyncio.to_thread(build_services, root, settings, trusted, registry=session.registry)
        if services.trusted is None:  # the user's own earlier answer for this folder, never the repo's
            services.trusted = await asyncio.to_thread(stored_trust_in_thread, root)
    except Exception as exc:
        log.exception("services for folder %s failed to start", root)
        session.show(f"ZombieCoder could not start for folder {root}: {exc}", types.MessageType.Error)
        return None
    for problem in services.problems:
        session.show(f"ZombieCoder ({root.name}): {problem}", types.MessageType.Warning)
    return services


async def start_folder(session: Session, root: Path, services: Services) -> None:
    """After `initialized`: the folder's settings from the editor, provider reachability, live status."""
    from zc_lsp.background.live_status import register_running_server

    session.server.folders.add(root, services)
    services.status.add_section("findings", lambda: findings_section(session.diagnostics, root))
    await session.configuration.pull_folder(root, services)
    if services.router is not None:
        await services.router.check_reachable()
    session.server.folders.live[root] = await asyncio.to_thread(register_running_server, services)
    if session.services is not None:
        session.services.status.changed()


async def close_folder(session: Session, root: Path) -> None:
    """Stop routing to a removed folder, let its running agent work end, then close its services."""
    services = session.server.folders.remove(root)
    if services is None or services is session.services:
        return  # the first folder keeps the status pusher and the background work: it stays open
    live = session.server.folders.live.pop(root, None)
    if live is not None:  # `zc status` in that folder no longer finds a server that is going away
        await asyncio.to_thread(live.stop)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DRAIN_S
    while _busy(services) and loop.time() < deadline:
        await asyncio.sleep(0.1)
    busy = _busy(services)
    if busy:
        log.warning("folder %s removed with %d agent run(s) still going; its memory stays open", root, busy)
    await services.aclose(close_memory=not busy)  # a thread still writing must keep its SQLite connection
    if session.services is not None:
        session.services.status.changed()


def _busy(services: Services) -> int:
    return sum(stats.running for stats in services.agents.stats.values())


def register(session: Session) -> None:
    server = session.server

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        primary = await session.wait_ready()
        for folder in params.event.removed:
            root = uri_to_path(folder.uri)
            if root is not None and root != primary.workspace_root:
                await close_folder(session, root)
        for folder in params.event.added:
            root = uri_to_path(folder.uri)
            if root is None or server.folders.get(root) is not None:
                continue
            services = await build_folder(session, root, dict(server.initialization_options or {}))
            if services is not None:
                await start_folder(session, root, services)
