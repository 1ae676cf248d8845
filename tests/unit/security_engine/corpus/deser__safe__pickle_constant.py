import pickle

from flask import Flask, request

app = Flask(__name__)
DEFAULTS = pickle.dumps({"theme": "dark"})


@app.route("/defaults")
def defaults():
    _ = request.args.get("user")
    return pickle.loads(DEFAULTS)
