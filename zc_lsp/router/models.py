"""Choosing a stand-in when the configured model is not served (not pulled, another name on the server).

A user who configured `qwen2.5-coder:7b` and has `qwen2.5-coder:1.5b` and `llama3:8b` pulled is
better served by the smaller coder of the same family than by an error. The score prefers, in
order: the same family, a coder model, an instruct/chat model, a similar size; embedding-only and
vision-only models are never chosen (they cannot write code).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NOT_FOR_TEXT = ("embed", "bge-", "nomic-embed", "rerank", "whisper", "clip", "-vision", "llava", "tts")
_CODER = ("coder", "code", "starcoder", "deepseek-coder", "codestral", "codegemma", "qwen2.5-coder", "devstral")
_INSTRUCT = ("instruct", "-it", ":it", "chat", "-inst")
_SIZE = re.compile(r"(?<![a-z0-9])(\d+(?:\.\d+)?)\s*([bm])(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True)
class ModelName:
    """A model id split into what the score compares."""

    raw: str
    family: str  # "qwen2.5-coder" for "qwen2.5-coder:7b-instruct-q4_K_M", "gemma3" for "gemma-3-270m-it"
    base: str  # the letters of the family only: "qwen", "gemma", "llama"
    size_b: float | None  # parameters in billions, when the name says

    @property
    def is_coder(self) -> bool:
        low = self.raw.lower()
        return any(k in low for k in _CODER)

    @property
    def is_instruct(self) -> bool:
        low = self.raw.lower()
        return any(k in low for k in _INSTRUCT)

    @property
    def is_text(self) -> bool:
        low = self.raw.lower()
        return not any(k in low for k in _NOT_FOR_TEXT)


def parse_name(name: str) -> ModelName:
    """Split `org/family:tag` or `family-size-variant.gguf` into family, base and size."""
    low = name.strip().lower().rsplit("/", 1)[-1]
    low = re.sub(r"\.gguf$", "", low)
    family = low.split(":", 1)[0]
    size_match = _SIZE.search(low)
    size: float | None = None
    if size_match:
        value = float(size_match.group(1))
        size = value if size_match.group(2).lower() == "b" else value / 1000
        family = family[: size_match.start()].rstrip("-_.") if size_match.start() < len(family) else family
    family = re.sub(r"[-_.](instruct|it|chat|q\d.*|f16|bf16|latest)$", "", family) or family
    family = family.replace("gemma-3", "gemma3").replace("llama-3", "llama3")
    base = re.sub(r"[^a-z]", "", family.split("-", 1)[0]) or family
    return ModelName(name, family, base, size)


def _score(wanted: ModelName, cand: ModelName) -> float:
    score = 0.0
    if cand.family == wanted.family:
        score += 100
    elif cand.base and cand.base == wanted.base:
        score += 60
    if cand.is_coder:
        score += 30 if wanted.is_coder else 10
    if cand.is_instruct:
        score += 15
    if wanted.size_b and cand.size_b:
        score -= 10 * abs(math.log2(cand.size_b / wanted.size_b))  # half or double the size: -10
    elif cand.size_b is None:
        score -= 5  # unknown size: a small penalty, it may be huge
    return score


def choose_model(wanted: str, served: list[str]) -> str | None:
    """The best stand-in for `wanted` among `served`, or None when nothing can write text."""
    if wanted in served:
        return wanted
    target = parse_name(wanted)
    candidates = [parse_name(s) for s in served if s]
    candidates = [c for c in candidates if c.is_text]
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (_score(target, c), -len(c.raw), c.raw))
    return best.raw


def substitution_notice(provider: str, wanted: str, chosen: str) -> str:
    """The one sentence the user sees, with what to do about it."""
    hint = f"run `ollama pull {wanted}`" if provider == "ollama" else f"set providers.{provider}.models"
    return (f"ZombieCoder: {provider} does not serve {wanted}; using {chosen} instead "
            f"({hint} to use the configured model).")
