from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/dark-mode")
def dark_mode():
    resp = make_response({"ok": True})
    if request.args.get("on") == "1":
        resp.set_cookie("theme", "dark", max_age=3600 * 24 * 365)
    return resp
