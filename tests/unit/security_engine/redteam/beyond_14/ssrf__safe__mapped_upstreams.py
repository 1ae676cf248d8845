# expect: safe
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

UPSTREAMS = {
    "weather": "https://api.weather.example.com/v2/current",
    "fx": "https://rates.example.net/latest",
    "news": "https://news.example.org/api/headlines",
}


async def proxy(request: Request) -> JSONResponse:
    service = request.path_params["service"]
    url = UPSTREAMS.get(service)
    if url is None:
        return JSONResponse({"error": "unknown service"}, status_code=404)
    params = {k: v for k, v in request.query_params.items() if k in ("city", "base", "lang")}
    async with httpx.AsyncClient(timeout=5.0) as client:
        resp = await client.get(url, params=params)
    return JSONResponse({"service": service, "status": resp.status_code, "data": resp.json()})


app = Starlette(routes=[Route("/proxy/{service}", proxy)])
