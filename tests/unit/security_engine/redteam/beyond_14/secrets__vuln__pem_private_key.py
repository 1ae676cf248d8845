# expect: CWE-798
import datetime as dt
import uuid

import jwt
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI(title="token-issuer")

ISSUER = "https://auth.internal.example.com"
AUDIENCE = "billing-api"
LIFETIME = dt.timedelta(minutes=15)

SIGNING_KEY = """\
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIBynZxDWKHHBUYl8yEm5ECLlAVADubaXDfmFBN41CKx7oAoGCCqGSM49
AwEHoUQDQgAE1sy1qJRcpMYt2wuSlbrim0PoB0tdcdjC0XDYH6meVG2+lyUQ3R7X
nTbJ56nNC50pKEc2ovdA7dCn/uKF9w0y/Q==
-----END EC PRIVATE KEY-----
"""


class ServiceLogin(BaseModel):
    client_id: str
    scopes: list[str] = []


KNOWN_CLIENTS = {"invoice-worker", "report-builder", "ledger-sync"}


def mint(subject: str, scopes: list[str]) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject,
        "scope": " ".join(sorted(set(scopes))),
        "iat": now,
        "exp": now + LIFETIME,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, SIGNING_KEY, algorithm="ES256", headers={"kid": "svc-2024-01"})


@app.post("/token")
def issue_token(body: ServiceLogin):
    if body.client_id not in KNOWN_CLIENTS:
        raise HTTPException(status_code=403, detail="unknown client")
    return {"access_token": mint(body.client_id, body.scopes), "token_type": "Bearer", "expires_in": int(LIFETIME.total_seconds())}
