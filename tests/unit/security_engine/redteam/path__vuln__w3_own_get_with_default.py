# expect: CWE-22
import os

from flask import Flask, request, send_file

app = Flask(__name__)
DOWNLOADS = "/srv/downloads"
TYPES = {"report.pdf": "application/pdf"}


@app.get("/download")
def download():
    name = request.args.get("file", "")
    mimetype = TYPES.get(name, "application/octet-stream")
    if mimetype is None:
        return "unknown", 404
    return send_file(os.path.join(DOWNLOADS, name), mimetype=mimetype)
