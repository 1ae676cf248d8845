# expect: CWE-328
import hashlib

from aiohttp import web


def hash_password(password: str) -> str:
    return hashlib.sha1(password.encode("utf-8")).hexdigest()


async def create_user(request: web.Request) -> web.Response:
    data = await request.post()
    return web.json_response({"hash": hash_password(data["password"])})
