"""`workspace/executeCommand`: thin wrappers that parse arguments, call an agent, show the result.

Arguments come positionally or as one object; anything malformed is an InvalidParams error
naming the argument. Long commands report `$/progress` and stop on `$/cancelRequest`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.core.types import Span
from zc_lsp.handlers.convert import Lines, diagnostic, path_to_uri, uri_to_path
from zc_lsp.handlers.edits import audit
from zc_lsp.handlers.progress import Progress
from zc_lsp.handlers.trust_prompt import may_run_user_tests

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)


def parse_args(raw: tuple[Any, ...], names: list[str], required: int = 0) -> dict[str, Any]:
    """Positional JSON values or one object with those names -> dict."""
    if len(raw) == 1 and isinstance(raw[0], dict) and set(raw[0]) & set(names):
        values = dict(raw[0])
    else:
        if len(raw) > len(names):
            raise JsonRpcInvalidParams(f"expected at most {len(names)} arguments ({', '.join(names)}), got {len(raw)}")
        values = dict(zip(names, raw, strict=False))
    missing = [n for n in names[:required] if values.get(n) in (None, "")]
    if missing:
        raise JsonRpcInvalidParams(f"missing argument(s): {', '.join(missing)}")
    return values


def as_int(value: Any, what: str, default: int | None = None, low: int | None = None, high: int | None = None) -> int:
    """A whole number argument, or InvalidParams naming it (never an InternalError for the client's mistake)."""
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise JsonRpcInvalidParams(f"{what} must be a whole number, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise JsonRpcInvalidParams(f"{what} must be a whole number, got {value!r}") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise JsonRpcInvalidParams(f"{what} must be between {low} and {high}, got {number}")
    return number


def parse_span(value: Any, lines: Lines | None = None) -> Span:
    """An LSP Range object, a [line] / [l1, c1, l2, c2] list, or a line number."""
    try:
        if isinstance(value, dict) and "start" in value:
            rng = types.Range(
                start=types.Position(line=int(value["start"]["line"]), character=int(value["start"]["character"])),
                end=types.Position(line=int(value["end"]["line"]), character=int(value["end"]["character"])),
            )
            return (
                lines.span(rng) if lines else Span(rng.start.line, rng.start.character, rng.end.line, rng.end.character)
            )
        if isinstance(value, int):
            return Span(value, 0, value, 0)
        if isinstance(value, list) and len(value) == 4:
            a, b, c, d = (int(v) for v in value)
            return Span(a, b, c, d)
    except (KeyError, TypeError, ValueError) as exc:
        raise JsonRpcInvalidParams(f"bad range {value!r}: {exc}") from exc
    raise JsonRpcInvalidParams(f"bad range {value!r}: expected an LSP Range, a line number or [l1, c1, l2, c2]")


def track(session: Session) -> None:
    """Let $/cancelRequest for this executeCommand reach the task doing the work."""
    protocol = session.server.zc_protocol
    msg_id = protocol.msg_id
    task = asyncio.current_task()
    if msg_id is not None and task is not None:
        protocol.command_tasks[msg_id] = task


def untrack(session: Session) -> None:
    protocol = session.server.zc_protocol
    msg_id = protocol.msg_id
    if msg_id is not None:
        protocol.command_tasks.pop(msg_id, None)


def reply(session: Session, result: AgentResult, **extra: Any) -> dict[str, Any]:
    """The common reply shape; failures are also shown, so the user is never left guessing."""
    if not result.ok:
        session.show(f"ZombieCoder ({result.agent}): {result.error}", types.MessageType.Warning)
    return {
        "ok": result.ok,
        "agent": result.agent,
        "summary": result.summary,
        "error": result.error,
        "provider": result.provider,
        "model": result.model,
        "cached": result.cached,
        "provenance": result.provenance,
        **result.data,
        **extra,
    }


async def save_report(session: Session, agent: str, title: str, markdown: str, show: bool) -> str | None:
    """Keep the report in the task DB and as a file, tell the client (`zc/report`), maybe open it."""
    services = session.started()
    memory = services.memory
    report_id: int | None = None
    folder = Path(memory.path) / "reports" if memory is not None else None
    if memory is not None and not getattr(memory, "degraded", None):
        try:
            report_id = await asyncio.to_thread(memory.tasks.add_report, agent, title, markdown)
        except Exception:
            log.exception("could not store the report")
    path: Path | None = None
    if folder is not None:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:60] or "report"
        path = folder / f"{report_id or 0:05d}-{slug}.md"
        try:
            from zc_lsp.core.redact import scrub  # the file on disk holds the redacted form

            await asyncio.to_thread(_write_text, path, scrub(markdown))
        except OSError:
            log.exception("could not write the report file")
            path = None
    session.server.protocol.notify(
        "zc/report",
        {"id": report_id, "title": title, "agent": agent, "markdown": markdown, "path": str(path) if path else None},
    )
    if show and path is not None and session.caps.show_document:
        session.spawn(
            session.server.window_show_document_async(types.ShowDocumentParams(uri=path_to_uri(path), take_focus=True)),
            name="show report",
        )
    return str(path) if path else None


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def publish_findings(session: Session, source: str, result: AgentResult, default_uri: str | None = None) -> int:
    """Group findings per file (data["path"]) and publish them under one diagnostics source."""
    diagnostics = session.diagnostics
    per_uri: dict[str, list[Any]] = {}
    for finding in result.findings:
        path = finding.data.get("path")
        uri = path_to_uri(Path(path)) if path else default_uri
        if uri:
            per_uri.setdefault(uri, []).append(finding)
    # Clear this source where it no longer applies (a test that now passes).
    for uri, sources in list(diagnostics.sources.items()):
        if source in sources and uri not in per_uri:
            diagnostics.set_source(uri, source, [], None)
    for uri, findings in per_uri.items():
        lines = session.lines(session.documents.text(uri))
        diagnostics.set_source(uri, source, [diagnostic(f, lines, None, uri) for f in findings], None)
    return sum(len(v) for v in per_uri.values())


def run_tests_in_background(session: Session, uri: str) -> None:
    async def run() -> None:
        await run_tests(session, {"uri": uri}, user_requested=False)

    session.spawn(run(), name=f"tests on save {uri}")


async def run_tests(session: Session, args: dict[str, Any], user_requested: bool = True) -> dict[str, Any]:
    uri = args.get("uri")
    # The folder's tests, with its interpreter (multi-root).
    services = session.services_for(uri if isinstance(uri, str) else None) or session.started()
    request_args: dict[str, Any] = {}
    if uri:
        path = uri_to_path(str(uri))
        if path is None:
            raise JsonRpcInvalidParams(f"not a file URI: {uri}")
        request_args["path"] = str(path)
    elif services.workspace_root.resolve() in (Path("/"), Path.home().resolve()):
        # An editor started without a project folder: "all tests" would mean the whole disk.
        raise JsonRpcInvalidParams("no project folder is open: open one, or run the tests of a file (pass its URI)")
    target = args.get("test")
    if isinstance(target, str) and target:
        request_args["test_id" if "::" in target else "function"] = target
    tester, action = session.registry.owner("zc.runTests")
    # Untrusted: ask once before anything runs.
    if user_requested and (why := await may_run_user_tests(session, services)):
        session.show(f"ZombieCoder: {why}", types.MessageType.Warning)
        return {"ok": False, "agent": tester, "error": why, "not_run": True}
    async with Progress(session, "Running tests") as progress:
        result = await services.agents.run(
            tester,
            AgentRequest(action, args=request_args),
            progress=progress.report,
            cancel=progress.cancel,
            user_requested=user_requested,
        )
    if result.ok or result.findings:
        publish_findings(session, "tests", result)
    await asyncio.to_thread(
        audit,
        services,
        "test_run",
        args=request_args,
        ok=result.ok,
        summary={k: result.data.get(k) for k in ("passed", "failed", "errors", "skipped")},
    )
    return reply(session, result)


def register_on_first_use(
    session: Session, command: Callable[[str], Any], names: tuple[str, ...], module: str, register: str
) -> None:
    """Commands whose module is imported on their first call, in a worker thread (never on the loop).

    For the rarely used ones: the chat (with difflib and the slash commands) was ~0.25 MB of every idle
    server (issue 15). `command(name)` wraps each one as usual; `module.register(session, command)`
    runs once, on the first call, with a `command` that keeps the real handlers for these names.
    """
    real: dict[str, Callable[..., Awaitable[Any]]] = {}
    lock = asyncio.Lock()

    def keep(name: str) -> Callable[[Any], Any]:
        def decorate(fn: Any) -> Any:
            real[name] = fn
            return fn

        return decorate

    def first_use(name: str) -> Callable[..., Awaitable[Any]]:
        async def call(*raw: Any) -> Any:
            async with lock:
                if not real:
                    loaded = await asyncio.to_thread(importlib.import_module, module)
                    getattr(loaded, register)(session, keep)
            return await real[name](*raw)

        call.__name__ = call.__qualname__ = name.replace(".", "_")
        return call

    for name in names:
        command(name)(first_use(name))

