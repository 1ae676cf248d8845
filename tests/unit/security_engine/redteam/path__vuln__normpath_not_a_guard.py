# expect: CWE-22
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/read")
def read():
    rel = os.path.normpath(request.args.get("p", ""))
    with open(os.path.join("/srv/data", rel)) as fh:
        return fh.read()
