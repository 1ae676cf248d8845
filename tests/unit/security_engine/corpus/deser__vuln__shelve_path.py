import shelve

from flask import Flask, request

app = Flask(__name__)


@app.route("/cache")
def cache():
    name = request.args["db"]
    with shelve.open("/var/cache/" + name) as db:
        return {"keys": list(db.keys())}
