"""The agent registry: every agent, built-in or plug-in, found through one entry-point group.

The five built-in agents are declared in pyproject.toml under `zombiecoder.agents` exactly like a
third-party plug-in, so there is one path. Loading is defensive (python-lsp-server's way): a
plug-in that fails to import, or does not give an `AgentSpec`, is skipped and named in `problems`,
which `zc doctor` and the status panel show. Only the specs are loaded here; each agent is built on
first use (`AgentSpec.build`), so start-up pays for the entry-point scan and nothing more.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable

from zc_lsp.agents.base import Action, Agent, AgentSpec
from zc_lsp.agents.entry_points import EntryPoint, entry_points

log = logging.getLogger(__name__)
GROUP = "zombiecoder.agents"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class AgentRegistry:
    """Specs by agent name; agents built lazily; what went wrong while loading, in words."""

    def __init__(self, specs: Iterable[AgentSpec] = (), problems: Iterable[str] = ()) -> None:
        self.specs: dict[str, AgentSpec] = {}
        self.problems: list[str] = list(problems)
        self._built: dict[str, Agent] = {}
        self.scan_ms: float | None = None
        for spec in specs:
            self.add(spec)

    @classmethod
    def from_entry_points(cls, group: str = GROUP) -> AgentRegistry:
        """Every spec in the group; one broken plug-in never stops the others or the server."""
        started = time.perf_counter()
        registry = cls()
        try:
            found: Iterable[EntryPoint] = entry_points(group=group)
        except Exception as exc:  # a corrupt dist-info elsewhere on sys.path
            registry.problems.append(f"agent plug-ins could not be listed: {type(exc).__name__}: {exc}")
            found = ()
        for ep in sorted(found, key=lambda e: e.name):
            try:
                spec = ep.load()
            except Exception as exc:
                log.exception("agent plug-in %s failed to load", ep.name)
                registry.problems.append(f"agent plug-in {ep.name!r} ({ep.value}) skipped: {type(exc).__name__}: {exc}")
                continue
            registry.add(spec, origin=f"{ep.name} = {ep.value}")
        if not registry.specs:
            registry.problems.append(
                f"no agents found in the entry-point group {group!r}: reinstall ZombieCoder (pip install -e .)"
            )
        registry.scan_ms = round((time.perf_counter() - started) * 1000, 2)
        log.info("%d agent(s) from the %s entry points in %.1f ms", len(registry.specs), group, registry.scan_ms)
        return registry

    def add(self, spec: object, origin: str = "") -> bool:
        """Register a spec; a malformed or duplicate one is reported and left out."""
        where = f" ({origin})" if origin else ""
        problem = _spec_problem(spec)
        if problem:
            self.problems.append(f"agent plug-in{where} skipped: {problem}")
            return False
        assert isinstance(spec, AgentSpec)
        if spec.name in self.specs:
            self.problems.append(f"agent {spec.name!r}{where} skipped: another plug-in already uses that name")
            return False
        taken = {a.command for _, a in self.actions() if a.command} | {a.resolves for _, a in self.actions() if a.resolves}
        clash = sorted(k for a in spec.actions for k in (a.command, a.resolves) if k and k in taken)
        if clash:
            self.problems.append(f"agent {spec.name!r}{where} skipped: {', '.join(clash)} already taken by another agent")
            return False
        self.specs[spec.name] = spec
        return True

    # -- queries -----------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self.specs)

    def has(self, agent: str, action: str | None = None) -> bool:
        spec = self.specs.get(agent)
        return spec is not None and (action is None or spec.action(action) is not None)

    def actions(self) -> list[tuple[str, Action]]:
        """(agent, action) for every declared action."""
        return [(spec.name, action) for spec in self.specs.values() for action in spec.actions]

    def by_command(self, command: str) -> tuple[str, Action] | None:
        return next(((agent, a) for agent, a in self.actions() if a.command == command), None)

    def owner(self, command: str) -> tuple[str, str]:
        """(agent, action) declaring `command`: callers name the use case, never the agent that serves it."""
        found = self.by_command(command)
        if found is None:
            raise LookupError(f"no installed agent provides {command} (see zc doctor)")
        return found[0], found[1].name

    def by_resolver(self, key: str) -> tuple[str, Action] | None:
        return next(((agent, a) for agent, a in self.actions() if a.resolves == key), None)

    def serving(self, use: str) -> tuple[str, str]:
        """(agent, action) for a use case named by its command, code-action resolver or LSP request.

        Front ends, templates and background jobs ask for the use case; the registry says who serves it
        (a plug-in may replace a built-in agent). LookupError when nothing installed serves it.
        """
        for agent, action in self.actions():
            if use in (action.command, action.resolves, action.serves):
                return agent, action.name
        raise LookupError(f"no installed agent serves {use} (see zc doctor)")

    def describe(self) -> list[dict[str, object]]:
        return [
            {"name": s.name, "summary": s.summary, "actions": [a.name for a in s.actions],
             "commands": [a.command for a in s.actions if a.command]}
            for s in self.specs.values()
        ]

    def agent(self, name: str) -> Agent | None:
        """The agent, built on first use; a build that fails is reported and retried next time."""
        if name in self._built:
            return self._built[name]
        spec = self.specs.get(name)
        if spec is None:
            return None
        try:
            built = spec.build()
        except Exception as exc:
            log.exception("agent %s could not be built", name)
            self.problems.append(f"agent {name!r} could not start: {type(exc).__name__}: {exc}")
            return None
        self._built[name] = built
        return built


def _spec_problem(spec: object) -> str:
    if not isinstance(spec, AgentSpec):
        return f"expected a zc_lsp.agents.base.AgentSpec, got {type(spec).__name__}"
    if not _NAME.match(spec.name):
        return f"agent name {spec.name!r} must be lower_snake_case"
    if not spec.actions or not all(isinstance(a, Action) for a in spec.actions):
        return f"agent {spec.name!r} declares no actions (a tuple of Action)"
    if not callable(spec.build):
        return f"agent {spec.name!r} has no callable build"
    names = [a.name for a in spec.actions]
    if len(set(names)) != len(names):
        return f"agent {spec.name!r} declares an action twice"
    bad = [a.command for a in spec.actions if a.command is not None and not a.command.startswith("zc.")]
    if bad:
        return f"agent {spec.name!r}: command ids must start with 'zc.' ({', '.join(map(str, bad))})"
    return ""
