import sqlite3

from aiohttp import web


async def rename(request: web.Request) -> web.Response:
    data = await request.post()
    old, new = data["old"], data["new"]
    script = "ALTER TABLE " + old + " RENAME TO " + new + ";"
    sqlite3.connect("x.db").executescript(script)
    return web.json_response({"ok": True})
