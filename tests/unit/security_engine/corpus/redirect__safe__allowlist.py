from flask import Flask, redirect, request

app = Flask(__name__)
ALLOWED = {"/", "/dashboard", "/settings"}


@app.route("/after-login")
def after_login():
    target = request.args.get("next", "/")
    if target not in ALLOWED:
        target = "/"
    return redirect(target)
