"""OpenAI and every OpenAI-compatible server (vLLM, LM Studio, LiteLLM, llama.cpp) via `openai.AsyncOpenAI`."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from zc_lsp.router._common import SdkProvider, classify, fim_refused, messages
from zc_lsp.router.base import ModelReply, ModelRequest, ProviderError, Usage


class OpenAIProvider(SdkProvider):
    name = "openai"

    def _make_client(self) -> Any:
        import openai

        return openai.AsyncOpenAI(
            api_key=self.cfg.key_or_dummy(),
            base_url=self.cfg.base_url,
            timeout=openai.Timeout(self.cfg.total_timeout_s, **self._timeout_kwargs()),
            max_retries=0,  # the router retries, with its own backoff and breaker
        )

    def _params(self, request: ModelRequest, model: str) -> dict[str, Any]:
        return {"model": model, "messages": messages(request.system, request.prompt),
                "max_tokens": request.max_tokens, "temperature": request.temperature}

    async def complete(self, request: ModelRequest, model: str) -> ModelReply:
        if request.fim is not None and model not in self._no_fim:
            try:
                return await self._fill_in_middle(request, model)
            except ProviderError as exc:
                if not fim_refused(exc):
                    raise
                self._no_fim.add(model)  # no /v1/completions or no `suffix` here: chat from now on
        start = time.perf_counter()
        try:
            resp = await self.client().chat.completions.create(**self._params(request, model))
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        text = (resp.choices[0].message.content or "") if resp.choices else ""
        usage = resp.usage
        return ModelReply(text=text, provider=self.name, model=resp.model or model,
                          tokens_in=getattr(usage, "prompt_tokens", 0) or 0,
                          tokens_out=getattr(usage, "completion_tokens", 0) or 0,
                          latency_ms=(time.perf_counter() - start) * 1000)

    async def _fill_in_middle(self, request: ModelRequest, model: str) -> ModelReply:
        """The legacy `/v1/completions` with `suffix` (OpenAI instruct models, vLLM, llama.cpp, LM Studio)."""
        assert request.fim is not None
        prefix, suffix = request.fim
        start = time.perf_counter()
        try:
            resp = await self.client().completions.create(
                model=model, prompt=prefix, suffix=suffix, max_tokens=request.max_tokens,
                temperature=request.temperature)
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        text = (resp.choices[0].text or "") if resp.choices else ""
        usage = resp.usage
        return ModelReply(text=text, provider=self.name, model=resp.model or model,
                          tokens_in=getattr(usage, "prompt_tokens", 0) or 0,
                          tokens_out=getattr(usage, "completion_tokens", 0) or 0,
                          latency_ms=(time.perf_counter() - start) * 1000)

    async def stream(self, request: ModelRequest, model: str, *, usage: Usage | None = None) -> AsyncIterator[str]:
        try:
            stream = await self.client().chat.completions.create(
                **self._params(request, model), stream=True, stream_options={"include_usage": True})
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        try:
            async for chunk in stream:
                if usage is not None and chunk.model:
                    usage.model = chunk.model
                if chunk.usage is not None and usage is not None:
                    usage.tokens_in = chunk.usage.prompt_tokens or 0
                    usage.tokens_out = chunk.usage.completion_tokens or 0
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        finally:
            await stream.close()  # closes the HTTP response at once, also on cancel

    async def list_models(self) -> list[str]:
        try:
            return sorted([m.id async for m in self.client().models.list()])
        except Exception as exc:
            raise classify(self.cfg, exc, "") from exc
