# expect: safe
import urllib.parse

from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/portal/leave")
def portal_leave():
    target = request.args.get("to", "/")
    if urllib.parse.urlparse(target).netloc not in ("", "portal.example.com"):
        return redirect("/")
    return redirect(target)
