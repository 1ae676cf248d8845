# expect: safe
import base64
import json

from flask import Flask, request

app = Flask(__name__)


def decode_state(raw):
    return json.loads(base64.b64decode(raw))


@app.route("/wizard")
def wizard():
    state = decode_state(request.cookies.get("wizard", "e30="))
    return {"step": state.get("step", 1)}
