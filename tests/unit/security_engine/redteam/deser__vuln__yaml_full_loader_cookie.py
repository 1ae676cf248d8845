# expect: CWE-502
import base64

from flask import Flask, request

app = Flask(__name__)


@app.route("/prefs/load")
def prefs_load():
    import yaml

    raw = base64.b64decode(request.cookies.get("prefs", "")).decode()
    prefs = yaml.load(raw, Loader=yaml.UnsafeLoader)
    return str(len(prefs))
