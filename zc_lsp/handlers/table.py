"""The handler table: which module serves each LSP method and command, and what `initialize` advertises.

Why: pygls builds the initialize reply's capabilities from the registered methods, their options
and the command list. Registering them by importing every handler module put ~55 of our modules
(chat, model actions, settings, yaml ...) on the path to the reply (issue 15). Here each method is
declared with its module and its registration options, so the reply is complete before a handler
module is loaded; `handlers/loader.py` puts a stand-in behind each declaration and loads the modules
right after the reply, in a thread.

Adding a handler: declare its method here (options included) or its command in `COMMANDS`, then
register it in its module's `register(session)` with `@server.feature(METHOD)` (no options: they
live here) or `command(name)`. `tests/unit/handlers/test_table.py` fails when the two disagree.
The lifecycle methods (initialize, initialized, shutdown) are registered eagerly by `app.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from zc_lsp.agents.registry import AgentRegistry

_H = "zc_lsp.handlers."


@dataclass(frozen=True)
class Route:
    method: str
    module: str  # the module whose `register(session)` registers the real handler
    options: Any = None  # the registration options pygls turns into the method's capability
    ordered: bool = False  # a notification: its first call loads the module at once, so order is kept


FIX_ALL = "source.fixAll.zombiecoder"
FORMAT = "source.format.zombiecoder"
CODE_ACTION_KINDS = [
    types.CodeActionKind.QuickFix,
    types.CodeActionKind.Refactor,
    types.CodeActionKind.RefactorRewrite,
    types.CodeActionKind.Source,
    types.CodeActionKind.SourceFixAll,
    FIX_ALL,
    FORMAT,
]

ROUTES: tuple[Route, ...] = (
    Route(types.WINDOW_WORK_DONE_PROGRESS_CANCEL, _H + "progress_cancel", ordered=True),
    Route(types.WORKSPACE_DID_CHANGE_CONFIGURATION, _H + "configuration", ordered=True),
    Route(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, _H + "folders", ordered=True),
    Route(types.TEXT_DOCUMENT_DID_OPEN, _H + "documents", ordered=True),
    Route(types.TEXT_DOCUMENT_DID_CHANGE, _H + "documents", ordered=True),
    Route(types.TEXT_DOCUMENT_DID_SAVE, _H + "documents", types.SaveOptions(include_text=False), ordered=True),
    Route(types.TEXT_DOCUMENT_DID_CLOSE, _H + "documents", ordered=True),
    Route(
        types.TEXT_DOCUMENT_CODE_ACTION,
        _H + "code_actions",
        types.CodeActionOptions(code_action_kinds=CODE_ACTION_KINDS, resolve_provider=True),
    ),
    Route(types.CODE_ACTION_RESOLVE, _H + "code_actions"),
    Route(types.TEXT_DOCUMENT_INLINE_COMPLETION, _H + "inline_completion", types.InlineCompletionOptions()),
)

COMMANDS_MODULE = _H + "commands"
# The hand-written commands, in the order `commands.register` registers them; every agent action
# that declares a command id follows (`commands()`), so a plug-in's commands are advertised too.
COMMANDS: tuple[str, ...] = (
    "zc.review",
    "zc.runTests",
    "zc.explain",
    "zc.explainFinding",
    "zc.status",
    "zc.doctor",
    "zc.speak",
    "zc.applyCodeAction",
    "zc.applyEdit",
    "zc.report",
    # handlers/chat.py
    "zc.chat",
    "zc.chat.stop",
    "zc.chat.history",
    "zc.chat.clear",
    "zc.chat.applyBlock",
    # handlers/service_commands.py
    "zc.ackAlert",
    "zc.resolveAlert",
    "zc.memory.search",
    "zc.memory.wipe",
    "zc.scheduler.list",
    "zc.scheduler.run",
    "zc.scheduler.pause",
    "zc.batch.submit",
    "zc.batch.list",
    "zc.batch.cancel",
)

# Imported in the loader's thread beside the route modules: what their `register` builds on the loop
# (the session's parts, the command groups `commands.register` pulls in), so the loop imports nothing.
PRELOAD: tuple[str, ...] = (
    _H + "diagnostics",
    _H + "configuration",
    _H + "progress",
    _H + "status",
    _H + "service_commands",
)  # not the chat: its commands import it on first use (commands.py, `register_on_first_use`)


def route_modules() -> list[str]:
    """The modules to register, in order: each route's module once, the command module last."""
    names: list[str] = []
    for route in ROUTES:
        if route.module not in names:
            names.append(route.module)
    return [*names, COMMANDS_MODULE]


def commands(registry: AgentRegistry) -> list[str]:
    """Every command id the server serves: the hand-written ones, then each agent action's."""
    names = list(COMMANDS)
    for _agent, action in registry.actions():
        if action.command and action.command not in names:
            names.append(action.command)
    return names
