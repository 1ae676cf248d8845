# expect: CWE-78
import os
from typing import Optional

from fastapi import FastAPI, Query
from pydantic import BaseModel

app = FastAPI(title="dns-helper")


class LookupResult(BaseModel):
    domain: str
    record_type: str
    answers: list[str]


SUPPORTED_TYPES = {"A", "AAAA", "MX", "TXT", "NS"}


def _normalise_type(rtype: Optional[str]) -> str:
    rtype = (rtype or "A").upper()
    return rtype if rtype in SUPPORTED_TYPES else "A"


@app.get("/lookup", response_model=LookupResult)
async def lookup(domain: str = Query(...), rtype: Optional[str] = None):
    record_type = _normalise_type(rtype)
    stream = os.popen("dig +short " + record_type + " " + domain)
    answers = [line.strip() for line in stream.read().splitlines() if line.strip()]
    stream.close()
    return LookupResult(domain=domain, record_type=record_type, answers=answers)


@app.get("/types")
async def types():
    return sorted(SUPPORTED_TYPES)
