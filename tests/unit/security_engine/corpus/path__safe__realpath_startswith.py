import os

from flask import Flask, abort, request

app = Flask(__name__)
ROOT = os.path.realpath("/srv/public")


@app.route("/read")
def read():
    wanted = os.path.realpath(os.path.join(ROOT, request.args.get("p", "")))
    if not wanted.startswith(ROOT + os.sep):
        abort(403)
    with open(wanted) as fh:
        return {"text": fh.read()}
