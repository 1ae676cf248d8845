# expect: safe
import os

from flask import Flask, request

app = Flask(__name__)
DOCS = "/srv/docs"


@app.route("/doc")
def doc():
    names = [request.args.get("f", ""), "readme.txt"]
    with open(os.path.join(DOCS, names[1])) as fh:
        return fh.read()
