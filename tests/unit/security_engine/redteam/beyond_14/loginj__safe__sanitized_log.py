# expect: safe
import logging
import os
import re

from fastapi import FastAPI, Form, HTTPException, Request

from .auth import verify_credentials

logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s", level=logging.INFO)
audit = logging.getLogger("audit")

app = FastAPI()
LOCKOUT_THRESHOLD = int(os.environ.get("LOCKOUT_THRESHOLD", "5"))
_failures: dict[str, int] = {}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(value: str, limit: int = 64) -> str:
    return _CONTROL.sub("?", value)[:limit]


@app.post("/login")
async def login(request: Request, username: str = Form(...), password: str = Form(...)):
    ip = request.client.host if request.client else "-"
    user = clean(username)
    if await verify_credentials(username, password):
        _failures.pop(username, None)
        audit.info("login ok user=%s ip=%s", user, ip)
        return {"ok": True}
    _failures[username] = _failures.get(username, 0) + 1
    audit.warning("login failed for user " + user + " from " + ip)
    if _failures[username] >= LOCKOUT_THRESHOLD:
        audit.error(f"account locked: {user}")
    raise HTTPException(status_code=401, detail="invalid credentials")
