from starlette.responses import RedirectResponse


async def back(request):
    path = request.query_params.get("path", "/")
    if not path.startswith("/") or path.startswith("//"):
        return RedirectResponse("/")
    return RedirectResponse(path)
