"""The offline note before an answer stays one short line; the reasons keep their first clause."""

from __future__ import annotations

from zc_lsp.agents.modelwork.routing import NOTE_MAX, offline_note

REAL = [
    "ollama: cannot connect to http://127.0.0.1:11434 (start it with `ollama serve`)",
    "openai: cloud provider at https://api.openai.com/v1 not allowed: set privacy.allow_cloud: true to use it",
    "anthropic: cloud provider at https://api.anthropic.com not allowed: set privacy.allow_cloud: true to use it",
]


def test_the_note_names_each_failure_once_and_drops_the_hints() -> None:
    note = offline_note(REAL)
    assert note == (
        "No model answered (ollama: cannot connect to http://127.0.0.1:11434; "
        "openai, anthropic: cloud not allowed) — offline answer:"
    )
    assert len(note) < 140 and len(" ".join(REAL)) > 280


def test_a_flood_of_attempts_is_cut_with_an_ellipsis() -> None:
    note = offline_note([f"host{n}: timed out after 30s" for n in range(40)])
    assert "…" in note and len(note) <= NOTE_MAX + len("No model answered () — offline answer:")


def test_no_attempt_means_no_provider_configured() -> None:
    assert offline_note([]) == "No model provider is configured — offline answer:"
