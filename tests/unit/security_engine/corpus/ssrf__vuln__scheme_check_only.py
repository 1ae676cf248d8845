from urllib.parse import urlparse

import requests
from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/fetch")
def fetch():
    url = request.args["u"]
    if urlparse(url).scheme not in ("http", "https"):
        abort(400)
    return {"status": requests.get(url, timeout=3).status_code}
