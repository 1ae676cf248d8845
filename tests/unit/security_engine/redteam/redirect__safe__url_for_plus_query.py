# expect: safe
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/search-again")
def search_again():
    return redirect(url_for("search") + "?q=" + request.args.get("q", ""))
