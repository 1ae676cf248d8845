"""initialize / initialized / shutdown: build services, start background work, stop it all cleanly.

The one handler module registered before the initialize reply, so it stays light: the settings,
the other handlers (`handlers/loader.py`) and the services are read, imported and built after it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.core.memtrim import release_freed_memory, settle_start_up_heap
from zc_lsp.handlers.convert import uri_to_path

if TYPE_CHECKING:
    from zc_lsp.config import Settings
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)


def workspace_root(params: types.InitializeParams) -> Path:
    candidates: list[str | None] = []
    if params.workspace_folders:
        candidates.append(params.workspace_folders[0].uri)
    candidates.append(params.root_uri)
    for uri in candidates:
        if uri:
            path = uri_to_path(uri)
            if path is not None:
                return path
    if params.root_path:
        return Path(params.root_path)
    return Path.cwd()


def editor_trust(options: dict[str, Any]) -> bool | None:
    trust = options.get("trust")
    if isinstance(trust, dict) and isinstance(trust.get("trusted"), bool):
        return bool(trust["trusted"])
    value = options.get("trusted")
    return value if isinstance(value, bool) else None


def report_config_issues(session: Session, settings: Settings) -> None:
    if not settings.issues:
        return
    lines = "\n".join(f"- {issue}" for issue in settings.issues)
    log.warning("configuration problems:\n%s", lines)
    first = str(settings.issues[0])
    more = f" (and {len(settings.issues) - 1} more, see the output log)" if len(settings.issues) > 1 else ""
    session.show(f"ZombieCoder config: {first}{more}. Defaults are used for these.", types.MessageType.Warning)
    session.log_to_client("ZombieCoder configuration problems:\n" + lines, types.MessageType.Warning)


def _alive(pid: int) -> bool:
    """A dead editor that its parent has not reaped yet is a zombie: gone all the same."""
    import psutil  # on first use: ~5 ms the path to the initialize reply does not need

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


async def exit_now(session: Session, code: int) -> None:
    """Leave now, whatever happens while cleaning up (the caller may itself be a tracked task)."""
    try:
        from zc_lsp.core import procs

        procs.kill_all()  # first: no test run, pytest child or grandchild outlives the server
        session.server.cancel_all(except_current=True)
        if session.services is not None:
            await asyncio.wait_for(session.services.aclose(close_memory=False), timeout=0.5)
    except BaseException:
        log.exception("clean-up before exit failed")
    finally:
        logging.shutdown()
        os._exit(code)  # the stdin reader thread may be blocked forever on a dead pipe


async def watch_client_process(session: Session, pid: int) -> None:
    """LSP: when the editor process dies, the server must exit (within seconds)."""
    while True:
        await asyncio.sleep(0.2)  # gone within 1 s of the editor, children included
        if not _alive(pid):
            log.error("editor process %s is gone; exiting", pid)
            await exit_now(session, 1)
            return


async def cancel_pending_requests(session: Session) -> None:
    """Cancel every request still running except this one, and let their replies go out.

    pygls then cancels what is left while iterating the same dict; when a cancellation removes
    its entry at once, that iteration fails ("dictionary changed size during iteration") and the
    shutdown reply becomes an InternalError. With nothing left pending, it has nothing to cancel.
    """
    protocol = session.server.protocol
    futures = getattr(protocol, "_request_futures", {})
    current = asyncio.current_task()
    own = futures.get(protocol.msg_id)  # shutdown's own request future: it must reply null, not "cancelled"
    pending = [f for f in list(futures.values()) if f is not current and f is not own and not f.done()]
    for future in pending:
        future.cancel()
    for _ in range(3):  # the done-callbacks that send the replies and drop the entries run on the next turns
        await asyncio.sleep(0)


async def measure_loop_lag(session: Session) -> None:
    """How late the loop wakes up: the honest measure of 'never block the editor'."""
    interval = 0.5
    while True:
        start = time.perf_counter()
        await asyncio.sleep(interval)
        lag_ms = max(0.0, (time.perf_counter() - start - interval) * 1000)
        session.activity.loop_lag_ms = round(lag_ms, 2)
        tuner = getattr(getattr(session.services, "background", None), "tuner", None)
        if tuner is not None:
            tuner.record_loop_lag(lag_ms)


def read_settings(session: Session, root: Path, options: dict[str, Any]) -> None:
    """Runs in the loader's thread before the handlers are imported: they find `early_settings` set."""
    from zc_lsp.config import load_settings

    settings = load_settings(root, options)
    session.server.early_settings = settings
    logging.getLogger("zc_lsp").setLevel(str(settings.log_level).upper())


def register(session: Session) -> None:
    server = session.server

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        server.initialization_options = options
        session.resolve_capabilities(params)
        root = workspace_root(params)
        session.root = root
        # Everything else comes after the reply, in this order: the settings and the handler modules
        # (in a thread), then the services (SQLite files, clients, agents). The editor is not kept waiting.
        session.handlers.before_import(lambda: read_settings(session, root, options))
        session.spawn(build(params, root, editor_trust(options)), name="start services")
        if params.process_id:
            session.spawn(watch_client_process(session, params.process_id), name="client process watch")

    async def build(params: types.InitializeParams, root: Path, trusted: bool | None) -> None:
        try:
            await session.handlers.start()  # a request that arrives meanwhile waits for this, not for the services
            from zc_lsp.handlers.findings_status import findings_section
            from zc_lsp.handlers.folders import build_folder, folder_roots
            from zc_lsp.handlers.trust_prompt import stored_trust_in_thread

            settings = server.early_settings
            if settings is None:
                raise RuntimeError("the settings could not be read (see the log)")
            others = [r for r in folder_roots(params) if r != root]  # multi-root: each folder gets its own services
            services = await asyncio.to_thread(build_services_off_loop, root, settings, trusted, session.registry)
            server.services = services
            if services.trusted is None:  # the user's own earlier answer to the trust prompt, never the repo's
                services.trusted = await asyncio.to_thread(stored_trust_in_thread, root)
            services.status.add_section("loop", lambda: {"lag_ms": session.activity.loop_lag_ms})
            server.folders.add(root, services)
            services.status.add_section("folders", server.folders.describe)
            services.status.add_section("findings", lambda: findings_section(session.diagnostics))
            for other in others:
                if (folder := await build_folder(session, other, server.initialization_options)) is not None:
                    server.folders.add(other, folder)
        except Exception as exc:
            server.startup_error = f"{type(exc).__name__}: {exc}"
            log.exception("services failed to start")
            session.show(f"ZombieCoder could not start: {server.startup_error}", types.MessageType.Error)
        finally:
            server.ready_event().set()

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        session.loop = asyncio.get_running_loop()
        session.spawn(after_initialized(), name="initialized")

    async def after_initialized() -> None:
        services = await session.wait_ready()
        report_config_issues(session, services.settings)
        for problem in services.problems:
            session.show(f"ZombieCoder: {problem}", types.MessageType.Warning)
        session.spawn(measure_loop_lag(session), name="loop lag")
        session.spawn(asyncio.to_thread(warm_up, services, server.protocol), name="warm-up")
        session.status.start()
        await session.configuration.pull()
        from zc_lsp.handlers.folders import start_folder

        for root, folder in server.folders.items():
            if folder is not services:
                await start_folder(session, root, folder)
        if services.settings.background.enabled:
            await asyncio.to_thread(start_background, session)
        if services.router is not None:
            # A TCP connect per enabled provider (no SDK import, no tokens), so the panel shows
            # reachability at once; the scheduled probe measures health and latency later.
            await services.router.check_reachable()
            services.status.changed()
        # Start-up is done: give the pages its imports and builds freed back (a few MB of idle RSS).
        await asyncio.to_thread(release_freed_memory)

    @server.feature(types.SHUTDOWN)
    async def shutdown(params: Any = None) -> None:
        await cancel_pending_requests(session)  # busy work is cancelled and answered; shutdown itself replies null
        from zc_lsp.core import procs

        procs.kill_all()
        server.cancel_all()
        if session.services is not None:
            await session.services.aclose(close_memory=False)


def build_services_off_loop(root: Path, settings: Any, trusted: bool | None, registry: Any) -> Any:
    """Runs in a thread: importing the services (~15 ms) would otherwise hold the loop just after initialize."""
    settle_start_up_heap()  # the GC pause __main__ began ends here, after the reply
    from zc_lsp.services import build_services

    return build_services(root, settings, trusted, registry=registry)


def warm_up(services: Any, protocol: Any) -> None:
    """Pay one-time costs (JSON log file, live-status registration, the message types of every
    keystroke) before the user's first request.

    detect-secrets is not preloaded: ~2.3 MB (without `requests`, core/redact/deferred_requests.py) that
    an idle server does not need; the first review imports it in the secret scan's thread.
    """
    protocol.prepare_hot_paths()  # ~5 ms of cattrs set-up the first edit and code action would wait for
    memory = services.memory
    if memory is not None and not memory.degraded:
        from zc_lsp.memory import setup_json_log

        setup_json_log(memory)
    from zc_lsp.background.live_status import register_running_server

    register_running_server(services)  # `zc status` and `zc dashboard` attach to this server
    from zc_lsp.core.sensitive import rules_for

    # The ignore rules walk the workspace once; the edit guard asks them on the loop, so walk here.
    rules_for(services.workspace_root)


def start_background(session: Session) -> None:
    """Start the scheduler, queue, tuner, auto-fix and alert threads (runs off the loop)."""
    from zc_lsp.background import Background
    from zc_lsp.handlers.edits import guard_workspace_edits, send_edit, to_workspace_edit

    services = session.started()
    loop = session.loop
    if loop is None:
        raise RuntimeError("background automation starts after `initialized` (the LSP loop is not known yet)")

    def notify_user(message: str) -> None:
        loop.call_soon_threadsafe(session.show, message, types.MessageType.Error)

    def changed_files(since: float) -> tuple[list[Path], float | None]:
        edits = session.changed_files
        paths = [p for uri, at in list(edits.items()) if at > since and (p := uri_to_path(uri)) is not None]
        # The background (first folder's) reviews with its own config: other folders' files are not its to sweep.
        paths = [p for p in paths if session.server.folders.for_path(p) in (None, services)]
        return paths, max(edits.values(), default=None)

    def apply_edits(edits: list[Any]) -> bool:
        """Auto-fix in `apply` mode: the editor applies the edit, so open buffers stay in sync."""

        async def send() -> bool:
            refused = guard_workspace_edits(session, edits)  # on the loop: it reads the live documents
            if refused:
                log.warning("auto-fix edit refused: %s", refused)
                return False
            edit = to_workspace_edit(session, edits)
            return await send_edit(session, edit, "ZombieCoder auto-fix")

        return bool(asyncio.run_coroutine_threadsafe(send(), loop).result(timeout=30))

    try:
        background = Background(services, notify_user=notify_user, changed_files=changed_files, apply_edits=apply_edits)
        for issue in background.issues:
            loop.call_soon_threadsafe(
                session.show, f"ZombieCoder config: {issue}; that job is disabled.", types.MessageType.Warning
            )
        background.start()
        services.background = background
    except Exception as exc:
        log.exception("background automation failed to start")
        services.problems.append(f"Background automation could not start: {exc}")
        loop.call_soon_threadsafe(
            session.show, f"ZombieCoder: background automation could not start: {exc}", types.MessageType.Error
        )
