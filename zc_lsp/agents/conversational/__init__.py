"""The Conversational agent: explains code, writes docstrings, chats, speaks.

The entry point loads this spec only; the explainer and speech are imported when first built.
"""

from __future__ import annotations

from zc_lsp.agents.base import Action, Agent, AgentSpec


def build() -> Agent:
    from zc_lsp.agents.conversational.agent import ConversationalAgent

    return ConversationalAgent()


SPEC = AgentSpec(
    name="conversational",
    summary="Explains code, writes docstrings, answers chat, reads explanations aloud.",
    actions=(
        Action("explain", command="zc.explain", progress="Explaining"),
        Action("docstring", resolves="docstring", edits="offer"),
        Action("chat", command="zc.chat", params=("message",), progress="Chat"),
        Action("speak", command="zc.speak", params=("text",), progress="Speaking"),
        Action("history"),  # zc.chat.history: the stored (scrubbed) exchanges of a conversation
    ),
    build=build,
)
