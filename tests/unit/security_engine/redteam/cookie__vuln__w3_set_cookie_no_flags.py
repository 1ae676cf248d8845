# expect: CWE-614
import os
import secrets
from datetime import timedelta

from flask import Flask, jsonify, make_response, request
from werkzeug.security import check_password_hash

from .auth_store import find_user, store_token

app = Flask(__name__)
app.secret_key = os.environ["API_GATEWAY_SECRET_KEY"]

TOKEN_TTL = timedelta(hours=8)


def _issue_token(user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    store_token(token, user_id, TOKEN_TTL)
    return token


@app.post("/auth/login")
def login():
    creds = request.get_json(force=True)
    user = find_user(creds.get("username", ""))
    if user is None or not check_password_hash(user.password_hash, creds.get("password", "")):
        return jsonify(error="invalid credentials"), 401
    token = _issue_token(user.id)
    resp = make_response(jsonify(ok=True, user=user.username))
    resp.set_cookie("auth_token", token, max_age=int(TOKEN_TTL.total_seconds()), samesite="Lax")
    return resp


@app.post("/auth/logout")
def logout():
    resp = make_response(jsonify(ok=True))
    resp.delete_cookie("auth_token")
    return resp
