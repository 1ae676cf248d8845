"""The Programming agent: changes code (ruff fixes and format, test skeletons, model edits).

This module is what the `zombiecoder.agents` entry point loads: the spec only. The agent itself
(and ruff, the model prompts, the verifier glue) is imported when it is first built.
"""

from __future__ import annotations

from zc_lsp.agents.base import Action, Agent, AgentSpec


def build() -> Agent:
    from zc_lsp.agents.programming.agent import ProgrammingAgent

    return ProgrammingAgent()


SPEC = AgentSpec(
    name="programming",
    summary="Changes code: ruff fixes and formatting, test skeletons, model-written edits (verified).",
    actions=(
        Action("fix_all", resolves="fix_all", edits="offer"),
        Action("quick_repair", resolves="quick_repair", edits="offer"),  # one diagnostic, same use case
        Action("format", resolves="format", edits="offer"),
        Action("test_skeleton", resolves="test_skeleton", edits="offer"),
        Action("implement", resolves="implement", progress="Implementing", edits="offer", model=True),
        Action("refactor", resolves="refactor", progress="Refactoring selection", edits="offer", model=True),
        Action("optimise", resolves="optimise", progress="Optimising selection", edits="offer", model=True),
        Action("fix", resolves="fix_ai", progress="Fixing with AI", edits="offer", model=True),
        Action("generate", command="zc.generate", params=("instruction",), progress="zc.generate", edits="apply"),
        Action("repair", progress="Repairing"),  # chat's /fix: the repair engine's diff, never written
        Action("inline_complete", record_tasks=False, serves="textDocument/inlineCompletion"),  # textDocument/inlineCompletion, per keystroke
    ),
    build=build,
)
