"""Commands over services rather than agents: alerts, memory, scheduler, batch queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from zc_lsp.handlers.command_support import as_int, parse_args

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)


def _need(obj: Any, what: str) -> Any:
    if obj is None:
        raise JsonRpcInvalidParams(f"{what} is not running in this server (see `zc.doctor`)")
    return obj


def register_service_commands(session: Session, command: Callable[[str], Any]) -> None:
    def background() -> Any:
        return _need(session.started().background, "background automation")

    def memory() -> Any:
        mem = _need(session.started().memory, "memory")
        if getattr(mem, "degraded", None):
            raise JsonRpcInvalidParams(f"memory is unavailable: {mem.degraded}")
        return mem

    def alert_id(raw: tuple[Any, ...]) -> int:
        args = parse_args(raw, ["id"], required=1)
        try:
            return int(args["id"])
        except (TypeError, ValueError) as exc:
            raise JsonRpcInvalidParams(f"alert id must be a number, got {args['id']!r}") from exc

    @command("zc.ackAlert")
    async def ack_alert(*raw: Any) -> dict[str, Any]:
        ok = await asyncio.to_thread(background().alerts.ack, alert_id(raw))
        session.started().status.changed()
        return {"ok": bool(ok)}

    @command("zc.resolveAlert")
    async def resolve_alert(*raw: Any) -> dict[str, Any]:
        ok = await asyncio.to_thread(background().alerts.resolve, alert_id(raw))
        session.started().status.changed()
        return {"ok": bool(ok)}

    @command("zc.memory.search")
    async def memory_search(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["query", "agent", "k"], required=1)
        if not isinstance(args["query"], str):
            raise JsonRpcInvalidParams(f"query must be text, got {args['query']!r}")
        agent = args.get("agent")
        if agent is not None and agent not in session.registry.names():
            raise JsonRpcInvalidParams(f"no agent {agent!r}; agents: {', '.join(session.registry.names())}")
        mem = memory()
        agents = [agent] if agent else session.registry.names()
        k = as_int(args.get("k"), "k", default=10, low=1, high=500)

        def search() -> list[dict[str, Any]]:
            items = []
            for name in agents:
                for item in mem.agent(name).recall(str(args["query"]), k):
                    items.append(
                        {
                            "agent": name,
                            "id": item.id,
                            "kind": item.kind,
                            "content": item.content[:2000],
                            "uri": item.uri,
                            "created_at": item.created_at,
                            "score": getattr(item, "score", None),
                        }
                    )
            return sorted(items, key=lambda i: i["score"] or 0)[:k]

        return {"ok": True, "items": await asyncio.to_thread(search)}

    @command("zc.memory.wipe")
    async def memory_wipe(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["agent", "confirm"])
        mem = memory()
        agents = [args["agent"]] if args.get("agent") else session.registry.names()
        if args.get("confirm") is not True:
            answer = await session.server.window_show_message_request_async(
                types.ShowMessageRequestParams(
                    type=types.MessageType.Warning,
                    message=f"Wipe ZombieCoder memory of {', '.join(agents)} for this workspace? This cannot be undone.",
                    actions=[types.MessageActionItem(title="Wipe"), types.MessageActionItem(title="Cancel")],
                )
            )
            if answer is None or answer.title != "Wipe":
                return {"ok": False, "wiped": [], "error": "cancelled by the user"}

        def wipe() -> None:
            for name in agents:
                mem.agent(name).wipe()
            mem.audit.append("command", command="zc.memory.wipe", agents=agents)

        await asyncio.to_thread(wipe)
        return {"ok": True, "wiped": agents}

    @command("zc.scheduler.list")
    async def scheduler_list(*raw: Any) -> dict[str, Any]:
        return {"ok": True, "jobs": await asyncio.to_thread(background().scheduler.list)}

    @command("zc.scheduler.run")
    async def scheduler_run(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["id"], required=1)
        return {"ok": bool(await asyncio.to_thread(background().scheduler.run, str(args["id"])))}

    @command("zc.scheduler.pause")
    async def scheduler_pause(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["id", "paused"], required=1)
        paused = args.get("paused") is not False
        return {"ok": bool(await asyncio.to_thread(background().scheduler.pause, str(args["id"]), paused))}

    @command("zc.batch.submit")
    async def batch_submit(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["template", "args", "priority"], required=1)
        if not isinstance(args["template"], str):
            raise JsonRpcInvalidParams(f"template must be a template name or 'agent.action', got {args['template']!r}")
        if args.get("args") is not None and not isinstance(args["args"], dict):
            raise JsonRpcInvalidParams(f"args must be an object, got {args['args']!r}")
        priority = as_int(args.get("priority"), "priority", default=5, low=0, high=100)
        try:
            job_id = await asyncio.to_thread(background().queue.submit, args["template"], args.get("args") or {}, priority)
        except ValueError as exc:  # the queue's validation of the job: the client's mistake, said plainly
            raise JsonRpcInvalidParams(str(exc)) from exc
        return {"ok": True, "job_id": job_id}

    @command("zc.batch.list")
    async def batch_list(*raw: Any) -> dict[str, Any]:
        return {"ok": True, "jobs": await asyncio.to_thread(background().queue.list)}

    @command("zc.batch.cancel")
    async def batch_cancel(*raw: Any) -> dict[str, Any]:
        args = parse_args(raw, ["id"], required=1)
        return {"ok": bool(await asyncio.to_thread(background().queue.cancel, as_int(args["id"], "job id")))}
