# expect: CWE-295
import httpx

CLIENT_OPTS = {"timeout": 10.0, "verify": False, "http2": True}


async def fetch_status(base_url: str) -> dict:
    async with httpx.AsyncClient(**CLIENT_OPTS) as client:
        resp = await client.get(base_url + "/status")
        return resp.json()
