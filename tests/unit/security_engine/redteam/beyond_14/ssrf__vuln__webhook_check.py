# expect: CWE-918
import time
from typing import Optional

import requests
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()

USER_AGENT = "hooks-tester/1.4"


class WebhookTest(BaseModel):
    url: str
    event: str = "ping"
    secret: Optional[str] = None


def _post(target: str, payload: dict) -> requests.Response:
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
    return requests.post(target, json=payload, headers=headers, timeout=5)


@app.post("/webhooks/test")
def test_webhook(body: WebhookTest):
    destination = body.url
    endpoint = destination.rstrip("/")
    started = time.perf_counter()
    try:
        resp = _post(endpoint, {"event": body.event, "ts": int(time.time())})
    except requests.RequestException as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {
        "ok": resp.ok,
        "status": resp.status_code,
        "elapsed_ms": int((time.perf_counter() - started) * 1000),
        "body_preview": resp.text[:500],
    }
