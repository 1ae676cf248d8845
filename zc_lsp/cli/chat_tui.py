"""`zc chat`: the Conversational agent in a terminal, with the other agents one slash command away.

Each reply runs as its own asyncio task with a CancelToken, so Ctrl-C (SIGINT, delivered through
the event loop while a reply runs) stops that reply and returns to the prompt instead of leaving.
At the prompt itself prompt_toolkit owns the terminal: Ctrl-C clears the line, Ctrl-D leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.agents.conversational import slash
from zc_lsp.core.cancel import CancelToken
from zc_lsp.core.files import read_bounded
from zc_lsp.core.types import DocSnapshot, Span

log = logging.getLogger(__name__)
MAX_INPUT_BYTES = 100_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")
HELP = """Commands:
  /explain FILE:LINE   explain the code at that line
  /review FILE         review a file (ruff, bandit, secrets)
  /tests FILE:LINE     generate tests for the function at that line (shown, not written)
  /fix FILE            repair a file offline: shows the diff, changes nothing
  /test [PATH]         run the tests (all, or for PATH)
  /status              agents, providers, alerts
  /memory [QUERY]      what the chat remembers (recent, or matching QUERY)
  /clear               clear the screen and start a new conversation
  /quit                leave (or Ctrl-D)
Anything else is a question for the Conversational agent. Ctrl-C stops a reply."""


def sanitize(line: str) -> tuple[str, str | None]:
    """Input fit for an agent: control and binary characters dropped, huge pastes cut (with a note)."""
    note = None
    raw = line.encode("utf-8", errors="replace")
    if len(raw) > MAX_INPUT_BYTES:
        line = raw[:MAX_INPUT_BYTES].decode("utf-8", errors="ignore")
        note = f"(your input was {len(raw) // 1000} kB; only the first {MAX_INPUT_BYTES // 1000} kB were kept)"
    cleaned = _CONTROL.sub("", line.replace("\r\n", "\n").replace("\t", "    "))
    return cleaned.strip(), note


class ChatSession:
    """The chat's logic, apart from the terminal: one line in, printed answers out."""

    def __init__(self, services: Any, out: TextIO | None = None) -> None:
        self.services = services
        self.out = out or sys.stdout
        self.conversation = uuid.uuid4().hex[:12]
        self.current: asyncio.Task[Any] | None = None
        self.cancel_token: CancelToken | None = None
        self.commands: dict[str, Callable[[str], Awaitable[None]]] = {
            "/explain": self.cmd_explain, "/review": self.cmd_review, "/test": self.cmd_test,
            "/tests": self.cmd_tests, "/fix": self.cmd_fix,
            "/status": self.cmd_status, "/memory": self.cmd_memory, "/clear": self.cmd_clear,
            "/help": self.cmd_help,
        }

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    # -- one line ----------------------------------------------------------------------------
    async def handle(self, line: str) -> bool:
        """Handle one input line; False means the user asked to leave."""
        text, note = sanitize(line)
        if note:
            self.write(note + "\n")
        if not text:
            return True
        if text.startswith("/"):
            name, _, rest = text.partition(" ")
            if name in ("/quit", "/exit", "/q"):
                return False
            command = self.commands.get(name)
            if command is None:
                self.write(f"unknown command {name}; /help lists them\n")
                return True
            await self.run_cancellable(command(rest.strip()))
            return True
        await self.run_cancellable(self.ask(text))
        return True

    async def run_cancellable(self, work: Awaitable[None]) -> None:
        """Run one reply as a task that Ctrl-C (SIGINT) cancels without ending the chat."""
        self.cancel_token = CancelToken()
        self.current = asyncio.ensure_future(work)
        loop = asyncio.get_running_loop()
        installed = False
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not main thread / Windows
            loop.add_signal_handler(signal.SIGINT, self.cancel_reply)
            installed = True
        try:
            await self.current
        except asyncio.CancelledError:
            if not self.current.cancelled():
                raise  # the chat itself is being cancelled, not the reply
            self.write("\n[reply cancelled]\n")
        except Exception as exc:  # one failing command must not end the chat
            log.exception("chat command failed")
            self.write(f"\nerror: {type(exc).__name__}: {exc}\n")
        finally:
            if installed:
                loop.remove_signal_handler(signal.SIGINT)
            self.current = None

    def cancel_reply(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()
        if self.current is not None and not self.current.done():
            self.current.cancel()

    async def _agent(self, agent: str, request: AgentRequest, stream: bool = True) -> tuple[AgentResult, bool]:
        streamed = False

        def on_token(chunk: str) -> None:
            nonlocal streamed
            streamed = True
            self.write(chunk)

        result = await self.services.agents.run(agent, request, cancel=self.cancel_token,
                                                on_token=on_token if stream else None,
                                                progress=lambda message, pct=None: None)
        return result, streamed

    def _show(self, result: AgentResult, streamed: bool) -> None:
        if not result.ok:
            self.write(f"error: {result.error}\n")
            return
        if not streamed:
            self.write(result.summary.rstrip() + "\n")
        else:
            self.write("\n")
        self.write(self.provenance_line(result) + "\n")

    @staticmethod
    def provenance_line(result: AgentResult) -> str:
        label = result.provenance or "offline"
        if result.provider in (None, "offline"):
            return (f"-- answered offline ({label}): no model answered. Offline I can explain code (/explain), "
                    "review files (/review), run tests (/test) and show status (/status).")
        return f"-- answered by {label}"

    # -- commands ----------------------------------------------------------------------------
    async def ask(self, message: str) -> None:
        agent, action = self.services.registry.owner("zc.chat")
        result, streamed = await self._agent(
            agent, AgentRequest(action, args={"message": message, "conversation": self.conversation}))
        self._show(result, streamed)

    def _resolve(self, raw: str) -> Path:
        path = Path(raw).expanduser()
        return path if path.is_absolute() else (Path.cwd() / path)

    def _doc(self, path: Path) -> DocSnapshot | None:
        try:
            raw = read_bounded(path)
        except FileNotFoundError:
            self.write(f"error: no such file: {path}\n")
            return None
        except OSError as exc:
            self.write(f"error: {path}: {exc}\n")
            return None
        if b"\x00" in raw[:8192]:
            self.write(f"error: {path} looks binary\n")
            return None
        return DocSnapshot(uri=path.as_uri(), path=path, text=raw.decode("utf-8", errors="replace"))

    async def _slash(self, name: str, doc: DocSnapshot, span: Span | None) -> None:
        """The shared slash commands (agents/conversational/slash.py): the editors' chat runs the same."""
        streamed = False

        async def run(agent: str, request: AgentRequest) -> AgentResult:
            nonlocal streamed
            result, did_stream = await self._agent(agent, request, stream=name == "/explain")
            streamed = streamed or did_stream
            return result

        answer = await slash.run_slash(name, run, doc, span)
        if not answer.ok:
            self.write(f"error: {answer.markdown}\n")
            return
        self.write("\n" if streamed else answer.markdown.rstrip() + "\n")
        if answer.result is not None:
            self.write(self.provenance_line(answer.result) + "\n")

    async def _file_line(self, name: str, arg: str) -> tuple[DocSnapshot | None, Span | None]:
        file_part, _, line_part = arg.rpartition(":")
        if not file_part or not line_part.isdigit():
            self.write(f"usage: {name} FILE:LINE (e.g. {name} calc.py:12)\n")
            return None, None
        doc = await asyncio.to_thread(self._doc, self._resolve(file_part))
        line = max(0, int(line_part) - 1)
        return doc, Span(line, 0, line, 0)

    async def _file(self, name: str, arg: str) -> DocSnapshot | None:
        if not arg:
            self.write(f"usage: {name} FILE\n")
            return None
        return await asyncio.to_thread(self._doc, self._resolve(arg))

    async def cmd_explain(self, arg: str) -> None:
        doc, span = await self._file_line("/explain", arg)
        if doc is not None:
            await self._slash("/explain", doc, span)

    async def cmd_tests(self, arg: str) -> None:
        doc, span = await self._file_line("/tests", arg)
        if doc is not None:
            await self._slash("/tests", doc, span)

    async def cmd_review(self, arg: str) -> None:
        if (doc := await self._file("/review", arg)) is not None:
            await self._slash("/review", doc, None)

    async def cmd_fix(self, arg: str) -> None:
        if (doc := await self._file("/fix", arg)) is not None:
            await self._slash("/fix", doc, None)

    async def cmd_test(self, arg: str) -> None:
        args = {"path": str(self._resolve(arg))} if arg else {}
        self.write("running tests... (Ctrl-C stops them)\n")
        agent, action = self.services.registry.owner("zc.runTests")
        result, _ = await self._agent(agent, AgentRequest(action, args=args), stream=False)
        self.write((result.summary or result.error or "").rstrip() + "\n")

    async def cmd_status(self, arg: str) -> None:
        snap = await asyncio.to_thread(self.services.status.snapshot)
        self.write(format_status(snap) + "\n")

    async def cmd_memory(self, arg: str) -> None:
        memory = self.services.memory
        if memory is None or getattr(memory, "degraded", None):
            self.write(f"memory is unavailable: {getattr(memory, 'degraded', 'not started')}\n")
            return
        store = memory.agent(self.services.registry.owner("zc.chat")[0])  # the chat agent's own memory
        items = await asyncio.to_thread(store.recall, arg, 5) if arg else await asyncio.to_thread(store.recent, 5, "chat")
        if not items:
            self.write("nothing remembered" + (f" about {arg!r}" if arg else " yet") + "\n")
            return
        for item in items:
            first = item.content.strip().splitlines()[0] if item.content.strip() else ""
            self.write(f"#{item.id} [{item.kind}] {first[:100]}\n")

    async def cmd_clear(self, arg: str) -> None:
        self.conversation = uuid.uuid4().hex[:12]
        self.write("\x1b[2J\x1b[H" if self.out.isatty() else "")
        self.write("(new conversation; earlier chats stay in memory: /memory)\n")

    async def cmd_help(self, arg: str) -> None:
        self.write(HELP + "\n")


def format_status(snap: dict[str, Any]) -> str:
    """A few lines from the status snapshot; missing sections are simply skipped."""
    lines = [f"zc {snap.get('version', '?')}  workspace {snap.get('workspace', '?')}"]
    for a in snap.get("agents") or []:
        lines.append(f"  agent {a.get('name')}: {a.get('state')} (done {a.get('tasks_done')}, failed {a.get('tasks_failed')})")
    for p in snap.get("providers") or []:
        health = "disabled" if p.get("enabled") is False else ("healthy" if p.get("healthy") else "down")
        reason = f" - {p['reason']}" if p.get("reason") else ""
        lines.append(f"  provider {p.get('name')}: {health}{reason}")
    alerts = (snap.get("alerts") or {}).get("open") if isinstance(snap.get("alerts"), dict) else None
    if alerts is not None:
        lines.append(f"  open alerts: {len(alerts)}")
    if snap.get("last_provenance"):
        lines.append(f"  last answer: {snap['last_provenance']}")
    return "\n".join(lines)


async def run_chat(services: Any, *, stdin: TextIO | None = None) -> int:
    """The read-eval-print loop: prompt_toolkit on a terminal, plain lines from a pipe."""
    chat = ChatSession(services)
    interactive = (stdin or sys.stdin).isatty() and sys.stdout.isatty()
    chat.write("ZombieCoder chat. /help for commands, Ctrl-D or /quit to leave.\n")
    if not interactive:
        return await _run_piped(chat, stdin or sys.stdin)
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    history: Any = InMemoryHistory()
    memory = services.memory
    if memory is not None and not getattr(memory, "degraded", None):
        try:
            Path(memory.path).mkdir(parents=True, exist_ok=True)
            history = FileHistory(str(Path(memory.path) / "chat_history"))
        except OSError as exc:
            log.warning("chat history not kept on disk: %s", exc)
    session: PromptSession[str] = PromptSession(history=history)
    while True:
        try:
            line = await session.prompt_async("you> ")
        except KeyboardInterrupt:
            continue  # Ctrl-C at the prompt clears the line, as in a shell
        except EOFError:
            break
        if not await chat.handle(line):
            break
    chat.write("bye\n")
    return 0


async def _run_piped(chat: ChatSession, stream: TextIO) -> int:
    while True:
        line = await asyncio.to_thread(stream.readline)
        if not line:
            break
        if not await chat.handle(line):
            break
    return 0
