"""Code actions: listed cheaply on the loop (no parsing, no agent calls), computed in resolve.

Listing reads only the diagnostics the client sends and a few lines around the cursor; the
edits that cost something (ruff fix, format, docstring, test skeleton, model edits) are
computed in `codeAction/resolve` by the agents.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.engines.config_kinds import config_kind
from zc_lsp.agents.engines.suppress import suppression
from zc_lsp.core.types import FileEdit, Span
from zc_lsp.handlers import model_actions, repair_actions
from zc_lsp.handlers.convert import Lines, fix_edits, uri_to_path
from zc_lsp.handlers.edits import audit, guard_workspace_edits, offered_edit, one_document_edit, send_edit
from zc_lsp.handlers.table import FIX_ALL, FORMAT

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)

DEF_RE = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")
SCAN_LIMIT = 400  # lines scanned upward for the enclosing def: bounded, so listing stays cheap


def enclosing_def(lines: list[str], line: int) -> tuple[int, str, str, int] | None:
    """(def line, kind, name, indent) of the def/class around `line`, by indentation; cheap and good enough."""
    if not 0 <= line < len(lines):
        return None
    current = lines[line]
    cur_indent = len(current) - len(current.lstrip()) if current.strip() else 10_000
    for n in range(line, max(-1, line - SCAN_LIMIT), -1):
        text = lines[n]
        m = DEF_RE.match(text)
        if m and (n == line or len(m.group(1)) < cur_indent):
            return n, m.group(2), m.group(3), len(m.group(1))
        if (
            text.strip()
            and not text.startswith((" ", "\t"))
            and n != line
            and not text.lstrip().startswith(("@", "#", ")"))
        ):
            return None  # reached module level without a def
    return None


def has_docstring(lines: list[str], def_line: int) -> bool:
    for n in range(def_line, min(len(lines), def_line + 30)):
        if lines[n].rstrip().endswith(":") and not lines[n].lstrip().startswith("#"):
            for m in range(n + 1, min(len(lines), n + 4)):
                stripped = lines[m].strip()
                if stripped:
                    return stripped.startswith(('"""', "'''", 'r"""', "r'''"))
            return False
    return False


def _wanted(only: list[str] | None, kind: str) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _action(title: str, kind: str, **kw: Any) -> types.CodeAction:
    return types.CodeAction(title=f"ZombieCoder: {title}", kind=kind, **kw)


def _command(title: str, command: str, *args: Any) -> types.Command:
    return types.Command(title=title, command=command, arguments=list(args))


def list_actions(session: Session, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    doc = session.documents.get(uri)
    services = session.services_for(uri)
    limit = int(services.settings.diagnostics.max_file_bytes) if services is not None else 5_000_000
    if len(doc.source) > limit:
        return []  # a huge document is never parsed: no action could be computed for it
    only = list(params.context.only) if params.context.only else None
    actions: list[types.CodeAction] = []
    encoding = session.caps.position_encoding
    zc_diags = [d for d in params.context.diagnostics if (d.source or "").startswith("zombiecoder")]
    # Quick fixes straight from the engines' own fix edits: cheap, so no resolve round-trip.
    if _wanted(only, types.CodeActionKind.QuickFix):
        for diag in zc_diags:
            fix = fix_edits(diag)
            code = str(diag.code) if diag.code is not None else ""
            computed_on = diag.data.get("version") if isinstance(diag.data, dict) else None
            if computed_on is not None and computed_on != doc.version:
                fix = None  # the finding is from an older text: its edit would land on the wrong lines
            if fix is not None:
                title, edits = fix
                edit = one_document_edit(session, doc, Lines(doc.source, encoding), edits)
                actions.append(
                    _action(
                        f"{title} ({code})",
                        types.CodeActionKind.QuickFix,
                        diagnostics=[diag],
                        edit=edit,
                        is_preferred=True,
                    )
                )
            if code == "test-failure":
                test_id = (diag.data or {}).get("test") if isinstance(diag.data, dict) else None
                if test_id:
                    actions.append(
                        _action(
                            f"Re-run {test_id}",
                            types.CodeActionKind.QuickFix,
                            diagnostics=[diag],
                            command=_command("Re-run test", "zc.runTests", uri, test_id),
                        )
                    )
                continue
            actions.append(
                _action(
                    f"Explain {code}",
                    types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    command=_command("Explain finding", "zc.explainFinding", uri, code, diag.message),
                )
            )
    if _wanted(only, types.CodeActionKind.QuickFix):
        actions.extend(autofix_actions(session, uri, doc, params.range))
        actions.extend(suppression_actions(session, doc, zc_diags, encoding))
        actions.extend(repair_actions.quick_fixes(session, doc, zc_diags))
    if (doc.language_id or "python") != "python" and not uri.endswith((".py", ".pyi")):
        return actions  # a config file or template: its findings' quick fixes, nothing Python-shaped
    lines = session.documents.lines(doc)
    line = params.range.start.line
    found = enclosing_def(lines, line) if lines else None
    data = {"uri": uri, "version": doc.version, "line": line}
    if found is not None:
        def_line, kind, name, _indent = found
        data["def_line"] = def_line
        if _wanted(only, types.CodeActionKind.Refactor) and not has_docstring(lines, def_line):
            actions.append(
                _action(
                    f"Add docstring to `{name}`",
                    types.CodeActionKind.RefactorRewrite,
                    data={**data, "action": "docstring"},
                )
            )
        if kind == "def" and name.startswith("test"):
            if _wanted(only, types.CodeActionKind.Source):
                actions.append(
                    _action(
                        f"Run test `{name}`",
                        types.CodeActionKind.Source,
                        command=_command("Run this test", "zc.runTests", uri, name),
                    )
                )
        elif kind == "def" and _wanted(only, types.CodeActionKind.Refactor):
            actions.append(
                _action(
                    f"Generate test skeleton for `{name}`",
                    types.CodeActionKind.Refactor,
                    data={**data, "action": "test_skeleton"},
                )
            )
        if _wanted(only, types.CodeActionKind.Refactor):
            actions.append(
                _action(
                    f"Explain `{name}`",
                    types.CodeActionKind.Refactor,
                    command=_command("Explain", "zc.explain", uri, _range_json(params.range)),
                )
            )
    elif params.range.start != params.range.end and _wanted(only, types.CodeActionKind.Refactor):
        actions.append(
            _action(
                "Explain selection",
                types.CodeActionKind.Refactor,
                command=_command("Explain", "zc.explain", uri, _range_json(params.range)),
            )
        )
    model_actions.list_model_actions(session, actions, params, data, only)
    actions.extend(repair_actions.model_repair(session, doc, data, only))
    if _wanted(only, FIX_ALL) or _wanted(only, types.CodeActionKind.SourceFixAll):
        fix_all = repair_actions.fix_all(session, doc, FIX_ALL, data)  # the repair use case, verified
        if fix_all is not None:
            actions.append(fix_all)
    if _wanted(only, FORMAT):
        actions.append(_action("Format document (ruff)", FORMAT, data={**data, "action": "format"}))
    if _wanted(only, types.CodeActionKind.Source):
        actions.append(
            _action(
                "Run tests for this file",
                types.CodeActionKind.Source,
                command=_command("Run tests", "zc.runTests", uri),
            )
        )
    return actions


def suppression_actions(
    session: Session, doc: TextDocument, diags: list[types.Diagnostic], encoding: str
) -> list[types.CodeAction]:
    """"Suppress CODE on this line" per finding: `# noqa:` (ruff), `# nosec` (bandit), `# zc: ignore[...]` (ZC-*),
    merged into a marker already on the line. Same edit guard and version stamp as every other edit."""
    path = uri_to_path(doc.uri)
    if path is None:
        return []
    kind = config_kind(path.name, doc.language_id or "") or "python"
    lines = session.documents.lines(doc)
    found: list[types.CodeAction] = []
    seen: set[tuple[str, int]] = set()
    for diag in diags:
        data = diag.data if isinstance(diag.data, dict) else {}
        code, line = str(diag.code or ""), diag.range.start.line
        if (code, line) in seen or data.get("version", doc.version) != doc.version:
            continue  # one per code and line; none for a finding on an older text
        seen.add((code, line))
        marker = suppression(lines, line, code, str(data.get("engine") or ""), kind)
        if marker is None or guard_workspace_edits(session, [FileEdit(path, [marker.edit], base_version=doc.version)]):
            continue  # no comment syntax (JSON), or a file edits may not touch (.env, ignored files)
        edit = one_document_edit(session, doc, Lines(doc.source, encoding), [marker.edit])
        found.append(_action(marker.title, types.CodeActionKind.QuickFix, diagnostics=[diag], edit=edit))
    return found


def autofix_actions(session: Session, uri: str, doc: TextDocument, rng: types.Range) -> list[types.CodeAction]:
    """Auto-fix suggestions (mode `suggest`) with ready edits, on the lines asked about."""
    found = []
    lines: Lines | None = None
    for suggestion in session.diagnostics.suggestions.get(uri, []):
        line = suggestion.detection.line
        if not suggestion.edits or suggestion.applied or line is None or not rng.start.line <= line <= rng.end.line:
            continue
        lines = lines or session.lines(doc.source)
        edit = one_document_edit(session, doc, lines, suggestion.edits)
        found.append(_action(f"Auto-fix: {suggestion.title}", types.CodeActionKind.QuickFix, edit=edit))
    return found


def _range_json(rng: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }


async def resolve_action(session: Session, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    services = await session.wait_ready_for(data.get("uri") if isinstance(data.get("uri"), str) else None)
    kind = data.get("action")
    if kind in repair_actions.REPAIR_KINDS:
        return await repair_actions.resolve(session, action, data)
    if isinstance(kind, str) and kind in model_actions.model_resolver_kinds(session):
        return await model_actions.resolve_model_action(session, kind, action, data)
    found = session.registry.by_resolver(kind) if isinstance(kind, str) else None
    if found is None or "uri" not in data:
        return action
    agent, agent_action = found[0], found[1].name
    snap = session.documents.snapshot(data["uri"])
    line = int(data.get("def_line", data.get("line", 0)))
    result = await services.agents.run(agent, AgentRequest(agent_action, doc=snap, span=Span(line, 0, line, 0)))
    edit = offered_edit(session, result)
    if edit is not None:
        action.edit = edit
        await asyncio.to_thread(audit, services, "edit_offered", agent=agent, action=agent_action,
                                files=[str(e.path) for e in result.edits])
    return action


APPLY_COMMAND = "zc.applyCodeAction"
APPLY_EDIT_COMMAND = "zc.applyEdit"


def as_command(session: Session, action: types.CodeAction) -> types.Command:
    """A code action as a plain Command, for clients that only run commands."""
    if action.command is not None and action.edit is None:
        return types.Command(title=action.title, command=action.command.command, arguments=action.command.arguments)
    if action.edit is not None:
        edit = session.server.protocol._converter.unstructure(action.edit)
        return types.Command(title=action.title, command=APPLY_EDIT_COMMAND, arguments=[edit])
    return types.Command(title=action.title, command=APPLY_COMMAND, arguments=[action.data])


async def apply_code_action(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """For clients without codeAction/resolve: compute the action's edit here and apply it."""
    action = await resolve_action(session, types.CodeAction(title=str(data.get("action", "action")), data=data))
    if action.edit is None:
        return {"ok": False, "applied": False}
    return {"ok": True, "applied": await send_edit(session, action.edit, action.title)}


def register(session: Session) -> None:
    server = session.server

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)  # kinds and resolveProvider: handlers/table.py
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction | types.Command]:
        actions = list_actions(session, params)
        if not session.caps.code_action_literals:
            return [as_command(session, action) for action in actions]  # LSP: such clients get Commands only
        if not session.caps.code_action_resolve_edit:
            # A client that cannot resolve would show actions that do nothing: give each a command
            # that computes the edit on the server and applies it with workspace/applyEdit instead.
            for action in actions:
                if action.edit is None and action.command is None and isinstance(action.data, dict):
                    action.command = types.Command(title=action.title, command=APPLY_COMMAND, arguments=[action.data])
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(action: types.CodeAction) -> types.CodeAction:
        return await resolve_action(session, action)
