# expect: safe
import os

from flask import Flask, request

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.route("/download")
def download():
    name = os.path.basename(request.args.get("file", ""))
    with open(os.path.join(UPLOAD_DIR, name), "rb") as fh:
        return fh.read()
