"""The Verifier agent: runs tests, validates edits, writes tests.

The entry point loads this spec only; pytest plumbing is imported when the agent is first built.
"""

from __future__ import annotations

from zc_lsp.agents.base import Action, Agent, AgentSpec


def build() -> Agent:
    from zc_lsp.agents.verifier.agent import VerifierAgent

    return VerifierAgent()


SPEC = AgentSpec(
    name="verifier",
    summary="Runs the workspace's tests, validates edits on a sandboxed copy, writes tests.",
    actions=(
        Action("run_tests", command="zc.runTests", params=("test",), progress="Running tests"),
        Action("validate_edit"),
        Action("generate_tests", command="zc.generateTests", progress="zc.generateTests", edits="apply"),
    ),
    build=build,
)
