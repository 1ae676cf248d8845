"""Applying a function's summary at a call: its return value and the sinks its parameters reach.

The summary was computed once with symbolic parameter taint; here each parameter's taint is
replaced by the caller's argument, so a helper that returns (or runs) its argument carries the
caller's source, with the call site on the path.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from zc_lsp.agents.engines.taint.model import Step, Taint, Val

if TYPE_CHECKING:
    from zc_lsp.agents.engines.taint.engine import Summary
    from zc_lsp.agents.engines.taint.flow import Frame


@dataclass(frozen=True)
class ParamSink:
    """A parameter of this function reaches a sink inside it (for the callers to check)."""

    param: int
    kind: str
    node: ast.AST
    label: str
    path: tuple[Step, ...]
    cleared: frozenset[str]


def apply_summary(frame: Frame, name: str, summary: Summary, bound: dict[int, Val], node: ast.Call) -> Val:
    """The call's value in the caller; parameter sinks become findings (or the caller's own sinks)."""
    taints: list[Taint] = []
    if summary.ret.taints or summary.param_sinks:
        step = Step.at(node, f"passed to {name}()")
    opaque = summary.ret.opaque
    for t in summary.ret.taints:
        if t.param is None:
            taints.append(t.hop(step))
            continue
        arg = bound.get(t.param)
        if arg is None:
            continue
        opaque = opaque or arg.opaque
        for at in arg.taints:
            path = (*at.path, step, *t.path[1:])[-10:]
            taints.append(replace(at, cleared=at.cleared | t.cleared, path=path))
    for sink in summary.param_sinks:
        arg = bound.get(sink.param)
        if arg is None:
            continue
        if arg.proven_safe(sink.kind):  # the helper's sink, given this caller's clean data: quiet its pattern rule
            frame.mod.verdict(getattr(sink.node, "lineno", 1) - 1, sink.kind, "safe")
        for at in arg.real_taints(sink.kind):
            if sink.kind in sink.cleared:
                continue
            path = (*at.path, step, *sink.path[1:])[-10:]
            if at.param is not None:
                nested = ParamSink(at.param, sink.kind, sink.node, sink.label, path, at.cleared | sink.cleared)
                if nested not in frame.param_sinks:
                    frame.param_sinks.append(nested)
            else:
                frame.mod.report(sink.kind, sink.node, replace(at, path=path), sink.label)
                frame.mod.verdict(getattr(sink.node, "lineno", 1) - 1, sink.kind, "vuln")
    flows_params = any(t.param is not None for t in summary.ret.taints)
    return Val(
        taints=tuple(taints[:6]),
        consts=None if flows_params else summary.ret.consts,
        opaque=opaque,
        safe_for=summary.ret.safe_for,
        items=None if flows_params else summary.ret.items,
        keys=None if flows_params else summary.ret.keys,
        kind=summary.ret.kind,
    )
