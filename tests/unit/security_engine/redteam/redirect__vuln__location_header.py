# expect: CWE-601
from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/out")
def out():
    resp = Response(status=302)
    resp.headers["Location"] = request.headers.get("Referer", "/")
    return resp
