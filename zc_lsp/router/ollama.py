"""Ollama via `ollama.AsyncClient` (/api/chat, NDJSON streaming; /api/generate with `suffix` for FIM)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from zc_lsp.router._common import SdkProvider, classify, fim_refused, messages
from zc_lsp.router.base import ModelReply, ModelRequest, ProviderError, Usage


class OllamaProvider(SdkProvider):
    name = "ollama"

    def _make_client(self) -> Any:
        import httpx
        import ollama

        # An explicit header wins over the SDK reading OLLAMA_API_KEY from os.environ itself.
        headers = {"Authorization": f"Bearer {self.cfg.api_key}"} if self.cfg.api_key else None
        return ollama.AsyncClient(
            host=self.cfg.base_url,
            timeout=httpx.Timeout(self.cfg.total_timeout_s, **self._timeout_kwargs()),
            headers=headers,
        )

    def _params(self, request: ModelRequest, model: str) -> dict[str, Any]:
        return {"model": model, "messages": messages(request.system, request.prompt),
                "options": {"temperature": request.temperature, "num_predict": request.max_tokens}}

    async def complete(self, request: ModelRequest, model: str) -> ModelReply:
        if request.fim is not None and model not in self._no_fim:
            try:
                return await self._fill_in_middle(request, model)
            except ProviderError as exc:
                if not fim_refused(exc):
                    raise
                self._no_fim.add(model)  # "does not support insert": chat from now on for this model
        start = time.perf_counter()
        try:
            resp = await self.client().chat(**self._params(request, model), stream=False)
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        return ModelReply(text=resp.message.content or "", provider=self.name, model=resp.model or model,
                          tokens_in=resp.prompt_eval_count or 0, tokens_out=resp.eval_count or 0,
                          latency_ms=(time.perf_counter() - start) * 1000)

    async def _fill_in_middle(self, request: ModelRequest, model: str) -> ModelReply:
        """/api/generate with `suffix`: the model's own FIM template (qwen2.5-coder, codellama, starcoder2 ...)."""
        assert request.fim is not None
        prefix, suffix = request.fim
        start = time.perf_counter()
        try:
            resp = await self.client().generate(
                model=model, prompt=prefix, suffix=suffix, stream=False,
                options={"temperature": request.temperature, "num_predict": request.max_tokens})
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        return ModelReply(text=resp.response or "", provider=self.name, model=resp.model or model,
                          tokens_in=resp.prompt_eval_count or 0, tokens_out=resp.eval_count or 0,
                          latency_ms=(time.perf_counter() - start) * 1000)

    async def stream(self, request: ModelRequest, model: str, *, usage: Usage | None = None) -> AsyncIterator[str]:
        try:
            chunks = await self.client().chat(**self._params(request, model), stream=True)
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        try:
            async for part in chunks:
                if usage is not None and part.model:
                    usage.model = part.model
                if part.message and part.message.content:
                    yield part.message.content
                if part.done and usage is not None:
                    usage.tokens_in = part.prompt_eval_count or 0
                    usage.tokens_out = part.eval_count or 0
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        finally:
            await chunks.aclose()  # leaves the SDK's `async with stream(...)`, closing the response

    async def list_models(self) -> list[str]:
        try:
            resp = await self.client().list()
        except Exception as exc:
            raise classify(self.cfg, exc, "") from exc
        return sorted(m.model for m in resp.models if m.model)
