import subprocess

from aiohttp import web


async def tool(request):
    program = request.match_info["tool"]
    result = subprocess.run([program, "--version"], capture_output=True)
    return web.Response(text=result.stdout.decode())
