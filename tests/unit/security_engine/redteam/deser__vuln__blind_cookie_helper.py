# expect: CWE-502
import base64
import pickle

from flask import Flask, request

app = Flask(__name__)


def decode_state(raw):
    return pickle.loads(base64.b64decode(raw))


@app.route("/wizard")
def wizard():
    state = decode_state(request.cookies.get("wizard", ""))
    return {"step": state.get("step", 1)}
