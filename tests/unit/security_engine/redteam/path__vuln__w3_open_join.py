# expect: CWE-22
import mimetypes
import os

from flask import Flask, Response, abort, request

app = Flask(__name__)

REPORTS_DIR = os.environ.get("REPORTS_DIR", "/srv/reports")


def _mimetype(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


@app.get("/reports/download")
def download_report():
    filename = request.args.get("file")
    if not filename:
        abort(400)
    full_path = os.path.join(REPORTS_DIR, filename)
    if not os.path.isfile(full_path):
        abort(404)
    with open(full_path, "rb") as fh:
        data = fh.read()
    headers = {"Content-Disposition": f'attachment; filename="{os.path.basename(full_path)}"'}
    return Response(data, mimetype=_mimetype(full_path), headers=headers)


@app.get("/reports")
def list_reports():
    names = sorted(n for n in os.listdir(REPORTS_DIR) if n.endswith((".pdf", ".csv")))
    return {"reports": names}
