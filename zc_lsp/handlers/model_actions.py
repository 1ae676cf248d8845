"""Model-powered code actions (Implement, Refactor, Optimise, Fix with AI) — filled in with the router."""

from __future__ import annotations

from typing import Any


def register(ls: Any) -> None:
    ls.features["model_actions"] = lambda actions, params, data, only: None
    ls.features["model_resolvers"] = {}
