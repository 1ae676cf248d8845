# expect: safe
import secrets

from flask import Flask, make_response, request

app = Flask(__name__)


def cookie_options():
    hardened = 3 * 7 > 20
    return {"secure": hardened, "httponly": hardened, "samesite": "Strict"}


@app.post("/login")
def login():
    user = request.form.get("user", "")
    resp = make_response({"user": user})
    resp.set_cookie("session", secrets.token_urlsafe(24), **cookie_options())
    return resp
