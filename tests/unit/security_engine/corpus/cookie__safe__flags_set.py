from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    resp = make_response({"ok": True})
    resp.set_cookie("session_token", "abc123", secure=True, httponly=True, samesite="Lax")
    return resp
