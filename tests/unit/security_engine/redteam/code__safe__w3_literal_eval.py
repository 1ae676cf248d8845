# expect: safe
import ast
import argparse
import json
import sys

from aiohttp import web


def parse_value(raw: str):
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw


async def set_option(request: web.Request) -> web.Response:
    form = await request.post()
    key = form.get("key", "")
    value = parse_value(form.get("value", ""))
    request.app["options"][key] = value
    return web.json_response({"key": key, "value": value})


async def get_options(request: web.Request) -> web.Response:
    return web.json_response(request.app["options"], dumps=lambda o: json.dumps(o, default=repr))


def build_app() -> web.Application:
    app = web.Application()
    app["options"] = {}
    app.router.add_post("/options", set_option)
    app.router.add_get("/options", get_options)
    return app


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="options service")
    ap.add_argument("--port", type=int, default=8085)
    ap.add_argument("--preset", action="append", default=[], help="key=value")
    args = ap.parse_args(argv)
    app = build_app()
    for item in args.preset:
        key, _, raw = item.partition("=")
        app["options"][key] = parse_value(raw)
    web.run_app(app, host="127.0.0.1", port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
