# expect: safe
import html
import json
from wsgiref.simple_server import make_server
from urllib.parse import parse_qs

GUESTBOOK: list[tuple[str, str]] = []


def _page(body: str) -> bytes:
    return ("<!doctype html><meta charset=utf-8><title>Guestbook</title>" + body).encode("utf-8")


def _render_entries() -> str:
    rows = []
    for name, message in GUESTBOOK[-50:]:
        rows.append(f"<li><b>{html.escape(name)}</b>: {html.escape(message)}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def application(environ, start_response):
    method = environ["REQUEST_METHOD"]
    if method == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(size).decode("utf-8"))
        name = form.get("name", ["anonymous"])[0][:40]
        message = form.get("message", [""])[0][:500]
        GUESTBOOK.append((name, message))
        start_response("303 See Other", [("Location", "/")])
        return [b""]
    if environ.get("PATH_INFO") == "/api":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(GUESTBOOK).encode()]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    hint = query.get("hint", [""])[0]
    body = f"<p>Hint: {html.escape(hint, quote=True)}</p>" + _render_entries()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [_page(body)]


if __name__ == "__main__":
    with make_server("127.0.0.1", 8000, application) as httpd:
        httpd.serve_forever()
