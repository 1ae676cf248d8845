# expect: safe
import hashlib
import os
from pathlib import Path

from flask import Flask, Response, abort, request

app = Flask(__name__)
STATIC_ROOT = Path(os.environ.get("ASSET_ROOT", "/srv/assets")).resolve()
ASSETS = {"app.js": "application/javascript", "app.css": "text/css", "logo.svg": "image/svg+xml"}


def compute_etag(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest() + '"'


@app.get("/assets/<name>")
def asset(name: str):
    mimetype = ASSETS.get(name)
    if mimetype is None:
        abort(404)
    data = (STATIC_ROOT / name).read_bytes()
    etag = compute_etag(data)
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    resp = Response(data, mimetype=mimetype)
    resp.headers["ETag"] = etag
    resp.headers["Cache-Control"] = "public, max-age=600"
    return resp
