# expect: safe
import pickle

from flask import Flask, request

app = Flask(__name__)
DEFAULTS = pickle.dumps({"theme": "light", "page_size": 20})


@app.route("/defaults")
def defaults():
    _ = request.args.get("v")
    return pickle.loads(DEFAULTS)
