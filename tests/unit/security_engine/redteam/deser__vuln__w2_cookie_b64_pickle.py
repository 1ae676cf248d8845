# expect: CWE-502
import base64, pickle
from flask import Flask, request

app = Flask(__name__)

@app.route("/restore", methods=["POST"])
def restore():
    blob = base64.b64decode(request.cookies.get("state", ""))
    state = pickle.loads(blob)
    return {"keys": list(state)}
