"""The command table: each command parses its arguments and hands off to an agent or service."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams, JsonRpcRequestCancelled

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.agents.engines.config_kinds import reviewable
from zc_lsp.core.workspace import reviewable_files
from zc_lsp.handlers.command_support import (
    parse_args,
    parse_span,
    publish_findings,
    register_on_first_use,
    reply,
    run_tests,
    save_report,
    track,
    untrack,
)
from zc_lsp.handlers.convert import Lines, path_to_uri
from zc_lsp.handlers.diagnostics import skip_reason
from zc_lsp.handlers.edits import audit, send_edit
from zc_lsp.handlers.progress import Progress
from zc_lsp.handlers.table import COMMANDS

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session
    from zc_lsp.services import Services

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[Any]]
# Commands that only read: not written to the audit log (the side panel polls some of them).
READ_ONLY = {"zc.status", "zc.report", "zc.scheduler.list", "zc.batch.list", "zc.memory.search", "zc.doctor"}


def register(session: Session) -> None:
    commands = session.commands

    def command(name: str) -> Callable[[Handler], Handler]:
        def decorate(fn: Handler) -> Handler:
            @functools.wraps(fn)
            async def wrapper(*args: Any) -> Any:
                try:
                    await session.wait_ready()
                except (RuntimeError, TimeoutError) as exc:
                    raise JsonRpcInternalError(str(exc)) from exc
                track(session)
                outcome = "error"
                try:
                    value = await fn(*args)
                    outcome = "ok" if not isinstance(value, dict) or value.get("ok", True) else "failed"
                    return value
                except JsonRpcException:
                    raise
                except asyncio.CancelledError as exc:
                    # pygls' generator-based executeCommand never replies to a CancelledError; an
                    # exception it understands becomes the RequestCancelled reply the client waits for.
                    raise JsonRpcRequestCancelled(f"{name} was cancelled") from exc
                except Exception as exc:  # one failing command must not take the server down
                    log.exception("command %s failed", name)
                    session.show(f"ZombieCoder: {name} failed: {exc}", types.MessageType.Error)
                    raise JsonRpcInternalError(f"{name} failed: {type(exc).__name__}: {exc}") from exc
                finally:
                    untrack(session)
                    if name not in READ_ONLY:
                        session.spawn(asyncio.to_thread(audit, session.services, "command", command=name, outcome=outcome),
                                 name="audit command")

            commands[name] = wrapper
            session.server.command(name)(wrapper)
            return fn

        return decorate

    def run(agent: str, request: AgentRequest, **kw: Any) -> Awaitable[AgentResult]:
        """Run on the services of the folder that holds the request's document (multi-root)."""
        return session.services_at(request.doc.uri if request.doc else None).agents.run(agent, request, **kw)

    def owner(command_id: str) -> tuple[str, str]:
        """(agent, action) that declares `command_id` in its spec: no agent names in this module."""
        found = session.registry.by_command(command_id)
        if found is None:
            raise JsonRpcInternalError(f"no installed agent provides {command_id} (see zc.doctor)")
        return found[0], found[1].name

    @command("zc.review")
    async def review(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["uri", "options"])
        options = args.get("options") if isinstance(args.get("options"), dict) else {}
        if options.get("workspace") or not args.get("uri"):
            return await review_workspace(bool(options.get("model")))
        doc = await asyncio.to_thread(session.documents.read, args["uri"])
        reason = skip_reason(doc, int(session.services_at(doc.uri).settings.diagnostics.max_file_bytes))
        if reason:
            session.show(reason, types.MessageType.Warning)
            return {"ok": False, "error": reason, "findings": 0, "files": 0}
        agent, action = owner("zc.review")
        result = await run(
            agent, AgentRequest(action, doc=doc, args={"bandit": True, "model": bool(options.get("model"))})
        )
        if result.ok:
            diags = session.diagnostics
            from zc_lsp.handlers.convert import diagnostic

            lines = session.lines(doc.text)
            diags.set_source(doc.uri, "review", [diagnostic(f, lines, doc.version, doc.uri) for f in result.findings], doc.version)
        return reply(session, result, findings=len(result.findings), files=1)

    async def review_workspace(model: bool) -> dict[str, Any]:
        """Every workspace folder, each with its own services (settings, memory)."""
        primary = session.started()
        folders = session.server.folders.items() or [(primary.workspace_root, primary)]
        found = [await review_folder(root, services, model) for root, services in folders]
        answered = {p for f in found for p in f["provenance"].split(", ") if p}
        return {"ok": True, "findings": sum(f["findings"] for f in found), "files": sum(f["files"] for f in found),
                "provenance": ", ".join(sorted(answered))}

    async def review_folder(root: Path, services: Services, model: bool) -> dict[str, Any]:
        """Open documents are reviewed as the user sees them (buffers); the rest from disk, in one
        batch (one ruff and one bandit run), unless a model reviews too, which goes file by file."""
        agent, action = owner("zc.review")
        limit = int(services.settings.get("diagnostics.max_review_files", 5000) or 5000)
        listing = await asyncio.to_thread(functools.partial(reviewable_files, root, reviewable, limit=limit))  # Python, config, templates
        if listing.truncated:
            session.show(f"ZombieCoder: the review of {root.name} stopped at {limit:,} files; more are there. "
                         "Set diagnostics.max_review_files to review more.", types.MessageType.Warning)
        files = [p for p in listing if session.server.folders.for_path(p) in (None, services)]  # a nested folder reviews its own
        diags = session.diagnostics
        from zc_lsp.handlers.convert import diagnostic

        def publish(doc: Any, findings: list[Any]) -> None:
            lines = session.lines(doc.text)
            diags.set_source(doc.uri, "review", [diagnostic(f, lines, doc.version, doc.uri) for f in findings], doc.version)

        opened = [p for p in files if session.documents.is_open(path_to_uri(p))]
        on_disk = [p for p in files if p not in opened] if not model else []
        one_by_one = opened + ([p for p in files if p not in opened] if model else [])
        total = reviewed = 0
        answered_by: set[str] = set()
        async with Progress(session, "Reviewing workspace") as progress:
            if on_disk:
                progress.report(f"{len(on_disk)} files from disk", 5)
                batch = await services.agents.run(agent, AgentRequest("review_files", args={"paths": [str(p) for p in on_disk]}),
                                  progress=progress.report, cancel=progress.cancel)
                for problem in batch.data.get("errors") or []:
                    session.show(f"ZombieCoder: {problem}", types.MessageType.Warning)
                per_file: dict[str, list[Any]] = {}
                for finding in batch.findings:
                    per_file.setdefault(finding.data["path"], []).append(finding)
                for path in on_disk:
                    key = str(path.resolve())
                    if key in (batch.data.get("per_file") or {}):
                        doc = await asyncio.to_thread(session.documents.read, path_to_uri(path))
                        publish(doc, per_file.get(key, []))
                        reviewed += 1
                total += len(batch.findings)
                answered_by.add(batch.provenance)
            for n, path in enumerate(one_by_one):
                progress.cancel.check(f"{reviewed} of {len(files)} files reviewed")
                progress.report(f"{path.relative_to(root)} ({n + 1}/{len(one_by_one)})", int(100 * n / max(1, len(one_by_one))))
                doc = await asyncio.to_thread(session.documents.read, path_to_uri(path))
                if skip_reason(doc, int(services.settings.diagnostics.max_file_bytes)):
                    continue
                result = await run(agent, AgentRequest(action, doc=doc, args={"bandit": True, "model": model}),
                                   cancel=progress.cancel)
                if result.ok:
                    reviewed += 1
                    total += len(result.findings)
                    answered_by.add(str(result.data.get("provenance") or result.provenance))
                    publish(doc, result.findings)
        return {"ok": True, "findings": total, "files": reviewed, "provenance": ", ".join(sorted(answered_by - {""}))}

    @command("zc.runTests")
    async def run_tests_cmd(*raw: Any) -> dict[str, Any]:
        return await run_tests(session, parse_args(raw, ["uri", "test"]))

    @command("zc.explain")
    async def explain(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["uri", "range", "options"], required=1)
        doc = await asyncio.to_thread(session.documents.read, args["uri"])
        span = parse_span(args.get("range", 0), session.lines(doc.text))
        options = args.get("options") if isinstance(args.get("options"), dict) else {}
        agent, action = owner("zc.explain")
        async with Progress(session, "Explaining") as progress:
            result = await run(
                agent,
                AgentRequest(action, doc=doc, span=span),
                progress=progress.report,
                cancel=progress.cancel,
                on_token=progress.stream,
            )
        path = None
        if result.ok:
            title = f"Explanation of {Path(doc.path or doc.uri).name}:{span.start_line + 1}"
            markdown = f"{result.summary}\n\n---\n_Answered by {result.provenance or 'offline'}_\n"
            path = await save_report(session, agent, title, markdown, show=options.get("show", True) is not False)
        return reply(session, result, markdown=result.summary, report_path=path)

    @command("zc.explainFinding")
    async def explain_finding(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["uri", "code", "message"], required=2)
        agent, action = owner("zc.explainFinding")
        result = await run(
            agent, AgentRequest(action, args={"code": str(args["code"]), "message": str(args.get("message") or "")})
        )
        path = None
        if result.ok:
            path = await save_report(session, agent, f"Finding {args['code']}", result.summary, show=True)
        return reply(session, result, markdown=result.summary, report_path=path)

    @command("zc.status")
    async def status(*raw: Any) -> dict[str, Any]:
        snap: dict[str, Any] = await asyncio.to_thread(session.started().status.snapshot)
        return snap

    @command("zc.doctor")
    async def doctor(*raw: Any) -> dict[str, Any]:
        async with Progress(session, "Doctor") as progress:
            result = await run(*_request(owner("zc.doctor")), progress=progress.report, cancel=progress.cancel)
        return reply(session, result)


    @command("zc.speak")
    async def speak(*raw: Any) -> dict[str, Any]:
        """Text, or (uri, range) to explain first: the Conversational agent's `speak` action."""
        args = parse_args(raw, ["text", "uri", "range"])
        text = args.get("text")
        if isinstance(text, str) and text.startswith("file:") and not isinstance(args.get("uri"), str):
            args = parse_args(raw, ["uri", "range"])  # called as (uri, range)
            text = None
        doc = span = None
        if not text and args.get("uri"):
            doc = await asyncio.to_thread(session.documents.read, args["uri"])
            span = parse_span(args.get("range", 0), session.lines(doc.text))
        elif not isinstance(text, str) or not text.strip():
            raise JsonRpcInvalidParams("zc.speak needs text, or a uri and range to explain and read out")
        agent, action = owner("zc.speak")
        async with Progress(session, "Speaking") as progress:
            result = await run(agent, AgentRequest(action, doc=doc, span=span, args={"text": text or ""}),
                               progress=progress.report, cancel=progress.cancel)
        if not result.ok:
            session.show(f"ZombieCoder could not speak: {result.error}", types.MessageType.Warning)
        return {"audio_path": None, "engine": None, "duration_s": None, **result.data, "ok": result.ok,
                "error": result.error}

    @command("zc.applyCodeAction")
    async def apply_code_action_cmd(*raw: Any) -> dict[str, Any]:
        from zc_lsp.handlers.code_actions import apply_code_action

        if len(raw) != 1 or not isinstance(raw[0], dict) or "uri" not in raw[0]:
            raise JsonRpcInvalidParams("zc.applyCodeAction takes the code action's data object")
        return await apply_code_action(session, raw[0])

    @command("zc.applyEdit")
    async def apply_edit_cmd(*raw: Any) -> dict[str, Any]:
        from zc_lsp.handlers.edits import apply_ready_edit

        if len(raw) != 1 or not isinstance(raw[0], dict):
            raise JsonRpcInvalidParams("zc.applyEdit takes one WorkspaceEdit object")
        try:
            edit = session.server.protocol._converter.structure(raw[0], types.WorkspaceEdit)
        except Exception as exc:  # cattrs raises validation groups: all mean "not a WorkspaceEdit"
            raise JsonRpcInvalidParams(f"not a WorkspaceEdit: {exc}") from exc
        return await apply_ready_edit(session, edit)

    @command("zc.report")
    async def report(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["id"], required=1)
        memory = session.started().memory
        if memory is None or getattr(memory.tasks, "degraded", None):
            raise JsonRpcInvalidParams("reports are unavailable: memory is not working (see zc.doctor)")
        try:
            report_id = int(args["id"])
        except (TypeError, ValueError) as exc:
            raise JsonRpcInvalidParams(f"report id must be a number, got {args['id']!r}") from exc
        found = await asyncio.to_thread(memory.tasks.get_report, report_id)
        if found is None:
            raise JsonRpcInvalidParams(f"no report {report_id}")
        return {"ok": True, **{k: found.get(k) for k in ("id", "title", "agent", "markdown", "created_at")}}

    from zc_lsp.handlers.service_commands import register_service_commands

    chat = tuple(name for name in COMMANDS if name == "zc.chat" or name.startswith("zc.chat."))
    register_on_first_use(session, command, chat, "zc_lsp.handlers.chat", "register_chat_commands")

    register_service_commands(session, command)
    # Every other declared action with a command id (built-in or plug-in) gets the generic handler.
    for agent, declared in session.registry.actions():
        if declared.command and declared.command not in commands:
            register_agent_command(session, command, declared.command, agent, declared.name,
                                   ["uri", "range", *declared.params], declared.progress)


def _request(found: tuple[str, str]) -> tuple[str, AgentRequest]:
    return found[0], AgentRequest(found[1])


def register_agent_command(session: Session, command: Any, name: str, agent: str, action: str, arg_names: list[str],
                           title: str | None = None) -> None:
    """Commands that map one-to-one onto an agent action over (uri, range, ...)."""

    async def handler(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, arg_names)
        doc = await asyncio.to_thread(session.documents.read, args["uri"]) if args.get("uri") else None
        span = parse_span(args["range"], Lines(doc.text)) if doc is not None and args.get("range") is not None else None
        extra = {k: v for k, v in args.items() if k not in ("uri", "range")}
        async with Progress(session, title or name) as progress:
            result = await session.services_at(doc.uri if doc else None).agents.run(
                agent,
                AgentRequest(action, doc=doc, span=span, args=extra),
                progress=progress.report,
                cancel=progress.cancel,
                on_token=progress.stream,
            )
        if result.findings:
            publish_findings(session, action, result, doc.uri if doc else None)
        if result.ok and result.edits:
            from zc_lsp.handlers.edits import guard_workspace_edits, to_workspace_edit

            refused = guard_workspace_edits(session, result.edits)
            if refused:
                return reply(session, AgentResult.failure(agent, action, f"refused an edit: {refused}"))
            edit = to_workspace_edit(session, result.edits)
            done = await send_edit(session, edit, f"ZombieCoder: {name}")
            if done:
                await asyncio.to_thread(audit, session.started(), "edit_applied", command=name, agent=agent, action=action,
                                        provider=result.provider, model=result.model,
                                        files=[str(e.path) for e in result.edits])
            return reply(session, result, applied=done)
        return reply(session, result)

    command(name)(handler)
