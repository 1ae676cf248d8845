# expect: safe
import os

from flask import Flask, abort, request, send_file

app = Flask(__name__)

AVATAR_DIR = os.path.realpath(os.environ.get("AVATAR_DIR", "/srv/avatars"))
DEFAULT_AVATAR = os.path.join(AVATAR_DIR, "default.png")


def confined_path(name: str):
    base_name = os.path.basename(name or "")
    if not base_name or base_name.startswith("."):
        return None
    full = os.path.realpath(os.path.join(AVATAR_DIR, base_name))
    if os.path.commonpath([full, AVATAR_DIR]) != AVATAR_DIR:
        return None
    return full


@app.get("/avatar")
def avatar():
    path = confined_path(request.args.get("name", ""))
    if path is None or not os.path.isfile(path):
        path = DEFAULT_AVATAR
    return send_file(path, mimetype="image/png", max_age=3600)


@app.post("/avatar")
def upload_avatar():
    upload = request.files.get("file")
    if upload is None:
        abort(400)
    target = confined_path(upload.filename)
    if target is None or target == DEFAULT_AVATAR:
        abort(400)
    upload.save(target)
    return {"saved": os.path.basename(target)}, 201
