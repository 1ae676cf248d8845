# expect: CWE-614
import secrets

from flask import Flask, make_response, request

app = Flask(__name__)
DEBUG_LOCAL = False
SESSION_COOKIE = {"secure": DEBUG_LOCAL, "httponly": True, "samesite": "Lax"}


@app.post("/login")
def login():
    user = request.form.get("user", "")
    resp = make_response({"user": user})
    resp.set_cookie("session", secrets.token_urlsafe(24), **SESSION_COOKIE)
    return resp
