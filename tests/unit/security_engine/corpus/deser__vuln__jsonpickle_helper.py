import jsonpickle
from aiohttp import web


def restore(state):
    return jsonpickle.decode(state)


async def resume(request):
    body = await request.text()
    session_state = restore(body)
    return web.json_response({"resumed": bool(session_state)})
