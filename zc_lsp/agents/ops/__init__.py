"""The Ops agent: status, doctor and model probes.

The entry point loads this spec only; the checks are imported when the agent is first built.
"""

from __future__ import annotations

from zc_lsp.agents.base import Action, Agent, AgentSpec


def build() -> Agent:
    from zc_lsp.agents.ops.agent import OpsAgent

    return OpsAgent()


SPEC = AgentSpec(
    name="ops",
    summary="Reports status, checks the installation (doctor), times the configured models.",
    actions=(
        Action("status"),  # zc.status answers from the status hub directly (the panel polls it)
        Action("doctor", command="zc.doctor", progress="Doctor"),
        Action("probe"),
    ),
    build=build,
)
