from flask import Flask, current_app, make_response

app = Flask(__name__)


@app.route("/pref")
def pref():
    resp = make_response("ok")
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    resp.set_cookie("theme", "dark", secure=secure, httponly=True)
    return resp
