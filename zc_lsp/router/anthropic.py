"""Anthropic's Messages API via `anthropic.AsyncAnthropic` (llama.cpp serves it too, on loopback)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from zc_lsp.router._common import SdkProvider, classify
from zc_lsp.router.base import ModelReply, ModelRequest, Usage


class AnthropicProvider(SdkProvider):
    name = "anthropic"

    def _make_client(self) -> Any:
        import anthropic

        return anthropic.AsyncAnthropic(
            api_key=self.cfg.key_or_dummy(),
            base_url=self.cfg.base_url,
            timeout=anthropic.Timeout(self.cfg.total_timeout_s, **self._timeout_kwargs()),
            max_retries=0,  # the router retries, with its own backoff and breaker
        )

    def _params(self, request: ModelRequest, model: str) -> dict[str, Any]:
        params: dict[str, Any] = {"model": model, "max_tokens": request.max_tokens,
                                  "messages": [{"role": "user", "content": request.prompt}]}
        if request.system:
            params["system"] = request.system
        # This SDK version no longer types `temperature`; the API still takes it in the body.
        params["extra_body"] = {"temperature": request.temperature}
        return params

    async def complete(self, request: ModelRequest, model: str) -> ModelReply:
        start = time.perf_counter()
        try:
            resp = await self.client().messages.create(**self._params(request, model))
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        text = "".join(getattr(b, "text", "") for b in resp.content if getattr(b, "type", "") == "text")
        return ModelReply(text=text, provider=self.name, model=resp.model or model,
                          tokens_in=resp.usage.input_tokens or 0, tokens_out=resp.usage.output_tokens or 0,
                          latency_ms=(time.perf_counter() - start) * 1000)

    async def stream(self, request: ModelRequest, model: str, *, usage: Usage | None = None) -> AsyncIterator[str]:
        try:
            stream = await self.client().messages.create(**self._params(request, model), stream=True)
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        try:
            async for event in stream:
                kind = getattr(event, "type", "")
                if kind == "content_block_delta" and getattr(event.delta, "type", "") == "text_delta":
                    if event.delta.text:
                        yield event.delta.text
                elif kind == "message_start" and usage is not None:
                    usage.tokens_in = event.message.usage.input_tokens or 0
                    usage.model = event.message.model or ""
                elif kind == "message_delta" and usage is not None and event.usage is not None:
                    usage.tokens_out = event.usage.output_tokens or 0
        except Exception as exc:
            raise classify(self.cfg, exc, model) from exc
        finally:
            await stream.close()  # closes the HTTP response at once, also on cancel

    async def list_models(self) -> list[str]:
        try:
            return sorted([m.id async for m in self.client().models.list()])
        except Exception as exc:
            raise classify(self.cfg, exc, "") from exc
