# expect: safe
import base64
import hashlib
import hmac
import json
import os

from flask import Flask, jsonify, make_response, request

app = Flask(__name__)
PREFS_KEY = os.environ["PREFS_SIGNING_KEY"].encode()
COOKIE = "prefs"


def _sign(payload: bytes) -> str:
    return hmac.new(PREFS_KEY, payload, hashlib.sha256).hexdigest()


def dump_prefs(prefs: dict) -> str:
    payload = json.dumps(prefs, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(payload).decode() + "." + _sign(payload)


def load_prefs(raw: str | None) -> dict:
    if not raw or "." not in raw:
        return {}
    encoded, sig = raw.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(encoded)
    except ValueError:
        return {}
    if not hmac.compare_digest(sig, _sign(payload)):
        return {}
    data = json.loads(payload)
    return data if isinstance(data, dict) else {}


@app.get("/prefs")
def get_prefs():
    return jsonify(load_prefs(request.cookies.get(COOKIE)))


@app.post("/prefs")
def set_prefs():
    prefs = load_prefs(request.cookies.get(COOKIE))
    prefs["theme"] = "dark" if request.form.get("theme") == "dark" else "light"
    resp = make_response(jsonify(prefs))
    resp.set_cookie(COOKIE, dump_prefs(prefs), secure=True, httponly=True, samesite="Lax")
    return resp
