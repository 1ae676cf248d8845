# expect: CWE-95
import base64

from flask import Flask, request

app = Flask(__name__)


@app.route("/restore")
def restore():
    raw = request.cookies.get("state", "")
    state = base64.b64decode(raw).decode("utf-8")
    restored = eval(state)
    return {"keys": list(restored)}
