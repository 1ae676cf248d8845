import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/download")
def download():
    name = os.path.basename(request.args.get("file", ""))
    with open(os.path.join("/srv/uploads", name), "rb") as fh:
        return fh.read()
