# expect: CWE-117
import logging
import os

from fastapi import FastAPI, Form, HTTPException, Request

from .auth import verify_credentials

logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s", level=logging.INFO)
audit = logging.getLogger("audit")

app = FastAPI()
LOCKOUT_THRESHOLD = int(os.environ.get("LOCKOUT_THRESHOLD", "5"))
_failures: dict[str, int] = {}


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "-"


@app.post("/login")
async def login(request: Request, username: str = Form(...), password: str = Form(...)):
    ip = _client_ip(request)
    if await verify_credentials(username, password):
        _failures.pop(username, None)
        audit.info("login ok user=%s ip=%s", username, ip)
        return {"ok": True}
    _failures[username] = _failures.get(username, 0) + 1
    message = "login failed for user " + username + " from " + ip
    audit.warning(message)
    if _failures[username] >= LOCKOUT_THRESHOLD:
        audit.error(f"account locked: {username}")
    raise HTTPException(status_code=401, detail="invalid credentials")
