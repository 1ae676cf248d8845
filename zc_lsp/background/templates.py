"""Batch job templates: named recipes ("review every .py file") that expand into agent calls.

Built-ins cover the common batch work; `background.templates` in config adds or overrides them
(`name: {agent, action, args, each_file, needs_path}`). A bad template is reported with its
file and key, and only that template is left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from zc_lsp.agents.base import AgentRequest
from zc_lsp.config import ConfigIssue
from zc_lsp.core.files import read_text_bounded
from zc_lsp.core.types import DocSnapshot, Span
from zc_lsp.core.workspace import is_inside, iter_files

if TYPE_CHECKING:
    from zc_lsp.agents.registry import AgentRegistry
    from zc_lsp.background.batch import JobContext

log = logging.getLogger(__name__)


# Built-ins name the use case (a command or code-action resolver); the registry says which agent
# serves it, so a plug-in that replaces a built-in agent takes over its templates too.
BUILTIN_TEMPLATES: dict[str, dict[str, Any]] = {
    "review_workspace": {"use": "zc.review", "each_file": "**/*.py"},
    "review_file": {"use": "zc.review", "needs_path": True},
    "generate_tests_module": {"use": "test_skeleton", "needs_path": True},
    "docstrings_file": {"use": "docstring", "needs_path": True},
    "run_tests": {"use": "zc.runTests"},
}

ResultListener = Callable[[str, Path | None, Any], None]


@dataclass(frozen=True)
class JobTemplate:
    name: str
    agent: str
    action: str
    args: dict[str, Any] = field(default_factory=dict)
    each_file: str | None = None  # glob under the workspace: one agent call per matching file
    needs_path: bool = False


def parse_templates(
    configured: dict[str, Any], locate: Callable[[str], tuple[str, int | None]], registry: AgentRegistry
) -> tuple[dict[str, JobTemplate], list[ConfigIssue]]:
    """Built-ins overlaid with configured templates; each bad one becomes a ConfigIssue.

    Agents and actions are checked against the registry (built-in and plug-in agents alike); a
    built-in template whose agent is not installed is left out.
    """
    out: dict[str, JobTemplate] = {}
    for name, spec in BUILTIN_TEMPLATES.items():
        try:
            agent, action = registry.serving(spec["use"])
        except LookupError:
            continue  # no installed agent serves it: the template is left out (zc doctor lists the agents)
        out[name] = JobTemplate(name=name, agent=agent, action=action,
                                **{k: v for k, v in spec.items() if k != "use"})
    issues: list[ConfigIssue] = []
    for name, spec in (configured or {}).items():
        key = f"background.templates.{name}"
        source, line = locate(key)
        problem = _template_problem(spec, registry)
        if problem:
            issues.append(ConfigIssue(source, key, line, f"{problem}; this template is disabled"))
            out.pop(str(name), None)
            continue
        out[str(name)] = JobTemplate(
            name=str(name), agent=spec["agent"], action=spec["action"],
            args=dict(spec.get("args") or {}), each_file=spec.get("each_file"),
            needs_path=bool(spec.get("needs_path", False)),
        )
    return out, issues


def _template_problem(spec: Any, registry: AgentRegistry) -> str:
    if not isinstance(spec, dict):
        return "must be a mapping {agent, action, args, each_file, needs_path}"
    unknown = set(spec) - {"agent", "action", "args", "each_file", "needs_path"}
    if unknown:
        return f"has unknown keys {', '.join(sorted(map(str, unknown)))}"
    agent = spec.get("agent")
    if not isinstance(agent, str) or not registry.has(agent):
        return f"needs `agent`, one of {', '.join(registry.names())}"
    if not isinstance(spec.get("action"), str) or not spec["action"]:
        return "needs `action`, the agent's action name"
    if not registry.has(agent, spec["action"]):
        can = ", ".join(a.name for a in registry.specs[agent].actions)
        return f"agent {agent} has no action {spec['action']!r} (it has: {can})"
    if not isinstance(spec.get("args", {}), dict):
        return "`args` must be a mapping"
    if spec.get("each_file") is not None and not isinstance(spec["each_file"], str):
        return "`each_file` must be a glob such as '**/*.py'"
    return ""


class TemplateRunner:
    """Runs a template's agent calls through the AgentRunner, in the worker's own loop."""

    def __init__(self, services: Any, templates: dict[str, JobTemplate]) -> None:
        self.services = services
        self._templates = templates

    def knows(self, agent: str, action: str) -> bool:
        """An `agent.action` job names an installed agent and one of its declared actions."""
        return bool(self.services.registry.has(agent, action))

    def get(self, name: str) -> JobTemplate | None:
        return self._templates.get(name)

    def names(self) -> list[str]:
        return sorted(self._templates)

    def describe(self) -> list[dict[str, Any]]:
        return [{"name": t.name, "agent": t.agent, "action": t.action, "each_file": t.each_file,
                 "needs_path": t.needs_path} for t in self._templates.values()]

    def resolve_path(self, value: str) -> Path:
        """A workspace file from a path or file:// URI; files outside the workspace are refused."""
        if value.startswith("file:"):
            value = unquote(urlparse(value).path)
        root = Path(self.services.workspace_root).resolve()
        path = Path(value)
        path = (path if path.is_absolute() else root / path).resolve()
        if not is_inside(root, path):
            raise ValueError(f"{value} is outside the workspace {root}")
        return path

    def snapshot(self, path: Path) -> DocSnapshot:
        return DocSnapshot(uri=path.as_uri(), path=path, text=read_text_bounded(path, errors="replace"))

    def files(self, pattern: str) -> list[Path]:
        root = Path(self.services.workspace_root)
        limit = int(self.services.settings.get("diagnostics.max_file_bytes", 5_000_000))
        return list(iter_files(root, pattern, max_bytes=limit))

    async def run(self, template: JobTemplate, ctx: JobContext, on_result: ResultListener) -> Any:
        args = {**template.args, **ctx.args}
        runner = self.services.agents
        if template.each_file:
            files = self.files(template.each_file)
            findings, failed, provenance = 0, [], set()
            for index, path in enumerate(files):
                ctx.cancel.check(f"{index} of {len(files)} files done")
                ctx.progress(f"{path.name} ({index + 1}/{len(files)})",
                             int(100 * index / max(1, len(files))))
                result = await runner.run(
                    template.agent, AgentRequest(template.action, doc=self.snapshot(path), args=args),
                    cancel=ctx.cancel, user_requested=ctx.user_requested)
                on_result(template.name, path, result)
                findings += len(getattr(result, "findings", []) or [])
                if not getattr(result, "ok", False):
                    failed.append({"file": str(path), "error": getattr(result, "error", None)})
                if getattr(result, "provenance", ""):
                    provenance.add(result.provenance)
            ctx.progress(f"{len(files)} files done", 100)
            return {"files": len(files), "findings": findings, "failed": failed[:20],
                    "failed_count": len(failed), "provenance": sorted(provenance)}
        path_arg = args.pop("path", None) or args.pop("uri", None)
        path = self.resolve_path(str(path_arg)) if path_arg else None
        if template.needs_path and path is None:
            raise ValueError(f"template {template.name} needs a 'path' argument")
        line = args.get("line")
        request = AgentRequest(
            template.action, doc=self.snapshot(path) if path else None,
            span=Span.lines(int(line)) if isinstance(line, int) else None, args=args)
        result = await runner.run(template.agent, request, progress=ctx.progress, cancel=ctx.cancel,
                                  user_requested=ctx.user_requested)
        on_result(template.name, path, result)
        return result
