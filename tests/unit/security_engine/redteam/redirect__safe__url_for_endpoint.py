# expect: safe
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/jump")
def jump():
    page = request.args.get("page", "index")
    return redirect(url_for("show_page", name=page))
