# expect: CWE-89
import aiosqlite
from aiohttp import web


async def listing(request: web.Request) -> web.Response:
    sort = request.query.get("sort", "id")
    async with aiosqlite.connect("app.db") as db:
        cursor = await db.execute("SELECT id, title FROM posts ORDER BY {}".format(sort))
        rows = await cursor.fetchall()
    return web.json_response(rows)
