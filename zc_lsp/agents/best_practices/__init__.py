"""The Best Practices agent: reviews code (ruff, bandit, secrets, optionally a model).

The entry point loads this spec only; the engines are imported when the agent is first built.
"""

from __future__ import annotations

from zc_lsp.agents.base import Action, Agent, AgentSpec


def build() -> Agent:
    from zc_lsp.agents.best_practices.agent import BestPracticesAgent

    return BestPracticesAgent()


SPEC = AgentSpec(
    name="best_practices",
    summary="Reviews code: ruff, bandit, secrets and, when asked, a model; explains findings.",
    actions=(
        Action("review", command="zc.review"),  # hand-written in handlers: it fans out over the workspace
        Action("review_files"),
        Action("explain_finding", command="zc.explainFinding", params=("code", "message")),
    ),
    build=build,
)
