"""Shared code for the model-powered agent actions.

- `routing`: one way to ask the router (template -> ModelRequest -> ModelReply) and to say plainly
  why an answer is offline.
- `source`: cheap AST/line helpers: the function around a line, stubs, context, indentation,
  and what a reply touches (names, files).
"""

from zc_lsp.agents.modelwork.routing import ask, attempts_of, offline_note, with_reply

__all__ = ["ask", "attempts_of", "offline_note", "with_reply"]
