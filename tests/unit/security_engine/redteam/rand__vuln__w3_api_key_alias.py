# expect: CWE-330
import string
from random import SystemRandom, choice as pick
from datetime import datetime, timezone

from fastapi import Depends, FastAPI
from pydantic import BaseModel

from .deps import current_org
from .db import save_api_key

app = FastAPI()

KEY_ALPHABET = string.ascii_letters + string.digits
KEY_PREFIX = "ak_"
_unused_rng = SystemRandom


class ApiKeyOut(BaseModel):
    key: str
    created_at: datetime


def generate_key(length: int = 40) -> str:
    body = ""
    for _ in range(length):
        body += pick(KEY_ALPHABET)
    return KEY_PREFIX + body


@app.post("/api-keys", response_model=ApiKeyOut)
async def create_api_key(org=Depends(current_org)):
    key = generate_key()
    created = datetime.now(timezone.utc)
    await save_api_key(org.id, key, created)
    return ApiKeyOut(key=key, created_at=created)
