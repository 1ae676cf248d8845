# expect: CWE-22
from flask import Flask, abort, request

app = Flask(__name__)
BASE = "/srv/share/"


@app.route("/share")
def share():
    wanted = BASE + request.args.get("f", "")
    if not wanted.startswith(BASE):
        abort(403)
    with open(wanted, "rb") as fh:
        return fh.read()
