# expect: safe
import os
import ssl

import httpx
import requests

CA_BUNDLE = os.environ.get("INTERNAL_CA_BUNDLE", "/etc/ssl/certs/internal-ca.pem")
VERIFY_TLS = True


def internal_session() -> requests.Session:
    s = requests.Session()
    s.verify = CA_BUNDLE
    return s


def fetch_config(service: str) -> dict:
    resp = internal_session().get(f"https://config.internal.example.com/v1/{service}", timeout=10)
    resp.raise_for_status()
    return resp.json()


def public_status() -> int:
    return requests.get("https://status.example.com/api/v2/status.json", verify=VERIFY_TLS, timeout=5).status_code


async def async_probe(url: str) -> int:
    ctx = ssl.create_default_context(cafile=CA_BUNDLE)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    async with httpx.AsyncClient(verify=ctx, timeout=5) as client:
        resp = await client.get(url)
    return resp.status_code
