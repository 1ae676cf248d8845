from urllib.parse import urlparse

import requests
from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"api.github.com", "hooks.slack.com"}


@app.route("/preview")
def preview():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    return {"status": requests.get(url, timeout=5).status_code}
