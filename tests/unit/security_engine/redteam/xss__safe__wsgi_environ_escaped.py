# expect: safe
import html
from urllib.parse import parse_qs


def application(environ, start_response):
    params = parse_qs(environ.get("QUERY_STRING", ""))
    name = html.escape(params.get("name", [""])[0])
    body = "<html><body>Hi %s</body></html>" % name
    start_response("200 OK", [("Content-Type", "text/html")])
    return [body.encode("utf-8")]
