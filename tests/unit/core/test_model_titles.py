"""Model action titles name who would answer, and say so plainly when nobody can."""

from __future__ import annotations

from types import SimpleNamespace

from zc_lsp.agents.registry import AgentRegistry
from zc_lsp.config import load_settings
from zc_lsp.handlers.model_actions import ModelChoice, first_model, model_choice


class Router:
    def __init__(self, status: list[dict]) -> None:
        self._status = status

    def status(self) -> list[dict]:
        return self._status

    def chain_for(self, role: str) -> list[str]:
        return ["ollama", "openai", "anthropic", "offline"]


def ls_with(status: list[dict], tmp_path) -> SimpleNamespace:
    settings = load_settings(tmp_path, user_file=tmp_path / "none.yaml")
    services = SimpleNamespace(router=Router(status), settings=settings)
    spawned: list[str] = []

    def spawn(coro, name=None) -> None:  # the re-check is only recorded here, never run
        coro.close()
        spawned.append(name)

    return SimpleNamespace(
        services_for=lambda uri: services, registry=AgentRegistry.from_entry_points(), spawn=spawn, spawned=spawned
    )


def test_titles_follow_provider_health(tmp_path) -> None:
    ollama = {"name": "ollama", "enabled": True, "breaker": "closed", "healthy": None}
    openai = {"name": "openai", "enabled": True, "breaker": "closed", "healthy": True}
    assert first_model(ls_with([ollama, openai], tmp_path)) == "ollama/qwen2.5-coder:7b"  # unknown: still tried first
    down = {**ollama, "healthy": False}
    assert first_model(ls_with([down, openai], tmp_path)) == "openai/gpt-4o-mini"
    assert first_model(ls_with([down], tmp_path)) is None  # known down: not listed with a model name
    assert model_choice(ls_with([{**ollama, "enabled": False}], tmp_path)) is None  # nothing enabled: not listed


def test_no_reachable_model_gives_one_reason_naming_each_failure(tmp_path) -> None:
    down = {
        "name": "ollama",
        "enabled": True,
        "breaker": "closed",
        "healthy": False,
        "last_error": "cannot connect to http://127.0.0.1:9 (start it with `ollama serve`)",
    }
    tripped = {"name": "openai", "enabled": True, "breaker": "open", "healthy": None, "last_error": ""}
    choice = model_choice(ls_with([down, tripped], tmp_path))
    assert choice == ModelChoice(
        reason="No model is reachable (ollama: cannot connect to http://127.0.0.1:9; "
        "openai: circuit open). Start one, or see `zc doctor`."
    )


def test_while_no_model_is_reachable_listings_recheck_at_most_every_few_seconds(tmp_path) -> None:
    down = {"name": "ollama", "enabled": True, "breaker": "closed", "healthy": False, "last_error": ""}
    ls = ls_with([down], tmp_path)
    for _ in range(5):
        assert model_choice(ls).label is None
    assert ls.spawned == ["provider reachability re-check"]  # one TCP re-check, not one per cursor move
    up = ls_with([{**down, "healthy": None}], tmp_path)
    assert model_choice(up).label == "ollama/qwen2.5-coder:7b" and up.spawned == []  # nothing to re-check
